import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildImages } from '../harness/backends/containers/build-images.ts';
import {
  composeFile,
  renderComposeProject,
} from '../harness/backends/containers/compose-project.ts';
import { startContainerSupercluster } from '../harness/backends/containers/container-backend.ts';
import { LOCAL_NATS_IMAGE, LOCAL_TOXIPROXY_IMAGE } from '../harness/backends/containers/images.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { planTopology } from '../harness/topology/plan.ts';
import { parse } from 'yaml';
import { pollBareReadiness } from './bare-start.ts';
import type { BenchResult } from './bench-result.ts';

const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args);

/**
 * Time until a 3x3 `harmony` deployment is ready in containers (gateways complete, one meta
 * leader agreed by all), the harness's container backend against bare `docker` commands that
 * run the same layout from `nats-chaos render`'s output (the same networks, proxy container and
 * configs) and poll the same readiness. Rounds alternate, so both see the same machine.
 */
export async function benchContainerStartup(rounds: number): Promise<BenchResult> {
  const { deployment } = await loadDeployment('harmony');
  await buildImages();
  const images = { nats: LOCAL_NATS_IMAGE, toxiproxy: LOCAL_TOXIPROXY_IMAGE };
  const harness: number[] = [];
  const bare: number[] = [];

  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const cluster = await startContainerSupercluster(deployment, { images });
    harness.push(performance.now() - started);
    await cluster.shutdown();

    bare.push(await bareDockerStart(deployment, images));
  }

  return {
    title: 'Start-up: 3x3 container deployment until ready (proxy container on every link)',
    subject: 'harness `startContainerSupercluster` (keys, render, networks, proxies, readiness)',
    baseline: 'bare `docker` commands: the rendered layout, the same /gatewayz and /jsz readiness',
    unit: 'ms',
    subjectSamples: harness,
    baselineSamples: bare,
    lowerIsBetter: true,
    notes: [
      'Both run the local images (`npm run images`), one network per server and the proxy ' +
        'container on all nine; the harness creates its proxies through the Toxiproxy API, the ' +
        "baseline hands the same list to Toxiproxy's `-config`. Teardown is not timed.",
    ],
  };
}

/**
 * Renders the deployment, then with the docker CLI alone: the networks and addresses the
 * compose file names, the proxy container, nine servers; polls readiness; removes it all.
 */
async function bareDockerStart(
  deployment: Awaited<ReturnType<typeof loadDeployment>>['deployment'],
  images: { nats: string; toxiproxy: string },
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'nats-chaos-bench-docker-'));
  const prefix = `nats-chaos-bench-${process.pid}`;
  const topology = planTopology(deployment);
  const project = parse(composeFile(topology, dir)) as ComposeShape;
  const connection = await renderComposeProject(deployment, dir);
  const containers: string[] = [];
  const networks: string[] = [];
  const label = ['--label', 'org.nats-chaos.bench=true'];
  try {
    const started = performance.now();
    for (const [name, net] of Object.entries(project.networks)) {
      const ipam = net.ipam.config[0]!;
      await docker(
        'network',
        'create',
        ...label,
        '--subnet',
        ipam.subnet,
        '--ip-range',
        ipam.ip_range,
        `${prefix}-${name}`,
      );
      networks.push(`${prefix}-${name}`);
    }
    const proxy = project.services['toxiproxy']!;
    const proxyNets = Object.entries(proxy.networks as Record<string, { ipv4_address: string }>);
    const [first, ...rest] = proxyNets;
    await docker(
      'create',
      ...label,
      '--name',
      `${prefix}-toxiproxy`,
      '--network',
      `${prefix}-${first![0]}`,
      '--ip',
      first![1].ipv4_address,
      ...proxy.ports.flatMap((p) => ['-p', p]),
      ...proxy.volumes.flatMap((v) => ['-v', v]),
      images.toxiproxy,
      ...proxy.command,
    );
    containers.push(`${prefix}-toxiproxy`);
    for (const [name, net] of rest) {
      await docker(
        'network',
        'connect',
        '--ip',
        net.ipv4_address,
        `${prefix}-${name}`,
        `${prefix}-toxiproxy`,
      );
    }
    // Every network before the start: -config binds proxies on each network's address.
    await docker('start', `${prefix}-toxiproxy`);
    await Promise.all(
      topology.servers.map(async (s) => {
        const service = project.services[s.name]!;
        await docker(
          'run',
          '-d',
          ...label,
          '--name',
          `${prefix}-${s.name}`,
          '--network',
          `${prefix}-${s.name}`,
          '--network-alias',
          s.name,
          ...service.ports.flatMap((p) => ['-p', p]),
          ...service.volumes.flatMap((v) => ['-v', v]),
          images.nats,
          ...service.command,
        );
        containers.push(`${prefix}-${s.name}`);
      }),
    );
    await pollBareReadiness(
      topology.servers.map((s) => ({
        site: s.siteName,
        monitorUrl: connection.monitorUrls[s.name]!,
      })),
      started,
    );
    return performance.now() - started;
  } finally {
    if (containers.length) await docker('rm', '-f', '-v', ...containers).catch(() => {});
    if (networks.length) await docker('network', 'rm', ...networks).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

/** The parts of the rendered compose file the bare baseline reads. */
interface ComposeShape {
  services: Record<
    string,
    { command: string[]; ports: string[]; volumes: string[]; networks: unknown }
  >;
  networks: Record<string, { ipam: { config: { subnet: string; ip_range: string }[] } }>;
}
