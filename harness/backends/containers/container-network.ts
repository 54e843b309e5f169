import type Dockerode from 'dockerode';
import type { StartedTestContainer } from 'testcontainers';
import { ProxyMesh, type PlannedLink } from '../../faults/proxy-mesh.ts';
import { logger } from '../../logger.ts';
import type { ServerPlan, TopologyPlan } from '../../topology/plan.ts';
import type { ServerAddresses } from '../../topology/render-config.ts';
import { dockerEngine, ensureImage, runLabels } from './docker-engine.ts';

const log = logger('containers');

/** NATS's usual ports inside every server container. */
export const SERVER_PORTS = { client: 4222, cluster: 6222, gateway: 7222, monitor: 8222 };
const API_PORT = 8474;
/** Client proxies listen on fixed ports so they can be published to the host up front. */
const CLIENT_PROXY_BASE = 20000;
const LINK_PROXY_BASE = 21000;
/** Nothing listens here: servers advertise it, so a gossiped address is refused at once. */
const DECOY_PORT = 19999;

/**
 * The networks of a container supercluster: one Docker network per server, and the Toxiproxy
 * container on every one of them. A server can reach nothing but the proxy container, and
 * each proxy listens only on the proxy container's address in the network of the server that
 * dials it, so a gossiped address of another server's proxy is unreachable: no link can go
 * around the proxies, and a partition is as real as between hosts. (Measured: when servers
 * share networks, a partition through the proxies changes nothing.)
 */
export class ContainerNetwork implements AsyncDisposable {
  private constructor(
    private readonly topology: TopologyPlan,
    private readonly networks: Map<string, Dockerode.Network & { name: string }>,
    private readonly proxyAddresses: Map<string, string>,
    readonly toxiproxy: StartedTestContainer | undefined,
    readonly mesh: ProxyMesh | undefined,
  ) {}

  static async open(
    topology: TopologyPlan,
    runId: string,
    toxiproxyImage: string,
  ): Promise<ContainerNetwork> {
    const { docker, testcontainers } = await dockerEngine();
    await ensureImage(toxiproxyImage, 'NATS_CHAOS_TOXIPROXY_IMAGE (or --toxiproxy-image)');
    const networks = new Map<string, Dockerode.Network & { name: string }>();
    const addresses = new Map<string, string>();
    let toxiproxy: StartedTestContainer | undefined;
    let mesh: ProxyMesh | undefined;
    try {
      for (const s of topology.servers) {
        const name = `nats-chaos-${runId}-${s.name}`;
        const network = await docker.createNetwork({ Name: name, Labels: runLabels(runId) });
        networks.set(s.name, Object.assign(network, { name }));
      }
      const [first, ...rest] = [...networks.values()];
      toxiproxy = await new testcontainers.GenericContainer(toxiproxyImage)
        .withName(`nats-chaos-${runId}-toxiproxy`)
        .withLabels(runLabels(runId))
        .withNetworkMode(first!.name)
        .withExposedPorts(API_PORT, ...topology.servers.map((_, i) => CLIENT_PROXY_BASE + i))
        .withWaitStrategy(testcontainers.Wait.forHttp('/version', API_PORT))
        .start();
      for (const n of rest) await n.connect({ Container: toxiproxy.getId() });

      const info = await docker.getContainer(toxiproxy.getId()).inspect();
      for (const [server, n] of networks) {
        addresses.set(server, info.NetworkSettings.Networks[n.name]!.IPAddress);
      }
      const network = new ContainerNetwork(topology, networks, addresses, toxiproxy, undefined);
      const apiUrl = `http://${toxiproxy.getHost()}:${toxiproxy.getMappedPort(API_PORT)}`;
      mesh = await ProxyMesh.create(network.planLinks(), {
        toxiproxyUrl: apiUrl,
        proxyHosts: addresses.values(),
      });
      log('run %s: %d networks, %d proxies on %s', runId, networks.size, mesh.links.length, apiUrl);
      return new ContainerNetwork(topology, networks, addresses, toxiproxy, mesh);
    } catch (err) {
      await new ContainerNetwork(topology, networks, addresses, toxiproxy, mesh)[
        Symbol.asyncDispose
      ]();
      throw err;
    }
  }

  /** The Docker network a server's container joins, and the name others resolve it by. */
  networkOf(server: ServerPlan): string {
    return this.networks.get(server.name)!.name;
  }

  /** Where a server binds, what it dials (its proxies) and what it advertises (decoys). */
  addresses(server: ServerPlan): ServerAddresses {
    const decoy = `${this.proxyAddress(server)}:${DECOY_PORT}`;
    return {
      bindHost: '0.0.0.0',
      clientPort: SERVER_PORTS.client,
      clusterPort: SERVER_PORTS.cluster,
      gatewayPort: SERVER_PORTS.gateway,
      monitorPort: SERVER_PORTS.monitor,
      routes: this.mesh!.routeUrls(server),
      gateways: this.mesh!.gatewayUrls(server),
      gatewayAdvertise: decoy,
      clusterAdvertise: decoy,
      clientAdvertise: this.clientAddress(server),
    };
  }

  /** The host address agents dial for a server: its client proxy, published by Docker. */
  clientAddress(server: ServerPlan): string {
    const port = CLIENT_PROXY_BASE + this.topology.servers.indexOf(server);
    return `${this.toxiproxy!.getHost()}:${this.toxiproxy!.getMappedPort(port)}`;
  }

  private proxyAddress(server: ServerPlan): string {
    return this.proxyAddresses.get(server.name)!;
  }

  /** Every link: one proxy per dialling server and destination, listening in the dialler's
   *  network; one client proxy per server for agents on the host. */
  private planLinks(): PlannedLink[] {
    const links: PlannedLink[] = [];
    const { servers } = this.topology;
    let port = LINK_PROXY_BASE;
    servers.forEach((to, i) => {
      links.push({
        name: `cl>${to.name}`,
        kind: 'client',
        to,
        upstream: `${to.name}:${SERVER_PORTS.client}`,
        listenHost: '0.0.0.0',
        listenPort: CLIENT_PROXY_BASE + i,
      });
      for (const from of servers) {
        if (from === to) continue;
        const route = from.site === to.site;
        links.push({
          name: `${route ? 'rt' : 'gw'}-${from.name}>${to.name}`,
          kind: route ? 'route' : 'gateway',
          from,
          to,
          upstream: `${to.name}:${route ? SERVER_PORTS.cluster : SERVER_PORTS.gateway}`,
          listenHost: this.proxyAddress(from),
          listenPort: port++,
        });
      }
    });
    return links;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.mesh?.[Symbol.asyncDispose]().catch(() => {});
    await this.toxiproxy?.stop({ timeout: 1_000 }).catch(() => {});
    for (const n of this.networks.values()) await n.remove().catch(() => {});
  }
}
