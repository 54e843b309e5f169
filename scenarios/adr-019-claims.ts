/**
 * ADR 019's claims, each read from the scenarios that test it. A part `holds` when the
 * measurement agrees with what the ADR says, `fails` when it contradicts it, and is `unknown`
 * when its scenario did not run, could not decide, or is not built yet.
 */
import type { Claim, ScenarioOutcome } from '../harness/claims/claim.ts';
import {
  checkEvidence,
  checkPassed,
  expectationMet,
  figure,
  holdsIf,
  partFrom,
} from '../harness/claims/evidence.ts';

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

const KV_REPLICATION: Claim = {
  id: 'kv-replication',
  claim:
    'at R=1 a bucket exists only where it was created and is lost with that site; R=3 keeps it ' +
    'across Site-1, Site-2 and Site-3',
  scenarios: [
    'kv-replication-single-servers',
    'kv-replication-home-site',
    'kv-replication-mirrors',
  ],
  judge(outcomes) {
    const single = 'kv-replication-single-servers';
    const home = 'kv-replication-home-site';
    const mirrors = 'kv-replication-mirrors';
    const o1 = outcomes.get(single);
    const o3 = outcomes.get(home);
    const writes = (r: ScenarioOutcome, role: string) =>
      `${figure(r, `writesOk[${role}]`) ?? '?'} writes ok, ${figure(r, `writesFailed[${role}]`) ?? '?'} failed`;
    return [
      partFrom('at R=1 the bucket is unavailable while its site is down', single, o1, (r) => {
        const ok = expectationMet(r, 'r1-unavailable-with-its-site');
        return {
          verdict: holdsIf(ok),
          evidence: `${writes(r, 'home')} without site-1 (${met(ok)})`,
        };
      }),
      partFrom('at R=1 the data is lost with its site', single, o1, (r) => {
        const kept = checkPassed(r, 'acknowledged-writes');
        return {
          verdict: kept === undefined ? undefined : kept ? 'fails' : 'holds',
          evidence:
            `after the restart: ${checkEvidence(r, 'acknowledged-writes')} ` +
            '(unavailable, not lost: lost for good only with its store)',
        };
      }),
      partFrom('R=3 can be created on three sites', single, o1, (r) => {
        const refused = expectationMet(r, 'r3-refused-on-single-servers');
        return {
          verdict: refused === undefined ? undefined : refused ? 'fails' : 'holds',
          evidence: `on three sites of one server, creating R=3 refused with 10005 ${met(refused)}`,
        };
      }),
      partFrom('R=3 puts a replica in each site', home, o3, (r) => {
        const sites = figure(r, 'replicaSites');
        return {
          verdict: sites === undefined ? undefined : sites >= 3 ? 'holds' : 'fails',
          evidence: `the three replicas are in ${sites ?? '?'} site(s)`,
        };
      }),
      partFrom("losing a site other than the bucket's home changes nothing", home, o3, (r) => {
        const ok = expectationMet(r, 'other-site-loss-changes-nothing');
        return {
          verdict: holdsIf(ok),
          evidence: `${writes(r, 'other')} without site-3 (${met(ok)})`,
        };
      }),
      partFrom('R=3 keeps the bucket available when its home site is lost', home, o3, (r) => {
        const stops = expectationMet(r, 'home-site-loss-stops-kv');
        const back = figure(r, 'recoveryMs[home]');
        return {
          verdict: stops === undefined ? undefined : stops ? 'fails' : 'holds',
          evidence:
            `${writes(r, 'home')} without site-1 (every read and write failing ${met(stops)})` +
            (back === undefined ? '' : `; working ${back} ms after its restart`),
        };
      }),
      partFrom('no acknowledged write is lost with R=3', home, o3, (r) => ({
        verdict: holdsIf(checkPassed(r, 'acknowledged-writes')),
        evidence: checkEvidence(r, 'acknowledged-writes'),
      })),
      partFrom(
        "mirrors in the other sites keep the bucket's reads, not its writes, without the home site",
        mirrors,
        outcomes.get(mirrors),
        (r) => {
          const reads = expectationMet(r, 'mirror-reads-survive-home-loss');
          const writes = expectationMet(r, 'writes-fail-without-home');
          const both = reads === undefined || writes === undefined ? undefined : reads && writes;
          return {
            verdict: holdsIf(both),
            evidence:
              `without site-1: ${figure(r, 'readsOk[home]') ?? '?'} direct-get reads ok, ` +
              `${figure(r, 'writesOk[home]') ?? '?'} writes ok (the hardened answer, not the ADR's)`,
          };
        },
      ),
    ];
  },
};

const RESILIENCE: Claim = {
  id: 'resilience',
  claim: 'agents can fail over to any site in the supercluster and find their credentials and data',
  scenarios: ['resilience'],
  judge(outcomes) {
    const s = 'resilience';
    const o = outcomes.get(s);
    return [
      partFrom('the agent finds its credentials at every surviving site', s, o, (r) => ({
        verdict: holdsIf(checkPassed(r, 'credential-continuity')),
        evidence: checkEvidence(r, 'credential-continuity'),
      })),
      partFrom('the agent fails over when its own site is lost', s, o, (r) => {
        const ok = expectationMet(r, 'agent-site-loss-fails-over');
        const ms = figure(r, 'firstOkWithoutSiteMs[agent]');
        return {
          verdict: holdsIf(ok),
          evidence:
            `working without site-2 ${met(ok)}` + (ms === undefined ? '' : ` after ${ms} ms`),
        };
      }),
      partFrom(
        "the agent finds its data when a site other than the bucket's home is lost",
        s,
        o,
        (r) => {
          const ok = expectationMet(r, 'other-site-loss-finds-data');
          return {
            verdict: holdsIf(ok),
            evidence: `every read and write without site-3 ok ${met(ok)}`,
          };
        },
      ),
      partFrom("the agent finds its data when the bucket's home site is lost", s, o, (r) => {
        const lost = expectationMet(r, 'home-site-loss-loses-data');
        return {
          verdict: lost === undefined ? undefined : lost ? 'fails' : 'holds',
          evidence:
            `without site-1 ${figure(r, 'readsOk[home]') ?? '?'} reads and ${figure(r, 'writesOk[home]') ?? '?'} ` +
            `writes ok, ${figure(r, 'readsFailed[home]') ?? '?'} and ${figure(r, 'writesFailed[home]') ?? '?'} failed`,
        };
      }),
    ];
  },
};

const SECURITY: Claim = {
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

const OPERATIONS: Claim = {
  id: 'operations',
  claim:
    'the agent keeps its persistent connection and its KV operations through routine ' +
    'operations: a rolling restart of every server, WAN latency between sites',
  scenarios: ['rolling-restart', 'wan-latency'],
  judge(outcomes) {
    const restart = 'rolling-restart';
    const wan = 'wan-latency';
    return [
      partFrom(
        'a rolling restart of every server loses no acknowledged write',
        restart,
        outcomes.get(restart),
        (r) => ({
          verdict: holdsIf(checkPassed(r, 'acknowledged-writes')),
          evidence: `${figure(r, 'serversRestarted') ?? '?'} servers restarted; ${checkEvidence(r, 'acknowledged-writes')}`,
        }),
      ),
      partFrom(
        'the agent keeps working through the rolling restart',
        restart,
        outcomes.get(restart),
        (r) => ({
          verdict: holdsIf(checkPassed(r, 'credential-continuity')),
          evidence: `${checkEvidence(r, 'credential-continuity')}; ${checkEvidence(r, 'availability')}`,
        }),
      ),
      partFrom(
        'KV operations keep working with WAN latency between sites',
        wan,
        outcomes.get(wan),
        (r) => ({
          verdict: holdsIf(r.verdict === 'pass' ? true : r.verdict === 'fail' ? false : undefined),
          evidence:
            `scenario ${r.verdict}; p50 ${figure(r, 'p50LatencyMsBefore') ?? '?'} ms before, ` +
            `${figure(r, 'p50LatencyMsDuring') ?? '?'} ms with ${figure(r, 'gatewayRoundTripMs') ?? '?'} ms gateway round trips`,
        }),
      ),
    ];
  },
};

const CREDENTIAL_ROTATION: Claim = {
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

const CONFIGURATION_DRIFT: Claim = {
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

const SCALABILITY: Claim = {
  id: 'scalability',
  claim: 'Site-4 or Site-5 can be added simply by copying the HARMONY account definition',
  scenarios: ['scalability'],
  judge(outcomes) {
    const s = 'scalability';
    const o = outcomes.get(s);
    return [
      partFrom('a fourth site with a copy of the account definition joins', s, o, (r) => {
        const sites = figure(r, 'sites');
        return {
          verdict: sites === undefined ? undefined : sites === 4 ? 'holds' : 'fails',
          evidence: `the supercluster formed with ${sites ?? '?'} sites; ${checkEvidence(r, 'credential-continuity')}`,
        };
      }),
      partFrom('the agent works on the new site', s, o, (r) => {
        const ok = expectationMet(r, 'agent-works-on-new-site');
        return {
          verdict: holdsIf(ok),
          evidence: `every operation from site-4 ok ${met(ok)} (${figure(r, 'okOnNewSite') ?? '?'} ok there)`,
        };
      }),
    ];
  },
};

/** Every claim of ADR 019 the suite reads, in the ADR's order. */
export const ADR_019_CLAIMS: readonly Claim[] = [
  SYSTEM_ACCOUNT,
  AUTHORIZATION_SYNC,
  KV_REPLICATION,
  PERMISSIONS,
  RESILIENCE,
  SECURITY,
  OPERATIONS,
  SCALABILITY,
  CONFIGURATION_DRIFT,
  CREDENTIAL_ROTATION,
];
