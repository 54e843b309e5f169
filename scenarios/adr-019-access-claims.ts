/**
 * ADR 019's claims about access: the system account, authorization across sites, subject
 * permissions, security, configuration drift and credential rotation.
 */
import type { Claim, ScenarioOutcome } from '../harness/claims/claim.ts';
import {
  checkEvidence,
  checkPassed,
  expectationMet,
  figure,
  holdsIf,
  metWord as met,
  partFrom,
} from '../harness/claims/evidence.ts';

export const SYSTEM_ACCOUNT: Claim = {
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

export const AUTHORIZATION_SYNC: Claim = {
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

export const PERMISSIONS: Claim = {
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

export const SECURITY: Claim = {
  id: 'security',
  claim:
    'with a dedicated account the agent cannot see or interfere with NATS system traffic ' +
    '(and every site keeps clients without credentials out)',
  scenarios: ['security'],
  judge(outcomes) {
    const s = 'security';
    const o = outcomes.get(s);
    const expected = (what: string, id: string) =>
      partFrom(what, s, o, (r) => {
        const ok = expectationMet(r, id);
        return { verdict: holdsIf(ok), evidence: `${what}: ${met(ok)}` };
      });
    return [
      expected('the agent cannot subscribe to $SYS.>', 'agent-cannot-subscribe-sys'),
      expected('the agent cannot send requests to $SYS.REQ.>', 'agent-cannot-request-sys'),
      partFrom("the agent cannot reach another account's data", s, o, (r) => {
        const ok = expectationMet(r, 'agent-cannot-reach-other-account');
        const read = figure(r, 'otherTenantValueRead');
        return {
          verdict: holdsIf(ok === undefined ? undefined : ok && read === 0),
          evidence: `its bucket not found from the agent's account ${met(ok)}; its value read: ${read ?? '?'}`,
        };
      }),
      partFrom('every site of the deployment refuses anonymous clients', s, o, (r) => {
        const sites = [1, 2, 3].map((n) => expectationMet(r, `anonymous-refused-site-${n}`));
        const all = sites.includes(undefined) ? undefined : sites.every(Boolean);
        return { verdict: holdsIf(all), evidence: `every site refusing them: ${met(all)}` };
      }),
      partFrom('so does a site whose config lacks the HARMONY account', s, o, (r) => {
        const admitted = figure(r, 'anonymousAdmitted[drifted-site-3]');
        return {
          verdict: admitted === undefined ? undefined : admitted === 0 ? 'holds' : 'fails',
          evidence:
            admitted === 1
              ? 'site-3, left with only system-account users, let an anonymous client into $G'
              : `site-3 anonymous client admitted: ${admitted ?? '?'}`,
        };
      }),
    ];
  },
};

export const CONFIGURATION_DRIFT: Claim = {
  id: 'configuration-drift',
  claim:
    "if one site's config is updated without the others, authentication fails during a site " +
    'failover; a management step must make the account exist on every instance first',
  scenarios: ['config-drift'],
  judge(outcomes) {
    const s = 'config-drift';
    const o = outcomes.get(s);
    return [
      partFrom('a site whose config was updated first refuses the agent', s, o, (r) => {
        const ok = expectationMet(r, 'user-missing');
        return {
          verdict: holdsIf(ok),
          evidence: `site-3 without the agent user refusing it: ${met(ok)}`,
        };
      }),
      partFrom('the drift shows only when the agent fails over', s, o, (r) => {
        const cut = figure(r, 'cutOffMs[user-missing]');
        if (expectationMet(r, 'agent-opens-bucket') !== true || cut === undefined) {
          return {
            verdict: undefined,
            evidence: 'the agent could not open the bucket, so nothing was seen',
          };
        }
        return {
          verdict: cut > 0 ? 'fails' : 'holds',
          evidence:
            cut > 0
              ? `the reload cut the agent's connection at site-3 at once: ${cut} ms without an ok operation, ` +
                `then ${figure(r, 'writesOk[user-missing]') ?? '?'} writes ok on another site`
              : 'the agent connected at site-3 was not disturbed by the reload',
        };
      }),
      partFrom(
        'without the account at a site the agent is refused there (the management step is needed)',
        s,
        o,
        (r) => {
          const ok = expectationMet(r, 'account-missing');
          return {
            verdict: holdsIf(ok),
            evidence: `site-3 without HARMONY refusing the agent: ${met(ok)}`,
          };
        },
      ),
    ];
  },
};

export const CREDENTIAL_ROTATION: Claim = {
  id: 'credential-rotation',
  claim:
    "the agent's credentials are managed in the secret store mounted into each site's NATS " +
    'container, so they can be rotated there',
  scenarios: ['credential-rotation-site-by-site', 'credential-rotation-add-then-remove'],
  judge(outcomes) {
    const naive = 'credential-rotation-site-by-site';
    const safe = 'credential-rotation-add-then-remove';
    // An agent that never opened the bucket shows nothing about rotation: its permissions
    // stopped it first (see the permissions claim).
    const worked = (r: ScenarioOutcome) => expectationMet(r, 'agent-opens-bucket') === true;
    const stopped = 'the agent could not open the bucket, so the rotation was not measured';
    return [
      partFrom(
        "replacing the agent's key site by site keeps it working",
        naive,
        outcomes.get(naive),
        (r) => {
          const window = figure(r, 'lockoutWindowMs');
          if (!worked(r) || window === undefined) return { verdict: undefined, evidence: stopped };
          return {
            verdict: window === 0 ? 'holds' : 'fails',
            evidence:
              `locked out for ${window} ms, until the new seed reached it` +
              (expectationMet(r, 'agent-not-locked-out') === false
                ? '; with nats.js defaults for good'
                : ''),
          };
        },
      ),
      partFrom(
        'adding the new key everywhere before removing the old one keeps it working',
        safe,
        outcomes.get(safe),
        (r) => ({
          verdict: worked(r) ? holdsIf(checkPassed(r, 'credential-continuity')) : undefined,
          evidence: worked(r)
            ? `${checkEvidence(r, 'credential-continuity')}; no ok operation missed for ${figure(r, 'lockoutWindowMs') ?? '?'} ms`
            : stopped,
        }),
      ),
    ];
  },
};
