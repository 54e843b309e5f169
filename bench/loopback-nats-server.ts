import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../harness/backends/ports.ts';
import { resolveNatsServerBinary } from '../harness/backends/process/nats-binary.ts';
import { onInterrupt } from '../harness/backends/shutdown-hooks.ts';
import { pollUntil } from '../harness/wait.ts';

/** One plain nats-server on loopback: no config file, no auth, JetStream only when asked. */
export interface LoopbackNatsServer extends AsyncDisposable {
  /** `127.0.0.1:port`, for a proxy's upstream and for nats.js `servers`. */
  readonly hostPort: string;
  stop(): Promise<void>;
}

export interface LoopbackOptions {
  /**
   * Enable JetStream (`-js`) with a store dir of its own in a temp dir, removed on stop, so a
   * KV bench starts from an empty store and leaves nothing behind.
   */
  jetStream?: boolean;
}

/**
 * Starts `nats-server -a 127.0.0.1 -p <free port>` and waits until it greets a TCP client with
 * its INFO line (one that announces JetStream, when asked for). The proxy benches need a real
 * NATS peer and nothing of a supercluster, so the figures show the proxy and not routes,
 * gateways or JetStream; the KV bench adds JetStream and still nothing of a supercluster.
 */
export async function startLoopbackNatsServer(
  options: LoopbackOptions = {},
): Promise<LoopbackNatsServer> {
  const [port] = await freePorts(1);
  const hostPort = `127.0.0.1:${port}`;
  const storeDir = options.jetStream
    ? await mkdtemp(join(tmpdir(), 'nats-chaos-bench-js-'))
    : undefined;
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  if (storeDir) args.push('-js', '-sd', storeDir);
  const child = spawn(resolveNatsServerBinary().path, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A bench that throws or is interrupted must not leave the server behind.
  const killNow = () => child.kill('SIGKILL');
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      process.off('exit', killNow);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      if (storeDir) await rm(storeDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  process.once('exit', killNow);
  const unregister = onInterrupt(stop);

  try {
    await pollUntil(() => greets(hostPort, storeDir !== undefined), {
      timeoutMs: 10_000,
      intervalMs: 50,
      condition: `nats-server on ${hostPort} sends INFO${storeDir ? ' with JetStream' : ''}`,
      abortIf: () =>
        child.exitCode !== null ? new Error(`nats-server on ${hostPort} exited`) : undefined,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { hostPort, stop, [Symbol.asyncDispose]: stop };
}

/**
 * True once a TCP connection to `hostPort` receives the server's INFO line, and, with
 * `jetStream`, the line says JetStream is on: a client could otherwise get there first.
 */
function greets(hostPort: string, jetStream: boolean): Promise<true | undefined> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connectTcp({ host: host!, port: Number(port) });
    socket.setTimeout(1000);
    const done = (value: true | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.once('data', (chunk) => {
      const line = chunk.toString();
      const ready = line.startsWith('INFO') && (!jetStream || line.includes('"jetstream":true'));
      done(ready ? true : undefined);
    });
    socket.once('error', () => done(undefined));
    socket.once('timeout', () => done(undefined));
  });
}
