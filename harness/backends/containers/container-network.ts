import type Dockerode from 'dockerode';
import type { StartedTestContainer } from 'testcontainers';
import { ProxyMesh } from '../../faults/proxy-mesh.ts';
import { logger } from '../../logger.ts';
import type { ServerPlan, TopologyPlan } from '../../topology/plan.ts';
import type { ServerAddresses } from '../../topology/render-config.ts';
import {
  clientProxyPort,
  containerServerAddresses,
  planContainerLinks,
  TOXIPROXY_API_PORT,
} from './container-layout.ts';
import { dockerEngine, ensureImage, runLabels } from './docker-engine.ts';

const log = logger('containers');

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
        .withExposedPorts(
          TOXIPROXY_API_PORT,
          ...topology.servers.map((s) => clientProxyPort(topology, s)),
        )
        .withWaitStrategy(testcontainers.Wait.forHttp('/version', TOXIPROXY_API_PORT))
        .start();
      for (const n of rest) await n.connect({ Container: toxiproxy.getId() });

      const info = await docker.getContainer(toxiproxy.getId()).inspect();
      for (const [server, n] of networks) {
        addresses.set(server, info.NetworkSettings.Networks[n.name]!.IPAddress);
      }
      const apiUrl = `http://${toxiproxy.getHost()}:${toxiproxy.getMappedPort(TOXIPROXY_API_PORT)}`;
      mesh = await ProxyMesh.create(
        planContainerLinks(topology, (s) => addresses.get(s.name)!),
        {
          toxiproxyUrl: apiUrl,
          proxyHosts: addresses.values(),
        },
      );
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
    const links = this.mesh!.links;
    return containerServerAddresses(
      server,
      links,
      this.proxyAddress(server),
      this.clientAddress(server),
    );
  }

  /** The host address agents dial for a server: its client proxy, published by Docker. */
  clientAddress(server: ServerPlan): string {
    const port = clientProxyPort(this.topology, server);
    return `${this.toxiproxy!.getHost()}:${this.toxiproxy!.getMappedPort(port)}`;
  }

  private proxyAddress(server: ServerPlan): string {
    return this.proxyAddresses.get(server.name)!;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.mesh?.[Symbol.asyncDispose]().catch(() => {});
    await this.toxiproxy?.stop({ timeout: 1_000 }).catch(() => {});
    for (const n of this.networks.values()) await n.remove().catch(() => {});
  }
}
