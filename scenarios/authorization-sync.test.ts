import { describe, expect, it } from 'vitest';
import { authorizationSync } from './authorization-sync.ts';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';

const missingUser = claimRuns(authorizationSync('missing-user'));
const otherKey = claimRuns(authorizationSync('other-key'));

describe('authorization-sync', () => {
  it('missing user, on harmony: the default client is locked out, the agent survives on site-1', async () => {
    const result = await missingUser('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['lockoutAfterMs[client-default]']).toBeGreaterThan(0);
    expect(result.figures['defaultClientBackAfterRestart']).toBe(0);
    expect(result.figures['failoverMs[agent-1]']).toBeGreaterThan(0);
    expect(
      claimOf(result, 'authorization-sync')
        .parts.slice(0, 2)
        .map((p) => p.verdict),
    ).toEqual(['holds', 'fails']);
  });

  it('missing user, on harmony-as-written: fails, the agent itself is locked out', async () => {
    const result = await missingUser('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(
      /NOT met: the deployment's agent is not locked out.*LOCKOUT/,
    );
  });

  it('another key at site-3, on harmony: the same lockout for the default client', async () => {
    const result = await otherKey('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['lockoutAfterMs[client-default]']).toBeGreaterThan(0);
  });
});
