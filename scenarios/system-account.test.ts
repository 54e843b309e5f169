import { describe, expect, it } from 'vitest';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';
import { systemAccount } from './system-account.ts';

const run = claimRuns(systemAccount);

describe('system-account', () => {
  it.each(['harmony', 'harmony-as-written'])(
    'on %s: the system account refuses the bucket, and refuses JetStream',
    async (deployment) => {
      const result = await run(deployment);
      expect(result.verdict, evidenceOf(result)).toBe('pass');
      expect(evidenceOf(result)).toMatch(
        /create-bucket HARMONY by sys-agent: jetstream \(code 10039\)/,
      );
      expect(claimOf(result, 'system-account').verdict).toBe('holds');
    },
  );
});
