import { createServer } from 'node:net';

/**
 * Asks the kernel for `count` free TCP ports on `host`. All are held open together so no two
 * are the same, then released for the servers to bind.
 *
 * LIMITATION: another program can take a port between release and use; the server then fails
 * to bind and the harness reports a PortInUseError naming it rather than retrying silently.
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
