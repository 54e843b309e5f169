import { describe, expect, it } from 'vitest';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';
import { resilience } from './resilience.ts';

const run = claimRuns(resilience);

describe('resilience', () => {
  it('on harmony: credentials at every surviving site; data except without the home site', async () => {
    const result = await run('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['firstOkWithoutSiteMs[agent]']).toBeGreaterThan(0);
    const continuity = result.checks.find((c) => c.name === 'credential-continuity')!;
    expect(continuity.figures['probes']).toBeGreaterThanOrEqual(6);
    expect(continuity.figures['failedProbes']).toBe(0);
    expect(claimOf(result, 'resilience').verdict).toBe('holds in part');
  });

  it('on harmony-as-written: fails, naming the denied subject', async () => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/permission denied: subscription to _INBOX\./);
  });
});
