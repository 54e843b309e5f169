import { describe, expect, it } from 'vitest';
import { credentialRotation } from './credential-rotation.ts';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';

const siteBySite = claimRuns(credentialRotation('site-by-site'));
const addThenRemove = claimRuns(credentialRotation('add-then-remove'));

describe('credential-rotation', () => {
  it('site by site, on harmony: the agent is locked out until it has its new seed', async () => {
    const result = await siteBySite('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['lockoutWindowMs']).toBeGreaterThanOrEqual(2_000);
    expect(claimOf(result, 'credential-rotation').parts[0]!.verdict).toBe('fails');
  });

  it.each([
    ['site by site', siteBySite],
    ['add then remove', addThenRemove],
  ])('%s, on harmony-as-written: fails, its agent cannot open the bucket', async (_, run) => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/NOT met: the deployment's agent opens the bucket.*_INBOX/);
  });

  it('add then remove, on harmony: no authorization error at all', async () => {
    const result = await addThenRemove('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['lockoutWindowMs']).toBe(0);
    expect(claimOf(result, 'credential-rotation').parts[1]!.verdict).toBe('holds');
  });
});
