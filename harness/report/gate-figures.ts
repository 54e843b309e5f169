/**
 * The figures a release gate judges, measured from a run. A check's figure comes from the
 * scenarios that ran that check (a scenario that did not run it makes no claim about it: the
 * ADR-claim scenarios lock clients out on purpose), as results.json recorded it, or judged again
 * from the stored history when the recorded check lacks the figure; checkers are pure functions
 * of a history. Figures no checker emits (unavailability per fault kind, latency under WAN
 * faults) are measured from the histories. A figure that cannot be measured has no value; one
 * that may be an undercount (a scenario the harness could not finish, an undecided check, a
 * history missing) is marked incomplete, so the gate never passes on it.
 */
import {
  checkAcknowledgedWrites,
  checkCredentialContinuity,
  checkKvConsistency,
  pairOperations,
  unavailableWindows,
} from '../checks/index.ts';
import { MUTATIONS } from '../checks/operations.ts';
import type { CheckResult, FaultRecord, History, Verdict } from '../history/types.ts';
import { percentile } from '../scenario/window-figures.ts';
import { describeEvidence } from './junit-report.ts';
import type { RunResults } from './results-file.ts';
import type { ScenarioHistories } from './scenario-histories.ts';

/** Evidence shown per check behind a figure; junit.xml and report.html have all of it. */
const SHOWN_EVIDENCE = 5;

/** One measured figure. */
export interface Figure {
  /** Absent when nothing in the run measures it. */
  value?: number;
  /** False when the value may be an undercount; `why` says what is missing. */
  complete: boolean;
  why: string[];
  /** Lines pointing at the records behind the figure, as `scenario/check: evidence`. */
  evidence: string[];
}

type ScenarioResults = RunResults['scenarios'][number];
type RecordedCheck = Pick<CheckResult, 'name' | 'verdict' | 'summary' | 'figures'> & {
  evidence: unknown[];
};

/**
 * A scenario's result of the check `name`: as recorded when it holds the figures `needs`, else
 * judged again from the history (a results.json written before the checker had that figure).
 * Undefined `check` when the scenario did not run the check: it makes no claim about it.
 */
function checkOf(
  scenario: ScenarioResults,
  stored: ScenarioHistories,
  name: string,
  judge: (history: History) => CheckResult,
  needs: readonly string[],
): { check?: RecordedCheck; problem?: string } {
  const recorded = scenario.checks.find((c) => c.name === name);
  if (recorded === undefined) return {};
  if (needs.every((f) => typeof recorded.figures[f] === 'number')) return { check: recorded };

  const history = stored.histories.get(scenario.name);
  if (history !== undefined) return { check: judge(history) };
  const why = stored.missing.get(scenario.name) ?? 'no history';
  return { problem: `${name} recorded without ${needs.join(', ')} and ${why}` };
}

/**
 * Sums a check figure over the scenarios that ran the check; no such scenario: not measured.
 * `undecided` says when a scenario's count may be low.
 */
function summed(
  results: RunResults,
  stored: ScenarioHistories,
  name: string,
  judge: (history: History) => CheckResult,
  figure: string,
  undecided: (scenario: ScenarioResults, verdict: Verdict) => string | undefined,
  counted = false,
): Figure {
  const out: Figure = { complete: true, why: [], evidence: [] };
  for (const scenario of results.scenarios) {
    const { check, problem } = checkOf(scenario, stored, name, judge, [figure]);
    if (problem !== undefined) {
      out.complete = false;
      out.why.push(`${scenario.name}: ${problem}`);
    }
    if (check === undefined) continue;

    const value = check.figures[figure]!;
    out.value = (out.value ?? 0) + value;
    const doubt = undecided(scenario, check.verdict);
    if (doubt !== undefined) {
      out.complete = false;
      out.why.push(`${scenario.name}: ${doubt}`);
    }
    if (value > 0) {
      out.evidence.push(...evidenceOf(scenario.name, check, counted ? value : undefined));
    }
  }
  if (out.value === undefined) out.why.push(`no scenario of the run judged ${name}`);
  return out;
}

/**
 * The first pieces of a check's evidence. `count`: the figure counts findings, which the
 * checkers list before their notes, so only that many are about it.
 */
function evidenceOf(scenario: string, check: RecordedCheck, count?: number): string[] {
  const about = Math.min(SHOWN_EVIDENCE, count ?? SHOWN_EVIDENCE);
  const shown = check.evidence.slice(0, about).map((e) => describeEvidence(e).slice(2));
  const more = (count ?? check.evidence.length) - shown.length;
  const lines = shown.map((line) => `${scenario}/${check.name}: ${line}`);
  return more > 0 ? [...lines, `${scenario}/${check.name}: ${more} more in junit.xml`] : lines;
}

const unfinished = (s: ScenarioResults) => (s.reason ? `could not decide: ${s.reason}` : undefined);

/** Checks that failed, over the run; undecided ones leave the count incomplete. */
export function failedChecks(results: RunResults): Figure {
  const out: Figure = { value: 0, complete: true, why: [], evidence: [] };
  for (const scenario of results.scenarios) {
    const doubt = unfinished(scenario);
    if (doubt) out.why.push(`${scenario.name}: ${doubt}`);
    for (const check of scenario.checks) {
      if (check.verdict === 'unknown') out.why.push(`${scenario.name}/${check.name}: unknown`);
      if (check.verdict !== 'fail') continue;
      out.value! += 1;
      out.evidence.push(`${scenario.name}/${check.name}: ${check.summary}`);
    }
  }
  out.complete = out.why.length === 0;
  return out;
}

/** Acknowledged writes lost. An undecided acknowledged-writes check may hide more. */
export function lostWrites(results: RunResults, stored: ScenarioHistories): Figure {
  return summed(
    results,
    stored,
    'acknowledged-writes',
    checkAcknowledgedWrites,
    'lost',
    (s, v) =>
      unfinished(s) ?? (v === 'unknown' ? 'acknowledged-writes could not decide' : undefined),
    true,
  );
}

/** Connections closed for good after authorization errors. */
export function lockouts(results: RunResults, stored: ScenarioHistories): Figure {
  return summed(
    results,
    stored,
    'credential-continuity',
    checkCredentialContinuity,
    'lockouts',
    unfinished,
    true,
  );
}

/** Stale reads over ok gets, pooled over the scenarios that judge KV consistency. */
export function staleReadRate(results: RunResults, stored: ScenarioHistories): Figure {
  // Stale reads are only counted here, never judged, so they must not fail the judging check.
  const judge = (history: History) => checkKvConsistency(history, { allowStaleReads: true });
  const stale = summed(results, stored, 'kv-consistency', judge, 'staleReads', unfinished);
  const gets = summed(results, stored, 'kv-consistency', judge, 'okGets', unfinished);
  const why = [...new Set([...stale.why, ...gets.why])];
  if (!gets.value) {
    const none = gets.value === undefined ? [] : ['no ok get in those scenarios'];
    return { complete: false, why: [...why, ...none], evidence: [] };
  }
  const value = (stale.value ?? 0) / gets.value;
  return { value, complete: stale.complete && gets.complete, why, evidence: stale.evidence };
}

/**
 * The longest window in which a process could not read or write, per kind of fault whose
 * lifetime overlaps it, over every scenario. A kind of fault the run did not inject has no
 * value: the gate cannot tell how the deployment copes with it.
 */
export function unavailableByFaultKind(
  results: RunResults,
  stored: ScenarioHistories,
  kinds: readonly string[],
): Map<string, Figure> {
  const figures = new Map<string, Figure>();
  const missing: string[] = [];
  for (const scenario of results.scenarios) {
    const history = stored.histories.get(scenario.name);
    if (history === undefined) {
      missing.push(`${scenario.name}: ${stored.missing.get(scenario.name) ?? 'no history'}`);
      continue;
    }
    const doubt = unfinished(scenario);
    for (const fault of history.faults) {
      const figure = figures.get(fault.kind) ?? { value: 0, complete: true, why: [], evidence: [] };
      if (doubt) figure.why.push(`${scenario.name}: ${doubt}`);
      figures.set(fault.kind, figure);
    }
    for (const window of unavailableWindows(history)) {
      const length = window.end - window.start;
      for (const kind of new Set(window.faults.map((i) => history.faults[i]!.kind))) {
        const figure = figures.get(kind)!;
        if (length <= (figure.value ?? 0)) continue;
        figure.value = length;
        const faults = window.faults.join(', ');
        figure.evidence = [
          `${scenario.name}: ${window.kind}s of ${window.process} unavailable for ` +
            `${Math.round(length)} ms (records ${window.records.join(', ')}; faults ${faults})`,
        ];
      }
    }
  }
  for (const kind of kinds) {
    if (figures.has(kind)) continue;
    figures.set(kind, { complete: false, why: [`no ${kind} fault in this run`], evidence: [] });
  }
  for (const figure of figures.values()) {
    figure.why.push(...missing);
    figure.why = [...new Set(figure.why)];
    figure.complete = figure.why.length === 0;
  }
  return figures;
}

/**
 * Latency of ok reads and writes invoked while a latency fault was in effect (from verified to
 * ended) on a link the operation crossed, pooled over every scenario, as the p50 and p99 by
 * nearest rank. An operation crosses the gateway from the site its client was connected to
 * to the bucket's home site (where the replicas were at the end); one served in the home site
 * crosses none, and a fault on a third site's links does not touch it. Where the history does
 * not say (no replica records, no site), every operation under the fault counts.
 */
export function wanLatency(
  results: RunResults,
  stored: ScenarioHistories,
): Record<'p50' | 'p99', Figure> {
  const samples: number[] = [];
  const why: string[] = [];
  for (const scenario of results.scenarios) {
    const history = stored.histories.get(scenario.name);
    if (history === undefined) {
      why.push(`${scenario.name}: ${stored.missing.get(scenario.name) ?? 'no history'}`);
      continue;
    }
    const end = history.records.at(-1)?.time ?? 0;
    const homeSites = new Set(
      history.records.flatMap((r) =>
        r.type === 'observation' && r.op === 'replica' ? [r.site] : [],
      ),
    );
    const faults = history.faults.filter((f) => f.kind === 'latency' && f.effective !== undefined);
    const windows = faults.map((f) => [f.effective!, f.end ?? end, f.target] as const);
    if (windows.length > 0 && scenario.reason)
      why.push(`${scenario.name}: ${unfinished(scenario)}`);
    for (const { invoke, completion, outcome } of pairOperations(history)) {
      const readOrWrite = invoke.op === 'get' || MUTATIONS.has(invoke.op);
      if (!readOrWrite || outcome !== 'ok' || completion === undefined) continue;
      const site = completion.site ?? invoke.site;
      const under = windows.some(
        ([from, to, target]) =>
          invoke.time >= from && invoke.time < to && crosses(site, homeSites, target),
      );
      if (!under) continue;
      samples.push(completion.time - invoke.time);
    }
  }
  const figure = (p: number): Figure =>
    samples.length === 0
      ? {
          complete: false,
          why: [...why, 'no ok read or write under a latency fault'],
          evidence: [],
        }
      : {
          value: Math.round(percentile(samples, p)),
          complete: why.length === 0,
          why,
          evidence: [`${samples.length} ok reads and writes under latency faults`],
        };
  return { p50: figure(50), p99: figure(99) };
}

/** Whether an operation from `site` to the home site crosses a link the fault `target` slows. */
function crosses(
  site: string | undefined,
  homeSites: ReadonlySet<string>,
  target: FaultRecord['target'],
): boolean {
  if (site === undefined || homeSites.size === 0) return true;
  if (homeSites.has(site)) return false;
  const path = new Set([site, ...homeSites]);
  if (target.site !== undefined) return path.has(target.site);
  const ends = /^(site-\d+)->(site-\d+)$/.exec(target.link ?? '');
  return ends ? path.has(ends[1]!) && path.has(ends[2]!) : true;
}
