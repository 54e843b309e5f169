import { describe, expect, it } from 'vitest';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';
import { security } from './security.ts';

const run = claimRuns(security);

describe('security', () => {
  it.each(['harmony', 'harmony-as-written'])(
    'on %s: the agent is kept from $SYS and the other account; sites refuse anonymous clients',
    async (deployment) => {
      const result = await run(deployment);
      expect(result.verdict, evidenceOf(result)).toBe('pass');
      expect(result.figures['anonymousAdmitted[drifted-site-1]']).toBe(0);
      // Measured on nats-server 2.9.10: a site with only system-account users lets them in.
      expect(result.figures['anonymousAdmitted[drifted-site-3]']).toBe(1);
      expect(claimOf(result, 'security').verdict).toBe('holds in part');
    },
  );
});
