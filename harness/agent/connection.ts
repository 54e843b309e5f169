import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';
import { fromSeed } from 'nkeys.js';

/** How a harness client connects: the agent, the observer and the probes all use this. */
export interface ClientSettings {
  /** Server URLs in the order to try them: the preferred site's first. */
  servers: string[];
  /** Path of a file holding the user's NKey seed (mode 0600). */
  seedFile: string;
  name: string;
  /** nats.js gives up for good after two authorization errors in a row unless true. */
  ignoreAuthErrorAbort: boolean;
  reconnectTimeWaitMs?: number;
  /** Keep reconnecting forever (-1) or give up after this many tries. */
  maxReconnectAttempts?: number;
  /** Connect timeout, ms. */
  timeoutMs?: number;
}

/**
 * Connects with an NKey read from a seed file. The seed is read here and handed to nats.js
 * only; it is never logged. Pings are short so a frozen server is noticed in seconds.
 */
export async function connectWithSeed(settings: ClientSettings): Promise<NatsConnection> {
  // Read once now, so a missing file fails the connect; then again at every (re)connect, so a
  // seed rotated in the secret store is used from the next connect on, as a mounted file is.
  const currentSeed = seedReader(settings.seedFile, await readSeed(settings.seedFile));
  const options: ConnectionOptions = {
    servers: settings.servers,
    name: settings.name,
    authenticator: nkeyAuthenticator(currentSeed),
    noRandomize: true,
    // Site addresses come from the harness; gossiped ones could route around a proxy.
    ignoreClusterUpdates: true,
    reconnect: true,
    maxReconnectAttempts: settings.maxReconnectAttempts ?? -1,
    reconnectTimeWait: settings.reconnectTimeWaitMs ?? 250,
    reconnectJitter: 50,
    ignoreAuthErrorAbort: settings.ignoreAuthErrorAbort,
    timeout: settings.timeoutMs ?? 2000,
    pingInterval: 1000,
    maxPingOut: 2,
    waitOnFirstConnect: false,
  };
  return connect(options);
}

async function readSeed(file: string): Promise<Uint8Array> {
  return new TextEncoder().encode((await readFile(file, 'utf8')).trim());
}

/**
 * A function that gives the seed in `file` each time it is called, or the last good one while
 * the file cannot be read or holds no whole seed. A file caught in the middle of a rewrite must
 * not reach nats.js: an authenticator that throws closes the connection for good.
 */
export function seedReader(file: string, first: Uint8Array): () => Uint8Array {
  let last = first;
  return () => {
    try {
      const seed = new TextEncoder().encode(readFileSync(file, 'utf8').trim());
      fromSeed(seed);
      last = seed;
    } catch {
      // keep the last good seed
    }
    return last;
  };
}

/** The server and site a connection is on right now, as its INFO says. */
export function connectedTo(nc: NatsConnection): { server?: string; site?: string } {
  if (nc.isClosed()) return {};
  const info = nc.info;
  return { server: info?.server_name, site: info?.cluster };
}
