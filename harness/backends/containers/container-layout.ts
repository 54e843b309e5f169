import {
  gatewayUrlsOf,
  planMeshLinks,
  routeUrlsOf,
  type MeshLink,
  type PlannedLink,
} from '../../faults/proxy-mesh.ts';
import type { ServerPlan, TopologyPlan } from '../../topology/plan.ts';
import type { ServerAddresses } from '../../topology/render-config.ts';

/**
 * The layout of a supercluster in containers, shared by the container backend and the
 * docker-compose project `nats-chaos render` writes: one network per server, one proxy
 * container on all of them, and fixed ports, so both put the same proxies on the same links.
 */

/** NATS's usual ports inside every server container. */
export const SERVER_PORTS = { client: 4222, cluster: 6222, gateway: 7222, monitor: 8222 };
/** Where a server's files sit inside its container: the ADR's secret store is a mount. */
export const IN_CONTAINER = {
  config: '/etc/nats/server.conf',
  accounts: '/etc/nats/secrets/accounts.conf',
  /** The accounts file as the config includes it: relative to the config's folder. */
  accountsInclude: 'secrets/accounts.conf',
  store: '/data',
};
/** Toxiproxy's API port inside the proxy container. */
export const TOXIPROXY_API_PORT = 8474;
/** Client proxies listen on fixed ports so they can be published to the host up front. */
export const CLIENT_PROXY_BASE = 20000;
const LINK_PROXY_BASE = 21000;
/** Nothing listens here: servers advertise it, so a gossiped address is refused at once. */
const DECOY_PORT = 19999;

/**
 * Every link of a container supercluster: one client proxy per server (listening on every
 * network, published to the host), and one proxy per dialling server and destination,
 * listening only on the proxy container's address in the dialler's network (`proxyAddressOf`),
 * so an address gossiped from another network leads nowhere.
 */
export function planContainerLinks(
  topology: TopologyPlan,
  proxyAddressOf: (server: ServerPlan) => string,
): PlannedLink[] {
  let port = LINK_PROXY_BASE;
  return planMeshLinks(topology.servers, ({ kind, from, to }) => {
    if (kind === 'client') {
      const listenPort = clientProxyPort(topology, to);
      return { upstream: `${to.name}:${SERVER_PORTS.client}`, listenHost: '0.0.0.0', listenPort };
    }
    const toPort = kind === 'route' ? SERVER_PORTS.cluster : SERVER_PORTS.gateway;
    return {
      upstream: `${to.name}:${toPort}`,
      listenHost: proxyAddressOf(from!),
      listenPort: port++,
    };
  });
}

/** The client proxy port of a server inside the proxy container. */
export function clientProxyPort(topology: TopologyPlan, server: ServerPlan): number {
  return CLIENT_PROXY_BASE + topology.servers.indexOf(server);
}

/**
 * Where a server binds (everywhere in its container), what it dials (its own proxies, from
 * `links`) and what it advertises: decoys for routes and gateways, and `clientAdvertise` (its
 * client proxy as clients reach it) for clients.
 */
export function containerServerAddresses(
  server: ServerPlan,
  links: readonly MeshLink[],
  proxyAddress: string,
  clientAdvertise: string,
): ServerAddresses {
  const decoy = `${proxyAddress}:${DECOY_PORT}`;
  return {
    bindHost: '0.0.0.0',
    clientPort: SERVER_PORTS.client,
    clusterPort: SERVER_PORTS.cluster,
    gatewayPort: SERVER_PORTS.gateway,
    monitorPort: SERVER_PORTS.monitor,
    routes: routeUrlsOf(links, server),
    gateways: gatewayUrlsOf(links, server),
    gatewayAdvertise: decoy,
    clusterAdvertise: decoy,
    clientAdvertise,
  };
}
