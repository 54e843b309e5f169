/**
 * ADR 019's claims, each read from the scenarios that test it. A part `holds` when the
 * measurement agrees with what the ADR says, `fails` when it contradicts it, and is `unknown`
 * when its scenario did not run, could not decide, or is not built yet.
 */
import type { Claim, ScenarioOutcome } from '../harness/claims/claim.ts';
import { expectationMet, figure, holdsIf, partFrom } from '../harness/claims/evidence.ts';

const met = (ok: boolean | undefined) => (ok === undefined ? 'undecided' : ok ? 'met' : 'not met');

const PERMISSIONS: Claim = {
  id: 'permissions',
  claim:
    'TEST.* only gives an Authorization Violation; $KV.HARMONY.>, $JS.API.CONSUMER.> and ' +
    '$JS.API.STREAM.> are the access the agent needs',
  scenarios: ['subject-permissions'],
  judge(outcomes) {
    const s = 'subject-permissions';
    const o = outcomes.get(s);
    const steps = [
      ['subscribe _INBOX.>', 'adr-list-denied-inbox'],
      ['publish $JS.API.INFO', 'adr-inbox-denied-info'],
      ['publish $JS.API.DIRECT.GET.KV_HARMONY.>', 'adr-info-denied-direct-get'],
      ['publish $JS.FC.KV_HARMONY.> (a large watch stalls silently)', 'adr-direct-watch-stalls'],
    ] as const;
    return [
      partFrom('TEST.* only fails at once', s, o, (r) => ({
        verdict: holdsIf(expectationMet(r, 'test-only-fails-at-once')),
        evidence: `opening the bucket as a TEST.* user: refused on its _INBOX subscription ${met(expectationMet(r, 'test-only-fails-at-once'))}`,
      })),
      partFrom("the ADR's list is all KV needs", s, o, (r) => {
        const found = steps.map(([, id]) => expectationMet(r, id));
        const listDenied = found[0];
        return {
          verdict: listDenied === undefined ? undefined : listDenied ? 'fails' : 'holds',
          evidence:
            'denied with the list, adding one subject at a time: ' +
            steps.map(([what], i) => `${what} ${found[i] ? 'denied' : '(not shown)'}`).join('; '),
        };
      }),
      partFrom("the deployment's permissions run every KV operation", s, o, (r) => {
        const ok = expectationMet(r, 'given-runs-every-operation');
        const delivered = figure(r, 'bulkDelivered[agent-1]');
        return {
          verdict: holdsIf(ok),
          evidence:
            `open, put, get and a watch of 300 x 64 KiB ${met(ok)}` +
            (delivered === undefined ? '' : ` (watch delivered ${delivered})`),
        };
      }),
    ];
  },
};

const SYSTEM_ACCOUNT: Claim = {
  id: 'system-account',
  claim: 'the system account cannot (and should not) own JetStream KV buckets',
  scenarios: ['system-account'],
  judge(outcomes) {
    const s = 'system-account';
    const o = outcomes.get(s);
    return [
      partFrom('an agent in the system account cannot create the bucket', s, o, (r) => {
        const ok = expectationMet(r, 'sys-user-cannot-create-bucket');
        return { verdict: holdsIf(ok), evidence: `refused with 10039 ${met(ok)}` };
      }),
      partFrom('JetStream cannot be enabled on the system account', s, o, (r) => {
        const ok = expectationMet(r, 'sys-jetstream-refused');
        return { verdict: holdsIf(ok), evidence: `the server refusing to start ${met(ok)}` };
      }),
    ];
  },
};

const AUTHORIZATION_SYNC: Claim = {
  id: 'authorization-sync',
  claim:
    "if an agent at Site-2 fails over to Site-3 and Site-3's configuration lacks its " +
    'credentials, the agent is locked out during the outage',
  scenarios: ['authorization-sync-missing-user', 'authorization-sync-other-key'],
  judge(outcomes) {
    const missing = 'authorization-sync-missing-user';
    const other = 'authorization-sync-other-key';
    const lockedOut = (name: string) => (r: ScenarioOutcome) => {
      const ok = expectationMet(r, 'default-client-locked-out');
      const after = figure(r, 'lockoutAfterMs[client-default]');
      const back = figure(r, 'defaultClientBackAfterRestart');
      return {
        verdict: holdsIf(ok),
        evidence:
          `${name}: a nats.js client with defaults locked out ${met(ok)}` +
          (after === undefined ? '' : `, closed ${after} ms after site-2 died`) +
          (back === 0 ? ', still closed after site-2 came back' : ''),
      };
    };
    return [
      partFrom(
        'a client with nats.js defaults is locked out for good',
        missing,
        outcomes.get(missing),
        lockedOut('site-3 lacks the agent user'),
      ),
      partFrom(
        'nothing on the client side avoids the lockout',
        missing,
        outcomes.get(missing),
        (r) => {
          const survives = expectationMet(r, 'hardened-client-survives');
          const ms = figure(r, 'failoverMs[client-hardened]');
          return {
            verdict: survives === undefined ? undefined : survives ? 'fails' : 'holds',
            evidence:
              `a client with ignoreAuthErrorAbort not locked out ${met(survives)}` +
              (ms === undefined ? '' : `, working on another site ${ms} ms after site-2 died`),
          };
        },
      ),
      partFrom(
        'the same with another key for the agent at site-3',
        other,
        outcomes.get(other),
        lockedOut('site-3 has another key for the agent'),
      ),
    ];
  },
};

/** Every claim of ADR 019 the suite reads, in the ADR's order. */
export const ADR_019_CLAIMS: readonly Claim[] = [SYSTEM_ACCOUNT, AUTHORIZATION_SYNC, PERMISSIONS];
