import { parseHostPort } from './address.ts';
import { badRequestBody, missingField, proxyAlreadyExists, proxyNotFound } from './api-error.ts';
import { log } from './log.ts';
import { parseAddressField, Proxy, type ProxyConfig } from './proxy.ts';

/**
 * Where a proxy listens when the request names no address. LIMITATION: real Toxiproxy then
 * listens on every interface; this server stays on loopback so a forgotten field cannot expose
 * a test cluster to the network.
 */
const DEFAULT_LISTEN = '127.0.0.1:0';

function asObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequestBody(`${what} must be a JSON object`);
  }
  return body as Record<string, unknown>;
}

function stringField(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequestBody(`field "${field}" must be a string`);
  return value;
}

function booleanField(input: Record<string, unknown>, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequestBody(`field "${field}" must be true or false`);
  return value;
}

/** Reads a proxy to create; `where` names it in errors (`name at proxy 2` for populate). */
function parseProxyConfig(body: unknown, where = ''): ProxyConfig {
  const input = asObject(body, 'proxy');
  const name = stringField(input, 'name') ?? '';
  const upstream = stringField(input, 'upstream') ?? '';
  if (name === '') throw missingField(`name${where}`);
  if (upstream === '') throw missingField(`upstream${where}`);

  const listen = stringField(input, 'listen') || DEFAULT_LISTEN;
  const enabled = booleanField(input, 'enabled') ?? true;
  return { name, listen, upstream, enabled };
}

/** Two addresses that bind the same socket; `localhost` is 127.0.0.1, as Go resolves it. */
function sameAddress(a: string, b: string): boolean {
  const [left, right] = [parseHostPort(a), parseHostPort(b)];
  if (left === undefined || right === undefined) return a === b;
  const host = (h: string): string => (h === 'localhost' ? '127.0.0.1' : h);
  return host(left.host) === host(right.host) && left.port === right.port;
}

/** The proxies of one server, by name; the API's operations on them. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  /** The proxy called `name`, or a 404 `proxy not found`. */
  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw proxyNotFound();
    return proxy;
  }

  /** Creates and (unless `enabled` is false) starts a proxy; 409 when the name is taken. */
  async create(body: unknown): Promise<Proxy> {
    const config = parseProxyConfig(body);
    parseAddressField('listen', config.listen);
    parseAddressField('upstream', config.upstream);
    if (this.proxies.has(config.name)) throw proxyAlreadyExists();

    return this.add(config);
  }

  /** Changes listen, upstream or enabled; fields left out keep their value. */
  async update(name: string, body: unknown): Promise<Proxy> {
    const proxy = this.get(name);
    const input = asObject(body, 'proxy');
    await proxy.update({
      listen: stringField(input, 'listen') ?? proxy.listen,
      upstream: stringField(input, 'upstream') ?? proxy.upstream,
      enabled: booleanField(input, 'enabled') ?? proxy.enabled,
    });
    return proxy;
  }

  /** Closes a proxy and its connections and forgets it. */
  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    await proxy.stop('deleted');
    this.proxies.delete(name);
  }

  /**
   * Creates or replaces a set of proxies, checking all of them before touching any, as
   * Toxiproxy does. A proxy whose listen address and upstream are unchanged is kept as it is,
   * toxics and connections included; one that differs is closed and created anew.
   */
  async populate(body: unknown): Promise<Proxy[]> {
    if (!Array.isArray(body)) throw badRequestBody('populate expects a JSON array of proxies');
    const configs = body.map((item, i) => parseProxyConfig(item, ` at proxy ${i + 1}`));

    const seen = new Set<string>();
    for (const config of configs) {
      // Toxiproxy answers this one with a plain error, hence a 500.
      if (seen.has(config.name)) throw new Error(`duplicate proxy name "${config.name}"`);
      seen.add(config.name);
      if (config.enabled) parseAddressField('listen', config.listen);
      parseAddressField('upstream', config.upstream);
    }

    const result: Proxy[] = [];
    for (const config of configs) {
      const existing = this.proxies.get(config.name);
      if (
        existing !== undefined &&
        sameAddress(existing.listen, config.listen) &&
        existing.upstream === config.upstream
      ) {
        result.push(existing);
        continue;
      }
      if (existing !== undefined) {
        await existing.stop('replaced');
        this.proxies.delete(config.name);
      }
      result.push(await this.add(config));
    }
    return result;
  }

  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      if (!proxy.enabled) await proxy.start();
      proxy.removeAllToxics();
    }
    log('reset: %d proxies enabled, toxics removed', this.proxies.size);
  }

  /** Closes every proxy and connection; used when the server stops. */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.proxies.values()].map((proxy) => proxy.stop('closed with the server')),
    );
    this.proxies.clear();
  }

  private async add(config: ProxyConfig): Promise<Proxy> {
    const proxy = new Proxy(config);
    if (config.enabled) await proxy.start();
    this.proxies.set(config.name, proxy);
    log(
      'proxy %s created %s -> %s%s',
      proxy.name,
      proxy.listen,
      proxy.upstream,
      proxy.enabled ? '' : ' (disabled)',
    );
    return proxy;
  }
}
