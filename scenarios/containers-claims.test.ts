import { describe, expect, it } from 'vitest';
import { labelledResources } from '../harness/testing/docker-gate.ts';
import { containerRuns } from './fixtures/container-runs.ts';
import { configDrift } from './config-drift.ts';
import { credentialRotation } from './credential-rotation.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

const { run, runIds } = containerRuns(3);

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
