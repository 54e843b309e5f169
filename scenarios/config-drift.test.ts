import { describe, expect, it } from 'vitest';
import { configDrift } from './config-drift.ts';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';

const run = claimRuns(configDrift);

describe('config-drift', () => {
  it('on harmony: site-3 refuses the agent while drifted; the agent works on another site', async () => {
    const result = await run('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['writesOk[user-missing]']).toBeGreaterThan(0);
    expect(claimOf(result, 'configuration-drift').verdict).not.toBe('unknown');
  });

  it('on harmony-as-written: fails, its agent cannot open the bucket; site-3 still refuses it', async () => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/NOT met: the deployment's agent opens the bucket.*_INBOX/);
    expect(evidenceOf(result)).toMatch(/met: while the HARMONY account does not exist yet/);
  });
});
