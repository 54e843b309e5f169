import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkFaults } from '../harness/faults/network-faults.ts';
import { runScenario } from '../harness/scenario/run-scenario.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { partitionHomeSite } from './partition-home-site.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nats-chaos-scenario-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const run = async (scenario: Scenario, deployment: string) =>
  runScenario(scenario, {
    deployment: await loadDeployment(deployment),
    seed: 7,
    outDir: join(outDir, deployment),
  });

describe('partition-home-site', () => {
  it('on harmony: only the home side writes during the cut; no acknowledged write lost', async () => {
    const result = await run(partitionHomeSite, 'harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['homeSideWritesOkDuringCut']).toBeGreaterThan(0);
    expect(result.figures['awaySideWritesOkDuringCut']).toBe(0);
    expect(result.figures['awaySideWritesFailedDuringCut']).toBeGreaterThan(0);

    // The fault is in faults.jsonl, verified before it was healed.
    const faults = (await readFile(join(result.runDir, 'faults.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const partition = faults.find((f) => f.kind === 'partition');
    expect(partition.target).toEqual({ site: 'site-1' });
    expect(partition.effective).toBeGreaterThan(partition.start);
    expect(partition.healed).toBeGreaterThan(partition.end);
  });

  it('on harmony-as-written: fails, because the agents cannot even start', async () => {
    const result = await run(partitionHomeSite, 'harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(result.checks.find((c) => c.name === 'credential-continuity')?.verdict).toBe('fail');
  });

  it('is unknown, not pass, when the partition never takes effect', async () => {
    // The same cut, but the proxies are never told: verification must time out.
    const ineffective: Scenario = {
      ...partitionHomeSite,
      name: 'partition-that-never-happens',
      async run(ctx) {
        const mesh = ctx.cluster.mesh!;
        mesh.setEnabled = async () => {};
        await new NetworkFaults(ctx.cluster, ctx.recorder, 3000).partitionSite(1);
      },
    };
    const result = await run(ineffective, 'harmony');
    expect(result.verdict).toBe('unknown');
    expect(result.reason).toMatch(/FAULT_NOT_EFFECTIVE/);
  });
});
