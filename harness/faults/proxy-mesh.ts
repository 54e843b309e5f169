import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import type { ServerPlan, TopologyPlan } from '../topology/plan.ts';
import { logger } from '../logger.ts';
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

/** The real ports of a server, which the proxies forward to. */
export interface ServerPorts {
  client: number;
  cluster: number;
  gateway: number;
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
    private readonly ownServer?: ToxiproxyServer,
  ) {}

  /**
   * Creates the proxies of a topology. `toxiproxyUrl` names a Toxiproxy to use; without it an
   * in-process compatible server is started on loopback and stopped with the mesh.
   */
  static async create(
    topology: TopologyPlan,
    ports: Map<string, ServerPorts>,
    options: { host: string; toxiproxyUrl?: string },
  ): Promise<ProxyMesh> {
    const ownServer = options.toxiproxyUrl ? undefined : await startToxiproxyServer({ port: 0 });
    const apiUrl = options.toxiproxyUrl ?? ownServer!.url;
    const client = new Toxiproxy(apiUrl);
    try {
      const planned = planLinks(topology, ports, options.host);
      const created = await client.populate(
        planned.map((l) => ({ name: l.name, listen: `${options.host}:0`, upstream: l.upstream })),
      );
      const proxies = new Map(Object.entries(created));
      const links = planned.map((l) => ({ ...l, listen: proxies.get(l.name)!.listen }));
      log('%d proxies on %s', links.length, apiUrl);
      return new ProxyMesh(apiUrl, client, links, proxies, ownServer);
    } catch (err) {
      await ownServer?.close();
      throw err;
    }
  }

  /** Gateway URLs `from` a server dials, by remote site. */
  gatewayUrls(from: ServerPlan): Record<string, string[]> {
    const urls: Record<string, string[]> = {};
    for (const l of this.links) {
      if (l.kind !== 'gateway' || l.from?.name !== from.name) continue;
      (urls[l.to.siteName] ??= []).push(`nats://${l.listen}`);
    }
    return urls;
  }

  /** Route URLs `from` a server dials to its site-mates. */
  routeUrls(from: ServerPlan): string[] {
    return this.links
      .filter((l) => l.kind === 'route' && l.from?.name === from.name)
      .map((l) => `nats-route://${l.listen}`);
  }

  /** The address clients dial for a server. */
  clientAddress(server: ServerPlan): string {
    return this.links.find((l) => l.kind === 'client' && l.to.name === server.name)!.listen;
  }

  /** Whether host:port is one of the mesh's proxies: a link seen there is on a proxy. */
  isProxyAddress(hostPort: string): boolean {
    return this.links.some((l) => l.listen === hostPort);
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

/** Every link of a topology: gateways between every pair of servers of different sites, routes
 *  between site-mates, one client link per server. */
function planLinks(topology: TopologyPlan, ports: Map<string, ServerPorts>, host: string) {
  const links: Omit<MeshLink, 'listen'>[] = [];
  const port = (s: ServerPlan) => ports.get(s.name)!;
  for (const to of topology.servers) {
    links.push({
      name: `cl>${to.name}`,
      kind: 'client',
      to,
      upstream: `${host}:${port(to).client}`,
    });
    for (const from of topology.servers) {
      if (from === to) continue;
      if (from.site === to.site) {
        links.push({
          name: `rt-${from.name}>${to.name}`,
          kind: 'route',
          from,
          to,
          upstream: `${host}:${port(to).cluster}`,
        });
      } else {
        links.push({
          name: `gw-${from.name}>${to.name}`,
          kind: 'gateway',
          from,
          to,
          upstream: `${host}:${port(to).gateway}`,
        });
      }
    }
  }
  return links;
}
