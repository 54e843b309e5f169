import { DecoyAddress } from '../../faults/decoy-address.ts';
import { planMeshLinks, ProxyMesh, type PlannedLink } from '../../faults/proxy-mesh.ts';
import type { ServerPlan, TopologyPlan } from '../../topology/plan.ts';
import type { ServerAddresses } from '../../topology/render-config.ts';
import { freePorts } from '../ports.ts';
import { namespaceTag, ServerNamespaces } from './server-namespaces.ts';

const LOOPBACK = '127.0.0.1';

export interface ProcessNetworkOptions {
  /** Put every gateway, route and client link through a proxy (the default), or none. */
  proxied: boolean;
  /** A real Toxiproxy's API URL; without it the built-in compatible server is started. */
  toxiproxyUrl?: string;
  /** Run each server in a network namespace of its own (root only; needs `proxied`). */
  namespaces: boolean;
  runId: string;
}

interface Ports {
  client: number;
  cluster: number;
  gateway: number;
  monitor: number;
}

/**
 * Where a supercluster's processes listen and how they reach each other. With namespaces each
 * server has its own network and its proxies are its only way to any other server; without
 * them all servers share loopback and decoy advertise addresses keep gossip off the direct
 * paths.
 *
 * LIMITATION: on shared loopback (not root, or NATS_CHAOS_NETNS=0) nats-server passes the
 * URLs one server dials to the others, so a partitioned site or an isolated server can come
 * back through a proxy meant for another server's links. Verification then fails and the run
 * is `unknown`, never a false `pass`.
 */
export class ProcessNetwork implements AsyncDisposable {
  private constructor(
    private readonly topology: TopologyPlan,
    private readonly ports: Map<string, Ports>,
    readonly namespaces: ServerNamespaces | undefined,
    readonly mesh: ProxyMesh | undefined,
    private readonly decoys: Map<string, { gateway: DecoyAddress; cluster: DecoyAddress }>,
  ) {}

  static async open(
    topology: TopologyPlan,
    options: ProcessNetworkOptions,
  ): Promise<ProcessNetwork> {
    const { servers } = topology;
    let namespaces: ServerNamespaces | undefined;
    const decoys = new Map<string, { gateway: DecoyAddress; cluster: DecoyAddress }>();
    let mesh: ProxyMesh | undefined;
    let ports = new Map<string, Ports>();
    try {
      if (options.namespaces) {
        namespaces = await ServerNamespaces.create(namespaceTag(options.runId), servers.length);
        // A fresh namespace has every port free: NATS's usual ports, no race.
        const usual = { client: 4222, cluster: 6222, gateway: 7222, monitor: 8222 };
        ports = new Map(servers.map((s) => [s.name, usual]));
      } else {
        const free = await freePorts(servers.length * 4, LOOPBACK);
        ports = new Map(
          servers.map((s, i) => [
            s.name,
            {
              client: free[i * 4]!,
              cluster: free[i * 4 + 1]!,
              gateway: free[i * 4 + 2]!,
              monitor: free[i * 4 + 3]!,
            },
          ]),
        );
      }
      const network = new ProcessNetwork(topology, ports, namespaces, undefined, decoys);
      if (!options.proxied) return network;

      for (const s of servers) {
        const host = network.hostSide(s);
        decoys.set(s.name, {
          gateway: await DecoyAddress.open(host),
          cluster: await DecoyAddress.open(host),
        });
      }
      mesh = await ProxyMesh.create(network.planLinks(), {
        toxiproxyUrl: options.toxiproxyUrl,
        proxyHosts: namespaces ? servers.map((s) => network.hostSide(s)) : [],
      });
      return new ProcessNetwork(topology, ports, namespaces, mesh, decoys);
    } catch (err) {
      await new ProcessNetwork(topology, ports, namespaces, mesh, decoys)[Symbol.asyncDispose]();
      throw err;
    }
  }

  /** The address a server binds: its own in its namespace, else loopback. */
  bindHost(server: ServerPlan): string {
    return this.namespaces?.serverAddress(this.slot(server)) ?? LOOPBACK;
  }

  /** The one host-side address a server can reach: where the proxies it dials listen. */
  private hostSide(server: ServerPlan): string {
    return this.namespaces?.hostAddress(this.slot(server)) ?? LOOPBACK;
  }

  /** A server's namespace slot: its place in the topology, from 1. */
  private slot(server: ServerPlan): number {
    return this.topology.servers.indexOf(server) + 1;
  }

  /** Where a server binds, and what it dials and advertises. */
  addresses(server: ServerPlan): ServerAddresses {
    const own = this.port(server);
    const base = {
      bindHost: this.bindHost(server),
      clientPort: own.client,
      clusterPort: own.cluster,
      gatewayPort: own.gateway,
      monitorPort: own.monitor,
    };
    if (this.mesh) {
      const decoy = this.decoys.get(server.name)!;
      return {
        ...base,
        routes: this.mesh.routeUrls(server),
        gateways: this.mesh.gatewayUrls(server),
        gatewayAdvertise: decoy.gateway.address,
        clusterAdvertise: decoy.cluster.address,
        clientAdvertise: this.mesh.clientAddress(server),
      };
    }
    const others = this.topology.servers.filter((o) => o !== server);
    const gateways: Record<string, string[]> = {};
    for (const o of others.filter((o) => o.site !== server.site)) {
      (gateways[o.siteName] ??= []).push(`nats://${this.bindHost(o)}:${this.port(o).gateway}`);
    }
    const mates = others.filter((o) => o.site === server.site);
    return {
      ...base,
      routes: mates.map((o) => `nats-route://${this.bindHost(o)}:${this.port(o).cluster}`),
      gateways,
    };
  }

  /** The command that starts a server: inside its site's namespace when there is one. */
  command(server: ServerPlan, binary: string, args: string[]): [string, string[]] {
    return this.namespaces ? this.namespaces.wrap(this.slot(server), binary, args) : [binary, args];
  }

  /** The URL agents dial for a server: through its client proxy when proxied. */
  clientUrl(server: ServerPlan): string {
    return this.mesh ? `nats://${this.mesh.clientAddress(server)}` : this.directClientUrl(server);
  }

  /** The server's own client port, for the harness's observer and probes. */
  directClientUrl(server: ServerPlan): string {
    return `nats://${this.bindHost(server)}:${this.port(server).client}`;
  }

  monitorUrl(server: ServerPlan): string {
    return `http://${this.bindHost(server)}:${this.port(server).monitor}`;
  }

  /** Every link: gateways between servers of different sites, routes between site-mates (each
   *  per dialling server), and one client link per server on loopback for agents. */
  private planLinks(): PlannedLink[] {
    return planMeshLinks(this.topology.servers, ({ kind, from, to }) => {
      const ports = this.port(to);
      const port =
        kind === 'client' ? ports.client : kind === 'route' ? ports.cluster : ports.gateway;
      const upstream = `${this.bindHost(to)}:${port}`;
      return { upstream, listenHost: kind === 'client' ? LOOPBACK : this.hostSide(from!) };
    });
  }

  private port(server: ServerPlan): Ports {
    return this.ports.get(server.name)!;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.mesh?.[Symbol.asyncDispose]();
    for (const d of this.decoys.values()) {
      await d.gateway[Symbol.asyncDispose]();
      await d.cluster[Symbol.asyncDispose]();
    }
    await this.namespaces?.[Symbol.asyncDispose]();
  }
}
