import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/**
 * The lowest port the kernel hands out on its own (to port-0 listeners such as the proxies, and
 * to outgoing connections). Servers get ports below it, so a port the harness picked cannot be
 * taken by a proxy or a connection between picking and binding, nor while a killed server is
 * down before its restart.
 */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return Number(low) || 32768;
  } catch {
    return 32768;
  }
}

const FLOOR = 10_000;

function tryListen(port: number, host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * Picks `count` distinct free TCP ports on `host`, at random below the kernel's ephemeral
 * range, each checked by binding it. All are held together, so none repeats, then released.
 *
 * LIMITATION: another program can still bind a port between release and use; the server then
 * fails to start and the harness reports a PortInUseError naming it.
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ceiling = Math.max(FLOOR + count * 10, ephemeralLow());
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > count * 50) throw new Error(`no ${count} free ports below ${ceiling} on ${host}`);
      const port = FLOOR + Math.floor(Math.random() * (ceiling - FLOOR));
      if (ports.includes(port)) continue;
      const server = await tryListen(port, host);
      if (!server) continue;
      held.push(server);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
