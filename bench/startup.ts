import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcessSupercluster } from '../harness/backends/process/process-backend.ts';
import { resolveNatsServerBinary } from '../harness/backends/process/nats-binary.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { bareStart } from './bare-start.ts';
import type { BenchResult } from './bench-result.ts';

/**
 * Time until a 3x3 `harmony` deployment is ready on the process backend (gateways complete,
 * one meta leader agreed by all), against a bare script that spawns the same configs and polls
 * the same readiness. Rounds alternate harness and bare so both see the same machine.
 */
export async function benchStartup(rounds: number): Promise<BenchResult> {
  const { deployment } = await loadDeployment('harmony');
  const binary = resolveNatsServerBinary().path;
  const harness: number[] = [];
  const bare: number[] = [];

  for (let round = 0; round < rounds; round++) {
    const copy = await mkdtemp(join(tmpdir(), 'nats-chaos-bench-'));
    const started = performance.now();
    // Direct links: the bare script cannot run the proxies, so both start the same configs.
    const cluster = await startProcessSupercluster(deployment, {
      network: 'direct',
      namespaces: false,
    });
    harness.push(performance.now() - started);
    await cp(cluster.workspace.configDir, join(copy, 'config'), { recursive: true });
    await cp(cluster.workspace.secretsDir, join(copy, 'secrets'), { recursive: true });
    const servers = cluster.servers.map((s) => ({
      name: s.plan.name,
      monitorUrl: s.monitorUrl,
      site: s.plan.siteName,
    }));
    await cluster.shutdown();

    const baseline = await bareStart(binary, copy, cluster.workspace.dir, servers);
    bare.push(baseline.readyMs);
    await baseline.stop();
    await rm(copy, { recursive: true, force: true });
  }

  return {
    title: 'Start-up: 3x3 process deployment until ready (direct links)',
    subject: 'harness `startProcessSupercluster` (keys, render, spawn, readiness)',
    baseline: 'bare script: spawn the same configs, poll the same /gatewayz and /jsz readiness',
    unit: 'ms',
    subjectSamples: harness,
    baselineSamples: bare,
    lowerIsBetter: true,
  };
}
