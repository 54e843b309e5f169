import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runScenario } from '../harness/scenario/run-scenario.ts';
import type { Scenario, ScenarioResult } from '../harness/scenario/scenario.ts';
import {
  dockerUp,
  labelledResources,
  skipWithoutDocker,
  testImages,
} from '../harness/testing/docker-gate.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { configDrift } from './config-drift.ts';
import { credentialRotation } from './credential-rotation.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

let outDir: string;
let images: { nats: string; toxiproxy: string };
const runIds: string[] = [];
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nats-chaos-containers-claims-'));
  if (dockerUp) images = await testImages();
}, 120_000);
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});
beforeEach(skipWithoutDocker);

async function run(scenario: Scenario): Promise<ScenarioResult> {
  const result = await runScenario(scenario, {
    deployment: await loadDeployment('harmony'),
    backend: 'containers',
    images,
    seed: 3,
    outDir: join(outDir, scenario.name),
  });
  runIds.push(result.runId);
  return result;
}

/** The claims that change a site's accounts file and reload it, on containers (SIGHUP). */
describe('config reload on containers', () => {
  it('credential rotation site by site: locked out until the agent has its new seed', async () => {
    const result = await run(credentialRotation('site-by-site'));
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['lockoutWindowMs']).toBeGreaterThanOrEqual(2_000);
  });

  it('configuration drift: site-3 refuses the agent, another site serves it', async () => {
    const result = await run(configDrift);
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['writesOk[user-missing]']).toBeGreaterThan(0);
  });

  it('leaves no container, network or volume of its runs behind', () => {
    expect(runIds.length).toBeGreaterThan(0);
    for (const runId of runIds) expect(labelledResources(runId)).toEqual([]);
  });
});
