import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type { MeshLink } from '../../faults/proxy-mesh.ts';
import type { Deployment } from '../../topology/deployment-schema.ts';
import { generateCredentials, userWithRole } from '../../topology/credentials.ts';
import { planTopology, type ServerPlan, type TopologyPlan } from '../../topology/plan.ts';
import { renderAccountsFile, renderServerConfig } from '../../topology/render-config.ts';
import {
  clientProxyPort,
  containerServerAddresses,
  IN_CONTAINER,
  planContainerLinks,
  SERVER_PORTS,
  TOXIPROXY_API_PORT,
} from './container-layout.ts';
import { DEFAULT_NATS_IMAGE, DEFAULT_TOXIPROXY_IMAGE } from './images.ts';

/**
 * A docker-compose project of a deployment, for reproducing a run by hand: the same layout as
 * the container backend (one network per server, the Toxiproxy container on all of them, the
 * only way between servers), with fixed addresses instead of ones Docker hands out, so the
 * proxies can be listed in a file Toxiproxy reads at start (`-config`).
 */

/** Host ports the project publishes, all on 127.0.0.1. */
export const COMPOSE_HOST_PORTS = {
  /** Toxiproxy's API. */
  api: TOXIPROXY_API_PORT,
  /** Server i's monitoring port is published on this plus i. */
  monitorBase: 18222,
};

/** The compose file reads the images from these variables, defaulting to the official ones. */
const IMAGE_VARIABLES = { nats: 'NATS_CHAOS_NATS_IMAGE', toxiproxy: 'NATS_CHAOS_TOXIPROXY_IMAGE' };
/** The top-level docker-compose.yml reads the rendered project's folder from this variable. */
export const RENDER_DIR_VARIABLE = 'NATS_CHAOS_RENDER_DIR';
export const DEFAULT_RENDER_DIR = './runs/compose';

/** What a person needs to reach a rendered deployment once it is up. */
export interface ComposeConnection {
  deployment: string;
  /** Client URLs on the host (each a server's client proxy), site by site. */
  clientUrls: Record<string, string[]>;
  /** Toxiproxy's API on the host. */
  toxiproxyApi: string;
  /** Monitoring endpoints on the host, by server. */
  monitorUrls: Record<string, string>;
  /** The agent's seed file (mode 0600), and the bucket it works on. */
  agentSeedFile: string;
  bucket: string;
}

/**
 * The subnet of the network of the server at `index`. 10.213.0.0/16 lies outside Docker's
 * default address pools, so it does not collide with the networks the backend asks for.
 * Docker hands out addresses from the upper half only, so the proxy's fixed `.2` stays free.
 */
function subnetOf(index: number) {
  const prefix = `10.213.${index + 1}`;
  return { subnet: `${prefix}.0/24`, ipRange: `${prefix}.128/25`, proxy: `${prefix}.2` };
}

/** Every proxy of the project with the address it listens on, as Toxiproxy's `-config` takes. */
function projectLinks(topology: TopologyPlan): MeshLink[] {
  const proxyAddress = (s: ServerPlan) => subnetOf(topology.servers.indexOf(s)).proxy;
  return planContainerLinks(topology, proxyAddress).map(({ listenHost, listenPort, ...link }) => ({
    ...link,
    listen: `${listenHost}:${listenPort}`,
  }));
}

/**
 * The compose file of a topology. Paths of configs and secrets start with `dir` (`.` inside a
 * rendered project; a variable with a default in the repository's own file), image names come
 * from variables with the official images as defaults.
 */
export function composeFile(topology: TopologyPlan, dir: string): string {
  const image = (variable: string, fallback: string) => `\${${variable}:-${fallback}}`;
  const networks: Record<string, unknown> = {};
  const proxyNetworks: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};

  topology.servers.forEach((server, i) => {
    const net = subnetOf(i);
    networks[server.name] = {
      ipam: { config: [{ subnet: net.subnet, ip_range: net.ipRange }] },
      labels: { 'org.nats-chaos.compose': 'true' },
    };
    proxyNetworks[server.name] = { ipv4_address: net.proxy };
    services[server.name] = {
      image: image(IMAGE_VARIABLES.nats, DEFAULT_NATS_IMAGE),
      command: ['-c', IN_CONTAINER.config],
      depends_on: ['toxiproxy'],
      networks: [server.name],
      ports: [`127.0.0.1:${COMPOSE_HOST_PORTS.monitorBase + i}:${SERVER_PORTS.monitor}`],
      volumes: [
        `${dir}/config/${server.name}.conf:${IN_CONTAINER.config}:ro`,
        `${dir}/secrets/site-${server.site}-accounts.conf:${IN_CONTAINER.accounts}:ro`,
      ],
      labels: { 'org.nats-chaos.compose': 'true' },
    };
  });
  const clientPorts = topology.servers.map((s) => clientProxyPort(topology, s));
  services['toxiproxy'] = {
    image: image(IMAGE_VARIABLES.toxiproxy, DEFAULT_TOXIPROXY_IMAGE),
    command: ['-host=0.0.0.0', '-config=/config/toxiproxy.json'],
    networks: proxyNetworks,
    ports: [
      `127.0.0.1:${COMPOSE_HOST_PORTS.api}:${TOXIPROXY_API_PORT}`,
      ...clientPorts.map((p) => `127.0.0.1:${p}:${p}`),
    ],
    volumes: [`${dir}/toxiproxy.json:/config/toxiproxy.json:ro`],
    labels: { 'org.nats-chaos.compose': 'true' },
  };

  // Version 2.4: compose v1 needs a version for `services`, and 2.x for fixed addresses;
  // compose v2 reads it too, and only notes that the key is obsolete.
  const header = [
    '# A 3-site NATS supercluster behind Toxiproxy, as nats-chaos-harness runs it in containers.',
    '# Render the configs first: npx nats-chaos render --deployment harmony --out runs/compose',
    '',
  ];
  const body = stringify({ version: '2.4', services, networks }, { lineWidth: 0 });
  return `${header.join('\n')}${body}`;
}

/**
 * Writes a deployment's compose project into `outDir`: every server's config, each site's
 * accounts file and a fresh NKey seed per user in `secrets/` (mode 0600), the proxies for
 * Toxiproxy's `-config`, a docker-compose.yml, and `connection.json` with the addresses a
 * person needs once it is up. Returns the latter.
 */
export async function renderComposeProject(
  deployment: Deployment,
  outDir: string,
): Promise<ComposeConnection> {
  const topology = planTopology(deployment);
  const links = projectLinks(topology);
  const secretsDir = join(outDir, 'secrets');
  await mkdir(join(outDir, 'config'), { recursive: true });
  await mkdir(secretsDir, { recursive: true, mode: 0o700 });
  await chmod(secretsDir, 0o700);
  const keys = await generateCredentials(deployment, secretsDir);

  for (let site = 1; site <= topology.sites.length; site++) {
    const file = join(secretsDir, `site-${site}-accounts.conf`);
    await writeFile(file, renderAccountsFile(deployment, site, keys), { mode: 0o600 });
    await chmod(file, 0o600);
  }
  for (const [i, server] of topology.servers.entries()) {
    const addresses = containerServerAddresses(
      server,
      links,
      subnetOf(i).proxy,
      `127.0.0.1:${clientProxyPort(topology, server)}`,
    );
    const config = renderServerConfig({
      deployment,
      server,
      addresses,
      storeDir: IN_CONTAINER.store,
      accountsInclude: IN_CONTAINER.accountsInclude,
    });
    await writeFile(join(outDir, 'config', `${server.name}.conf`), config);
  }
  const proxies = links.map((l) => ({ name: l.name, listen: l.listen, upstream: l.upstream }));
  await writeFile(join(outDir, 'toxiproxy.json'), `${JSON.stringify(proxies, null, 2)}\n`);
  await writeFile(join(outDir, 'docker-compose.yml'), composeFile(topology, '.'));

  const connection: ComposeConnection = {
    deployment: deployment.name,
    clientUrls: Object.fromEntries(
      topology.sites.map((site) => [
        site,
        topology.servers
          .filter((s) => s.siteName === site)
          .map((s) => `nats://127.0.0.1:${clientProxyPort(topology, s)}`),
      ]),
    ),
    toxiproxyApi: `http://127.0.0.1:${COMPOSE_HOST_PORTS.api}`,
    monitorUrls: Object.fromEntries(
      topology.servers.map((s, i) => [
        s.name,
        `http://127.0.0.1:${COMPOSE_HOST_PORTS.monitorBase + i}`,
      ]),
    ),
    agentSeedFile: userWithRole(keys, 'agent').seedFile,
    bucket: deployment.bucket.name,
  };
  await writeFile(join(outDir, 'connection.json'), `${JSON.stringify(connection, null, 2)}\n`);
  return connection;
}

/** The repository's own docker-compose.yml: the 3x3 layout, reading the rendered folder's path. */
export function topLevelComposeFile(): string {
  const topology = planTopology({
    sites: { count: 3, serversPerSite: 3 },
  } as Deployment);
  return composeFile(topology, `\${${RENDER_DIR_VARIABLE}:-${DEFAULT_RENDER_DIR}}`);
}

// `npx tsx harness/backends/containers/compose-project.ts` writes the top-level file anew.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = fileURLToPath(new URL('../../../docker-compose.yml', import.meta.url));
  await writeFile(target, topLevelComposeFile());
  process.stdout.write(`wrote ${target}\n`);
}
