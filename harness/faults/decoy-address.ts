import { createServer, type Server } from 'node:net';

/**
 * A loopback address that answers every connection with a TCP reset. Servers advertise it as
 * their gateway and route address: nats-server gossips advertised addresses and dials them on
 * reconnect, and a dial that fails at once sends it back to the proxied URLs it was configured
 * with, so no link ever goes around a proxy. (Measured without this: 17 of 18 gateway links
 * went direct after a few drops.)
 */
export class DecoyAddress implements AsyncDisposable {
  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  static async open(host = '127.0.0.1'): Promise<DecoyAddress> {
    const server = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new Error('decoy has no TCP address');
    return new DecoyAddress(server, `${host}:${bound.port}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}
