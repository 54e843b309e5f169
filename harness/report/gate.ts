/**
 * The release gate: each rule of a policy against the run's figure (and a baseline run's),
 * with a verdict per rule and for the whole. Exit codes as Jepsen has them: 0 pass, 1 fail,
 * 2 unknown. A figure that could not be measured, or may be an undercount, is never a pass.
 */
import { combineVerdicts } from '../checks/index.ts';
import type { Verdict } from '../history/types.ts';
import {
  failedChecks,
  lockouts,
  lostWrites,
  staleReadRate,
  unavailableByFaultKind,
  wanLatency,
  type Figure,
} from './gate-figures.ts';
import type { Policy, Regression, Rule } from './gate-policy.ts';
import { formatFigure } from './markup.ts';
import type { RunResults } from './results-file.ts';
import type { ScenarioHistories } from './scenario-histories.ts';

/** A run as the gate reads it: results.json and the scenario histories beside it. */
export interface GateRun {
  results: RunResults;
  stored: ScenarioHistories;
}

/** One rule's outcome. */
export interface GateRow {
  /** The rule for people: `lost acknowledged writes`, `unavailable under kill (ms)`. */
  rule: string;
  figure?: number;
  max?: number;
  baseline?: number;
  /** The most the baseline allows, when the rule compares with one. */
  allowed?: number;
  verdict: Verdict;
  /** Why the verdict is what it is, when it is not a plain pass. */
  reasons: string[];
  /** The records behind the figure, for a rule that did not pass. */
  evidence: string[];
}

/** Every rule's row, and the verdict of the whole: any fail fails, else any unknown. */
export interface GateOutcome {
  verdict: Verdict;
  rows: GateRow[];
}

/** Judges `run` by `policy`, comparing with `baseline` where the policy allows a regression. */
export function evaluateGate(policy: Policy, run: GateRun, baseline?: GateRun): GateOutcome {
  const current = measure(policy, inScope(policy, run));
  const before = baseline === undefined ? undefined : measure(policy, inScope(policy, baseline));
  const rows = current.map(({ rule, spec, figure }, i) =>
    judge(rule, spec, policy.regression, figure, before?.[i]?.figure, baseline !== undefined),
  );
  const missing = missingScenarios(policy, run);
  if (missing.length > 0) {
    rows.unshift({
      rule: 'scenarios the policy reads, missing',
      figure: missing.length,
      verdict: 'unknown',
      reasons: [`the run has no ${missing.join(', ')}: the figures leave it out`],
      evidence: [],
    });
  }
  return { verdict: combineVerdicts(rows.map((r) => r.verdict)), rows };
}

/** `run` with only the scenarios the policy reads. */
function inScope(policy: Policy, run: GateRun): GateRun {
  if (policy.scenarios === undefined) return run;
  const wanted = new Set(policy.scenarios);
  const scenarios = run.results.scenarios.filter((s) => wanted.has(s.name));
  return { ...run, results: { ...run.results, scenarios } };
}

function missingScenarios(policy: Policy, run: GateRun): string[] {
  const present = new Set(run.results.scenarios.map((s) => s.name));
  return (policy.scenarios ?? []).filter((name) => !present.has(name));
}

/** Every rule of the policy, in the policy's order, with its figure measured on `run`. */
function measure(policy: Policy, { results, stored }: GateRun) {
  const rules: { rule: string; spec: Rule; figure: Figure }[] = [];
  const { rules: r } = policy;
  if (r.failedChecks)
    rules.push({ rule: 'failed checks', spec: r.failedChecks, figure: failedChecks(results) });
  if (r.lostWrites)
    rules.push({
      rule: 'lost acknowledged writes',
      spec: r.lostWrites,
      figure: lostWrites(results, stored),
    });
  if (r.lockouts)
    rules.push({ rule: 'lockouts', spec: r.lockouts, figure: lockouts(results, stored) });
  if (r.staleReadRate)
    rules.push({
      rule: 'stale-read rate',
      spec: r.staleReadRate,
      figure: staleReadRate(results, stored),
    });
  if (r.unavailableMs) {
    const byKind = unavailableByFaultKind(results, stored, Object.keys(r.unavailableMs));
    for (const [kind, spec] of Object.entries(r.unavailableMs)) {
      const figure = byKind.get(kind)!;
      rules.push({ rule: `longest unavailability under ${kind} (ms)`, spec: spec!, figure });
    }
  }
  if (r.wanLatencyMs) {
    const latency = wanLatency(results, stored);
    for (const p of ['p50', 'p99'] as const) {
      const spec = r.wanLatencyMs[p];
      if (spec)
        rules.push({ rule: `${p} latency under WAN faults (ms)`, spec, figure: latency[p] });
    }
  }
  return rules;
}

function judge(
  rule: string,
  spec: Rule,
  defaultRegression: Regression | undefined,
  figure: Figure,
  baseline: Figure | undefined,
  hasBaseline: boolean,
): GateRow {
  const row: GateRow = { rule, verdict: 'pass', reasons: [], evidence: [], max: spec.max };
  const verdicts: Verdict[] = [];
  const value = figure.value;
  row.figure = value;
  row.baseline = baseline?.value;

  if (value === undefined) {
    return { ...row, verdict: 'unknown', reasons: ['not measured: ' + figure.why.join('; ')] };
  }
  if (spec.max !== undefined) {
    const over = value > spec.max;
    verdicts.push(over ? 'fail' : 'pass');
    if (over)
      row.reasons.push(`${formatFigure(value)} is over the limit of ${formatFigure(spec.max)}`);
  }

  const regression = spec.regression ?? defaultRegression;
  if (regression !== undefined && hasBaseline) {
    if (baseline?.value === undefined) {
      verdicts.push('unknown');
      row.reasons.push(`the baseline does not measure it: ${baseline?.why.join('; ')}`);
    } else {
      row.allowed = allowedFrom(baseline.value, regression);
      const worse = value > row.allowed;
      verdicts.push(worse ? 'fail' : 'pass');
      if (worse) {
        row.reasons.push(
          `${formatFigure(value)} is worse than the baseline's ${formatFigure(baseline.value)} ` +
            `by more than allowed (up to ${formatFigure(row.allowed)})`,
        );
      }
    }
  }
  if (verdicts.length === 0) {
    verdicts.push('unknown');
    row.reasons.push('the rule has no max and no baseline to compare with');
  }

  // An undercount can still prove a fail, never a pass.
  if (!figure.complete && !verdicts.includes('fail')) {
    verdicts.push('unknown');
    row.reasons.push(`may be an undercount: ${figure.why.join('; ')}`);
  }
  row.verdict = combineVerdicts(verdicts);
  if (row.verdict !== 'pass') row.evidence = figure.evidence;
  return row;
}

/** The most a figure may be, given the baseline's: the larger of the ratio and the absolute. */
export function allowedFrom(baseline: number, { ratio = 1, absolute = 0 }: Regression): number {
  return Math.max(baseline * ratio, baseline + absolute);
}

/** The gate's table for people: rule, figure, limit, baseline, verdict; then why, per rule. */
export function formatGateTable(policy: Policy, outcome: GateOutcome, runDir: string): string {
  const show = (n: number | undefined) => (n === undefined ? '-' : formatFigure(n));
  const rows = [
    ['rule', 'figure', 'limit', 'baseline', 'verdict'],
    ...outcome.rows.map((r) => [
      r.rule,
      show(r.figure),
      r.max === undefined ? '-' : `<= ${show(r.max)}`,
      r.baseline === undefined
        ? '-'
        : `${show(r.baseline)}${r.allowed === undefined ? '' : ` (<= ${show(r.allowed)})`}`,
      r.verdict.toUpperCase(),
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();

  const details = outcome.rows
    .filter((r) => r.verdict !== 'pass')
    .flatMap((r) => [
      '',
      `${r.rule}: ${r.verdict.toUpperCase()}`,
      ...r.reasons.map((why) => `  ${why}`),
      ...r.evidence.map((e) => `  - ${e}`),
    ]);
  return [
    `gate ${policy.name} on ${runDir}: ${outcome.verdict.toUpperCase()}`,
    '',
    ...rows.map(line),
    ...details,
  ].join('\n');
}
