import { connect, createServer, type Server, type Socket } from 'node:net';
import { listenTcp, parseHostPort, type HostPort } from './address.ts';
import { badRequestBody, toxicAlreadyExists, toxicNotFound } from './api-error.ts';
import { Connection } from './connection.ts';
import { log } from './log.ts';
import {
  parseToxicCreate,
  parseToxicHeader,
  parseToxicUpdate,
  toxicJson,
  type ToxicSpec,
} from './toxic-spec.ts';

/** The fields of a proxy a client sets. */
export interface ProxyConfig {
  name: string;
  /** `host:port` to listen on; port 0 picks a free port, and `listen` then shows it. */
  listen: string;
  /** `host:port` every accepted connection is forwarded to. */
  upstream: string;
  enabled: boolean;
}

/** Why a proxy stops listening, for its log line. */
export type ProxyStopEvent =
  | 'disabled'
  | 'deleted'
  | 'replaced'
  | 'stopped to change its addresses'
  | 'closed with the server';

/** Parses a `listen` or `upstream` field, answering 400 when it is not `host:port`. */
export function parseAddressField(field: 'listen' | 'upstream', value: string): HostPort {
  const parsed = parseHostPort(value);
  if (parsed === undefined || (field === 'upstream' && (parsed.port === 0 || !parsed.host))) {
    throw badRequestBody(`${field} address "${value}" is not of the form host:port`);
  }
  return parsed;
}

/**
 * A TCP proxy: while enabled it listens on `listen` and forwards every connection to
 * `upstream` through its toxics. Disabling closes the listener and every connection; enabling
 * listens again on the same address, which after a start with port 0 is the port that was
 * picked.
 */
export class Proxy {
  readonly name: string;
  listen: string;
  upstream: string;
  enabled = false;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  /** In the order they were added; the API lists upstream ones first, as Toxiproxy does. */
  private toxics: ToxicSpec[] = [];

  constructor(config: Omit<ProxyConfig, 'enabled'>) {
    this.name = config.name;
    this.listen = config.listen;
    this.upstream = config.upstream;
  }

  /** Starts listening. Throws `ToxiproxyPortInUseError` when the listen address is taken. */
  async start(): Promise<void> {
    if (this.enabled) return;
    const where = parseAddressField('listen', this.listen);
    const target = parseAddressField('upstream', this.upstream);

    // Half-open sockets, so that a FIN from one side travels through the toxics (slow_close,
    // latency) instead of Node answering it at once; the links close each socket themselves.
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket, target));
    this.listen = (await listenTcp(server, where, `proxy ${this.name}`)).text;
    this.server = server;
    this.enabled = true;
  }

  /**
   * Stops listening and closes every connection; new ones are refused. `event` is what the
   * log line says happened to the proxy.
   */
  async stop(event: ProxyStopEvent = 'disabled'): Promise<void> {
    const server = this.server;
    if (!this.enabled || server === undefined) return;
    this.enabled = false;
    this.server = undefined;

    const closing = new Promise<void>((resolve) => server.close(() => resolve()));
    const count = this.connections.size;
    for (const connection of this.connections) connection.close();
    this.connections.clear(); // closed ones must not get toxics if the proxy starts again soon
    await closing;
    log('proxy %s %s, closed %d connection(s)', this.name, event, count);
  }

  /**
   * Applies a change of listen address, upstream or enabled, as Toxiproxy does: a new address
   * restarts the proxy (closing its connections), then `enabled` is honoured.
   */
  async update(config: Omit<ProxyConfig, 'name'>): Promise<void> {
    parseAddressField('listen', config.listen);
    parseAddressField('upstream', config.upstream);
    if (config.listen !== this.listen || config.upstream !== this.upstream) {
      await this.stop('stopped to change its addresses');
      this.listen = config.listen;
      this.upstream = config.upstream;
    }

    if (config.enabled && !this.enabled) {
      await this.start();
      log('proxy %s enabled %s -> %s', this.name, this.listen, this.upstream);
    } else if (!config.enabled) {
      await this.stop();
    }
  }

  /** The toxics, upstream ones first, each direction in the order of its chain. */
  listToxics(): ToxicSpec[] {
    return [
      ...this.toxics.filter((toxic) => toxic.stream === 'upstream'),
      ...this.toxics.filter((toxic) => toxic.stream === 'downstream'),
    ];
  }

  getToxic(name: string): ToxicSpec | undefined {
    return this.toxics.find((toxic) => toxic.name === name);
  }

  /** Adds a toxic from an API body; it acts on open connections at once. */
  addToxic(body: unknown): ToxicSpec {
    const header = parseToxicHeader(body);
    if (this.getToxic(header.name) !== undefined) throw toxicAlreadyExists();
    const spec = parseToxicCreate(header, body);

    this.toxics.push(spec);
    for (const connection of this.connections) connection.addToxic(spec);
    log('proxy %s toxic %s added: %s', this.name, spec.name, describeToxic(spec));
    return spec;
  }

  /** Changes a toxic's attributes or toxicity from an API body. */
  updateToxic(name: string, body: unknown): ToxicSpec {
    const current = this.getToxic(name);
    if (current === undefined) throw toxicNotFound();
    const spec = parseToxicUpdate(current, body);

    this.toxics = this.toxics.map((toxic) => (toxic === current ? spec : toxic));
    for (const connection of this.connections) connection.updateToxic(spec);
    log('proxy %s toxic %s updated: %s', this.name, spec.name, describeToxic(spec));
    return spec;
  }

  /** Removes a toxic; bytes it held go on, and a removed `timeout` closes what it held. */
  removeToxic(name: string): void {
    const spec = this.getToxic(name);
    if (spec === undefined) throw toxicNotFound();

    this.toxics = this.toxics.filter((toxic) => toxic !== spec);
    for (const connection of this.connections) connection.removeToxic(spec);
    log('proxy %s toxic %s removed', this.name, name);
  }

  /** Removes every toxic. */
  removeAllToxics(): void {
    for (const toxic of this.listToxics()) this.removeToxic(toxic.name);
  }

  /** The JSON Toxiproxy answers with for a proxy, fields in its order. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.listToxics().map(toxicJson),
    };
  }

  private accept(client: Socket, target: HostPort): void {
    if (!this.enabled) {
      client.destroy();
      return;
    }

    // Go sets TCP_NODELAY on every socket; without it small slices would be merged again.
    client.setNoDelay(true);
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    upstream.setNoDelay(true);
    const connection = new Connection(
      this.name,
      client,
      upstream,
      this.upstream,
      this.toxics,
      (closed) => this.connections.delete(closed),
    );
    this.connections.add(connection);
  }
}

function describeToxic(spec: ToxicSpec): string {
  return `${spec.type} ${spec.stream} toxicity ${spec.toxicity} ${JSON.stringify(spec.attributes)}`;
}
