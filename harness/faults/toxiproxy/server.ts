import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { formatHostPort, listenTcp } from './address.ts';
import { ToxiproxyConfigError } from './errors.ts';
import { ToxiproxyApi } from './http-api.ts';
import { log } from './log.ts';
import { ProxyCollection } from './proxy-collection.ts';

/** The port real Toxiproxy's API listens on. */
export const DEFAULT_TOXIPROXY_PORT = 8474;

/** How long a request may take to arrive; Toxiproxy's read timeout. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Where the API listens. */
export interface ToxiproxyServerOptions {
  /** Default 127.0.0.1: the API can open ports and cut connections, so it stays local. */
  host?: string;
  /** Default 8474, Toxiproxy's port; 0 picks a free one, which `port` and `url` then show. */
  port?: number;
  /**
   * A JSON file of proxies to create at start, as Toxiproxy's `-config` flag takes it; a file
   * that cannot be read or populated throws `ToxiproxyConfigError` and nothing keeps running.
   */
  config?: string;
}

/**
 * A running Toxiproxy-compatible server. `close()` (or leaving an `await using` block) stops
 * the API and closes every proxy and connection.
 */
export interface ToxiproxyServer extends AsyncDisposable {
  /** The API's base URL, e.g. `http://127.0.0.1:8474`, ready for `new Toxiproxy(url)`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts a server that speaks Toxiproxy's HTTP API (v2) and proxies TCP the way it does, so
 * that the harness can drive it with `toxiproxy-node-client` and a real Toxiproxy can take its
 * place unchanged. Throws `ToxiproxyPortInUseError` when the API port is taken.
 */
export async function startToxiproxyServer(
  options: ToxiproxyServerOptions = {},
): Promise<ToxiproxyServer> {
  const proxies = new ProxyCollection();
  const api = new ToxiproxyApi(proxies);
  const http = createServer(api.listener);
  http.requestTimeout = REQUEST_TIMEOUT_MS;

  const bound = await listenTcp(
    http,
    { host: options.host ?? '127.0.0.1', port: options.port ?? DEFAULT_TOXIPROXY_PORT },
    'Toxiproxy API',
  );
  const url = `http://${formatHostPort(bound.host, bound.port)}`;
  log('api listening on %s', url);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      // Idle keep-alive connections would hold `close` open; requests cut here fail cleanly.
      http.closeAllConnections();
      await api.settled();
      await proxies.closeAll();
      await stopped;
      log('api on %s stopped', url);
    })();
    return closing;
  };

  if (options.config !== undefined) {
    try {
      const created = await loadProxiesFile(options.config, proxies);
      log('created %d proxies from %s', created, options.config);
    } catch (err) {
      await close();
      throw err;
    }
  }

  return {
    url,
    host: bound.host,
    port: bound.port,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Creates the proxies a `-config` file lists, through the same path as `POST /populate`. */
async function loadProxiesFile(file: string, proxies: ProxyCollection): Promise<number> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ToxiproxyConfigError(file, `cannot read it (${err.code ?? err.message})`);
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ToxiproxyConfigError(file, `not JSON (${(err as Error).message})`);
  }
  return (
    await proxies.populate(body).catch((err: Error) => {
      throw new ToxiproxyConfigError(file, err.message);
    })
  ).length;
}
