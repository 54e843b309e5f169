import { describe, expect, it } from 'vitest';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';
import { scalability } from './scalability.ts';

const run = claimRuns(scalability);

describe('scalability', () => {
  it('on harmony: a fourth site joins and the agent works there', async () => {
    const result = await run('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['okOnNewSite']).toBeGreaterThanOrEqual(30);
    expect(claimOf(result, 'scalability').verdict).toBe('holds');
  });

  it('on harmony-as-written: fails, its agent cannot open the bucket', async () => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/NOT met: the deployment's agent opens the bucket.*_INBOX/);
    // The fourth site joined all the same: only the agent's permissions failed.
    expect(claimOf(result, 'scalability').parts[0]!.verdict).toBe('holds');
  });
});
