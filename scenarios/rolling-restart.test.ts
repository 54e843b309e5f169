import { describe, expect, it } from 'vitest';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';
import { rollingRestart } from './rolling-restart.ts';

const run = claimRuns(rollingRestart);

describe('rolling-restart', () => {
  it('on harmony: every server restarted in turn, no acknowledged write lost', async () => {
    const result = await run('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['serversRestarted']).toBe(9);
    const writes = result.checks.find((c) => c.name === 'acknowledged-writes')!;
    expect(writes.figures['acknowledged']).toBeGreaterThan(50);
    expect(claimOf(result, 'operations').parts[0]!.verdict).toBe('holds');
  });

  it("on harmony-as-written: fails, the agent's permissions cannot open the bucket", async () => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/permission denied: subscription to _INBOX\./);
  });
});
