/**
 * ADR 019's claims about the data and the service: KV replication, resilience, routine
 * operations and scalability.
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

export const KV_REPLICATION: Claim = {
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

export const RESILIENCE: Claim = {
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

export const OPERATIONS: Claim = {
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

export const SCALABILITY: Claim = {
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
