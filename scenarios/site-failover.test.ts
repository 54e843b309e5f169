import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../harness/scenario/run-scenario.ts';
import type { ScenarioResult } from '../harness/scenario/scenario.ts';
import { harnessServerPids, workspaceExists } from '../harness/testing/leftovers.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { siteFailover } from './site-failover.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nats-chaos-scenario-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const runIds: string[] = [];

async function run(deployment: string): Promise<ScenarioResult> {
  const result = await runScenario(siteFailover, {
    deployment: await loadDeployment(deployment),
    seed: 42,
    outDir: join(outDir, deployment),
  });
  runIds.push(result.runId);
  return result;
}

const check = (result: ScenarioResult, name: string) => {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => c.name).join(', ')}`);
  return found;
};

describe('site-failover', () => {
  it('passes on harmony: the agent fails over and no acknowledged write is lost', async () => {
    const result = await run('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['failoverMs']).toBeGreaterThan(0);
    expect(check(result, 'acknowledged-writes').figures['acknowledged']).toBeGreaterThan(30);
    expect(check(result, 'credential-continuity').verdict).toBe('pass');
  });

  it('fails on harmony-as-written, naming the denied subjects', async () => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    const continuity = check(result, 'credential-continuity');
    expect(continuity.verdict).toBe('fail');
    const evidence = continuity.evidence.map((e) => e.message).join('\n');
    expect(evidence).toMatch(/_INBOX\./);
    expect(continuity.evidence.every((e) => e.records.length > 0)).toBe(true);
  });

  it('keeps every log and rendered config in the run directory, and no seed there', async () => {
    const runDir = join(outDir, 'harmony', 'site-failover');
    const files = (await readdir(runDir, { recursive: true })).map(String);
    for (const name of ['site-1-n1.log', 'site-3-n3.log']) expect(files).toContain(`logs/${name}`);
    expect(files).toContain('config/site-2-n1.conf');
    expect(files).toContain('config/site-2-accounts.conf');
    expect(files.some((f) => f.endsWith('.nk'))).toBe(false);
    for (const file of files) {
      const text = await readFile(join(runDir, file), 'utf8').catch(() => '');
      expect(text, file).not.toMatch(/\bS[UAONC][A-Z2-7]{56}\b/);
    }
  });

  it('leaves no server process and no workspace behind', async () => {
    expect(runIds).toHaveLength(2);
    for (const runId of runIds) {
      expect(await harnessServerPids(runId)).toEqual([]);
      expect(await workspaceExists(runId)).toBe(false);
    }
  });
});
