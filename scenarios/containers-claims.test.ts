import { describe, expect, it } from 'vitest';
import { labelledResources } from '../harness/testing/docker-gate.ts';
import { containerRuns } from './fixtures/container-runs.ts';
import { configDrift } from './config-drift.ts';
import { credentialRotation } from './credential-rotation.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';
import { resilience } from './resilience.ts';
import { systemAccount } from './system-account.ts';

const { run, runIds } = containerRuns(3);

/**
 * ADR claims whose mechanics differ on containers: a config reload is a SIGHUP through Docker,
 * a server that refuses its config is a container that exits, a restarted container must keep
 * its published ports for the clients that dialled them.
 */
describe('ADR claims on containers', () => {
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

  it('system account: a server with JetStream on SYS exits, naming its fatal line', async () => {
    const result = await run(systemAccount);
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(evidenceOf(result)).toContain('[FTL] Not allowed to enable JetStream on the system');
  });

  it('resilience: after every site restarted, the observer still reads the bucket', async () => {
    const result = await run(resilience);
    expect(result.verdict, evidenceOf(result)).toBe('pass');
  });

  it('leaves no container, network or volume of its runs behind', () => {
    expect(runIds.length).toBeGreaterThan(0);
    for (const runId of runIds) expect(labelledResources(runId)).toEqual([]);
  });
});
