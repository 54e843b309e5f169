import { DEFAULT_TOXIPROXY_PORT, startToxiproxyServer } from './server.ts';

/** Options of `nats-chaos toxiproxy`. */
export interface ToxiproxyCommandOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8474, Toxiproxy's own port. */
  port?: number;
  /** A JSON file of proxies to create at start, as Toxiproxy's `-config` takes it. */
  config?: string;
  /** Stops the server when aborted, as SIGINT and SIGTERM do; for tests and embedding. */
  signal?: AbortSignal;
  /** Where the start and stop lines go; the console by default. */
  print?: (line: string) => void;
}

/**
 * Runs a Toxiproxy-compatible server in the foreground until SIGINT, SIGTERM or `signal`,
 * then closes every proxy and connection and resolves. Rejects with
 * `ToxiproxyPortInUseError` when the port is taken.
 */
export async function runToxiproxyCommand(options: ToxiproxyCommandOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  await using server = await startToxiproxyServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? DEFAULT_TOXIPROXY_PORT,
    ...(options.config !== undefined ? { config: options.config } : {}),
  });
  print(`toxiproxy: API listening on ${server.url} (stop with Ctrl-C)`);

  const reason = await stopRequested(options.signal);
  print(`toxiproxy: ${reason}, closing every proxy and connection`);
}

/** Resolves with what asked the server to stop, and leaves no signal handler behind. */
function stopRequested(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const finish = (reason: string): void => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onInterrupt = (): void => finish('SIGINT');
    const onTerminate = (): void => finish('SIGTERM');
    const onAbort = (): void => finish('stop requested');

    if (signal?.aborted) return finish('stop requested');
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onTerminate);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
