import { DecoyAddress } from '../../faults/decoy-address.ts';
import { ProxyMesh, type ServerPorts } from '../../faults/proxy-mesh.ts';
import type { ServerPlan, TopologyPlan } from '../../topology/plan.ts';
import type { ServerAddresses } from '../../topology/render-config.ts';
import { freePorts } from '../ports.ts';

const HOST = '127.0.0.1';

export interface LoopbackNetworkOptions {
  /** Put every gateway, route and client link through a proxy (the default), or none. */
  proxied: boolean;
  /** A real Toxiproxy's API URL; without it the built-in compatible server is started. */
  toxiproxyUrl?: string;
}

/**
 * The addresses of a supercluster on loopback: free ports for every server, and, when proxied,
 * the proxy mesh in front of them with decoy advertise addresses so gossip cannot route around
 * it. The harness's own readiness checks and probes use the real ports; agents use the proxies.
 */
export class LoopbackNetwork implements AsyncDisposable {
  private constructor(
    private readonly topology: TopologyPlan,
    private readonly ports: Map<string, ServerPorts & { monitor: number }>,
    readonly mesh: ProxyMesh | undefined,
    private readonly decoys: Map<string, { gateway: DecoyAddress; cluster: DecoyAddress }>,
  ) {}

  static async open(
    topology: TopologyPlan,
    options: LoopbackNetworkOptions,
  ): Promise<LoopbackNetwork> {
    const { servers } = topology;
    const free = await freePorts(servers.length * 4, HOST);
    const ports = new Map(
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
    if (!options.proxied) return new LoopbackNetwork(topology, ports, undefined, new Map());

    const decoys = new Map<string, { gateway: DecoyAddress; cluster: DecoyAddress }>();
    let mesh: ProxyMesh | undefined;
    try {
      for (const s of servers) {
        decoys.set(s.name, {
          gateway: await DecoyAddress.open(HOST),
          cluster: await DecoyAddress.open(HOST),
        });
      }
      mesh = await ProxyMesh.create(topology, ports, {
        host: HOST,
        toxiproxyUrl: options.toxiproxyUrl,
      });
      return new LoopbackNetwork(topology, ports, mesh, decoys);
    } catch (err) {
      await new LoopbackNetwork(topology, ports, mesh, decoys)[Symbol.asyncDispose]();
      throw err;
    }
  }

  /** Where a server binds, and what it dials and advertises. */
  addresses(server: ServerPlan): ServerAddresses {
    const own = this.port(server);
    const base = {
      bindHost: HOST,
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
      (gateways[o.siteName] ??= []).push(`nats://${HOST}:${this.port(o).gateway}`);
    }
    return {
      ...base,
      routes: others
        .filter((o) => o.site === server.site)
        .map((o) => `nats-route://${HOST}:${this.port(o).cluster}`),
      gateways,
    };
  }

  /** The URL agents dial for a server: through its client proxy when proxied. */
  clientUrl(server: ServerPlan): string {
    return this.mesh ? `nats://${this.mesh.clientAddress(server)}` : this.directClientUrl(server);
  }

  /** The server's own client port, for the harness's observer and probes. */
  directClientUrl(server: ServerPlan): string {
    return `nats://${HOST}:${this.port(server).client}`;
  }

  monitorUrl(server: ServerPlan): string {
    return `http://${HOST}:${this.port(server).monitor}`;
  }

  private port(server: ServerPlan) {
    return this.ports.get(server.name)!;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.mesh?.[Symbol.asyncDispose]();
    for (const d of this.decoys.values()) {
      await d.gateway[Symbol.asyncDispose]();
      await d.cluster[Symbol.asyncDispose]();
    }
  }
}
