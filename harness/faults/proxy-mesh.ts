import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import type { ServerPlan } from '../topology/plan.ts';
import { logger } from '../logger.ts';
import { ToxiproxyUnavailableError } from './fault-errors.ts';
import { startToxiproxyServer, type ToxiproxyServer } from './toxiproxy/index.ts';

const log = logger('proxy-mesh');

export type LinkKind = 'gateway' | 'route' | 'client';

/** One proxied link: connections `from` one server (or from clients) `to` another's port. */
export interface MeshLink {
  /** The proxy's name: `gw-site-1-n2>site-3-n1`, `rt-site-1-n1>site-1-n2`, `cl>site-2-n1`. */
  name: string;
  kind: LinkKind;
  /** The server that dials; absent for client links. */
  from?: ServerPlan;
  to: ServerPlan;
  /** host:port the proxy listens on: what the dialling side is configured with. */
  listen: string;
  upstream: string;
}

/** A link to create: where its proxy should listen (port 0 or none: Toxiproxy picks one). */
export type PlannedLink = Omit<MeshLink, 'listen'> & { listenHost: string; listenPort?: number };

/** A link of the mesh before a backend says where its proxy listens and what it forwards to. */
export type LinkSkeleton = Pick<MeshLink, 'name' | 'kind' | 'from' | 'to'>;

/**
 * Every link of a supercluster's mesh, named the one way faults select them by: a client link
 * per server (`cl>site-2-n1`), then for each other server a route (`rt-`, site-mates) or a
 * gateway (`gw-`, other sites) link per dialling server. `place` says, per backend, where each
 * proxy listens and what it forwards to.
 */
export function planMeshLinks(
  servers: readonly ServerPlan[],
  place: (link: LinkSkeleton) => Pick<PlannedLink, 'upstream' | 'listenHost' | 'listenPort'>,
): PlannedLink[] {
  const links: PlannedLink[] = [];
  const add = (link: LinkSkeleton) => links.push({ ...link, ...place(link) });
  for (const to of servers) {
    add({ name: `cl>${to.name}`, kind: 'client', to });
    for (const from of servers) {
      if (from === to) continue;
      const route = from.site === to.site;
      add({
        name: `${route ? 'rt' : 'gw'}-${from.name}>${to.name}`,
        kind: route ? 'route' : 'gateway',
        from,
        to,
      });
    }
  }
  return links;
}

/** Gateway URLs a server dials, by remote site: the listen addresses of its gateway links. */
export function gatewayUrlsOf(
  links: readonly MeshLink[],
  from: ServerPlan,
): Record<string, string[]> {
  const urls: Record<string, string[]> = {};
  for (const l of links) {
    if (l.kind !== 'gateway' || l.from?.name !== from.name) continue;
    (urls[l.to.siteName] ??= []).push(`nats://${l.listen}`);
  }
  return urls;
}

/** Route URLs a server dials to its site-mates: the listen addresses of its route links. */
export function routeUrlsOf(links: readonly MeshLink[], from: ServerPlan): string[] {
  return links
    .filter((l) => l.kind === 'route' && l.from?.name === from.name)
    .map((l) => `nats-route://${l.listen}`);
}

/**
 * Every gateway, route and client link of a supercluster, each through its own Toxiproxy
 * proxy. Gateway and route proxies exist per dialling server and per destination server, so
 * cutting a site (or one server) touches only its own links and leaves the links between the
 * other sites alone. The mesh talks to Toxiproxy only through its HTTP API, so a real Toxiproxy
 * (TOXIPROXY_URL) works unchanged; without one it starts the project's compatible server.
 */
export class ProxyMesh implements AsyncDisposable {
  private constructor(
    readonly apiUrl: string,
    private readonly client: Toxiproxy,
    readonly links: MeshLink[],
    private readonly proxies: Map<string, Proxy>,
    private readonly proxyHosts: ReadonlySet<string>,
    private readonly ownServer?: ToxiproxyServer,
  ) {}

  /**
   * Creates a proxy for every planned link. `toxiproxyUrl` names a Toxiproxy to use; without
   * it an in-process compatible server is started on loopback and stopped with the mesh.
   * `proxyHosts` are the only addresses proxies connect to servers from (a veth's host side, the
   * proxy container's address on a server's network), when servers cannot share them: a link
   * whose far end is any other address went around the proxies.
   */
  static async create(
    planned: PlannedLink[],
    options: { toxiproxyUrl?: string; proxyHosts?: Iterable<string> },
  ): Promise<ProxyMesh> {
    const ownServer = options.toxiproxyUrl ? undefined : await startToxiproxyServer({ port: 0 });
    const apiUrl = options.toxiproxyUrl ?? ownServer!.url;
    const client = new Toxiproxy(apiUrl);
    if (options.toxiproxyUrl) {
      await client.getVersion().catch((err: unknown) => {
        throw new ToxiproxyUnavailableError(
          apiUrl,
          err instanceof Error ? err.message : String(err),
        );
      });
    }
    try {
      const created = await client.populate(
        planned.map((l) => ({
          name: l.name,
          listen: `${l.listenHost}:${l.listenPort ?? 0}`,
          upstream: l.upstream,
        })),
      );
      const proxies = new Map(Object.entries(created));
      const links: MeshLink[] = planned.map(({ listenHost: _, listenPort: __, ...l }) => ({
        ...l,
        listen: proxies.get(l.name)!.listen,
      }));
      log('%d proxies on %s', links.length, apiUrl);
      const proxyHosts = new Set(options.proxyHosts ?? []);
      return new ProxyMesh(apiUrl, client, links, proxies, proxyHosts, ownServer);
    } catch (err) {
      await ownServer?.close();
      throw err;
    }
  }

  /** Gateway URLs `from` a server dials, by remote site. */
  gatewayUrls(from: ServerPlan): Record<string, string[]> {
    return gatewayUrlsOf(this.links, from);
  }

  /** Route URLs `from` a server dials to its site-mates. */
  routeUrls(from: ServerPlan): string[] {
    return routeUrlsOf(this.links, from);
  }

  /** The address clients dial for a server. */
  clientAddress(server: ServerPlan): string {
    return this.links.find((l) => l.kind === 'client' && l.to.name === server.name)!.listen;
  }

  /** Whether host:port is one of the mesh's proxies: a link seen there is on a proxy. */
  isProxyAddress(hostPort: string): boolean {
    return this.links.some((l) => l.listen === hostPort);
  }

  /**
   * Whether a connection whose far end is `ip:port` bypassed the proxies. With `proxyHosts`, any
   * far end that is not a proxy's address did. Without them (servers and proxies share
   * loopback) only a far end that is a server's own listening address gives it away: a link
   * this side dialled directly.
   */
  isDirectPeer(ip: string, port: number): boolean {
    if (this.proxyHosts.size > 0) return !this.proxyHosts.has(ip);
    const hostPort = `${ip}:${port}`;
    return this.links.some((l) => l.upstream === hostPort);
  }

  select(predicate: (link: MeshLink) => boolean): MeshLink[] {
    return this.links.filter(predicate);
  }

  /** Disables (cutting open connections, refusing new ones) or re-enables links. */
  async setEnabled(links: MeshLink[], enabled: boolean): Promise<void> {
    await Promise.all(
      links.map(async (l) => {
        const updated = await this.proxy(l).update({
          enabled,
          listen: l.listen,
          upstream: l.upstream,
        });
        this.proxies.set(l.name, updated);
      }),
    );
  }

  /** Adds a toxic to links; its name is made unique per link and stream. */
  async addToxic(
    links: MeshLink[],
    toxic: {
      name: string;
      type: string;
      stream: 'upstream' | 'downstream';
      toxicity?: number;
      attributes: object;
    },
  ): Promise<void> {
    await Promise.all(
      links.map((l) =>
        this.proxy(l).addToxic({
          name: toxic.name,
          type: toxic.type as never,
          stream: toxic.stream,
          toxicity: toxic.toxicity ?? 1,
          attributes: toxic.attributes,
        }),
      ),
    );
  }

  /** Removes a named toxic from links. */
  async removeToxic(links: MeshLink[], name: string): Promise<void> {
    await Promise.all(
      links.map(async (l) => {
        const toxic = await this.proxy(l)
          .getToxic(name)
          .catch(() => undefined);
        await toxic?.remove();
      }),
    );
  }

  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    await this.client.reset();
  }

  private proxy(link: MeshLink): Proxy {
    const proxy = this.proxies.get(link.name);
    if (!proxy) throw new Error(`no proxy ${link.name}`);
    return proxy;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.allSettled([...this.proxies.values()].map((p) => p.remove()));
    await this.ownServer?.close();
  }
}
