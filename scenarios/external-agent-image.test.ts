import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestAgentImages } from '../harness/agent/fixtures/external-agent/agent-image.ts';
import type { BackendName } from '../harness/backends/start-backend.ts';
import { runScenario } from '../harness/scenario/run-scenario.ts';
import type { ScenarioResult } from '../harness/scenario/scenario.ts';
import {
  dockerUp,
  labelledResources,
  skipWithoutDocker,
  testImages,
} from '../harness/testing/docker-gate.ts';
import { harnessServerPids, workspaceExists } from '../harness/testing/leftovers.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { siteFailover } from './site-failover.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

/** Anything shaped like an NKey seed (the same pattern the harness redacts). */
const SEED = /\bS[UAONCPX][A-Z2-7]{56}\b/;

let outDir: string;
let agentImages: Record<string, string>;
let serverImages: { nats: string; toxiproxy: string };
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nats-chaos-agent-image-'));
  if (!dockerUp) return;
  serverImages = await testImages();
  agentImages = await buildTestAgentImages(['work', 'exit-at-once']);
}, 120_000);
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});
beforeEach(skipWithoutDocker);

const results: ScenarioResult[] = [];

async function run(mode: string, backend: BackendName): Promise<ScenarioResult> {
  const result = await runScenario(siteFailover, {
    deployment: await loadDeployment('harmony'),
    backend,
    images: serverImages,
    seed: 9,
    outDir: join(outDir, `${mode}-${backend}`),
    agent: { kind: 'image', image: agentImages[mode]! },
  });
  results.push(result);
  return result;
}

describe('an external agent given as an image', () => {
  it('is judged by site-failover on harmony (process backend) and passes', async () => {
    const result = await run('work', 'process');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['failoverMs']).toBeGreaterThan(0);
    const history = await readFile(join(result.runDir, 'history.jsonl'), 'utf8');
    expect(history).toMatch(/"op":"process","process":"agent-1","state":"exited","kind":"image"/);
    const log = await readFile(join(result.runDir, 'agent-1.log'), 'utf8');
    expect(log).toMatch(/output: agent-1: stopped after \d+ operations/);
  });

  it('passes site-failover on the container backend too', async () => {
    const result = await run('work', 'containers');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
  });

  it('fails an image that exits at once; the seed it printed stays out of its log', async () => {
    const result = await run('exit-at-once', 'process');
    expect(result.verdict, evidenceOf(result)).toBe('fail');
    const continuity = result.checks.find((c) => c.name === 'credential-continuity');
    expect(continuity?.evidence[0]?.message).toMatch(/agent-1 exited by itself \(code 1\)/);
    const log = await readFile(join(result.runDir, 'agent-1.log'), 'utf8');
    expect(log).toContain('my seed is [REDACTED SEED]');
    expect(log).not.toMatch(SEED);
  });

  it('leaves no container, server or workspace of its runs behind', async () => {
    expect(results).toHaveLength(3);
    for (const result of results) {
      expect(labelledResources(result.runId)).toEqual([]);
      expect(await harnessServerPids(result.runId)).toEqual([]);
      expect(await workspaceExists(result.runId)).toBe(false);
    }
  });
});
