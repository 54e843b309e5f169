import type { Verdict } from '../history/types.ts';
import type { RunResults } from './results-file.ts';

/** How often one check (or a scenario as a whole) came out with each verdict over repeats. */
export interface VerdictTally {
  scenario: string;
  /** The check's name; `(scenario)` for the scenario's own verdict. */
  check: string;
  counts: Record<Verdict, number>;
  /** The verdict of each repetition in order; absent where the check did not run. */
  verdicts: (Verdict | null)[];
  /** More than one verdict came out of the same seed and deployment: not to be trusted. */
  flaky: boolean;
}

/** What `run --repeat N` concluded over its repetitions, written as `repeats.json`. */
export interface RepeatSummary {
  version: 1;
  repetitions: number;
  seed: number;
  deployment: string;
  backend: string;
  /** The worst verdict of any repetition: a repeat passes only when every repetition did. */
  verdict: Verdict;
  tallies: VerdictTally[];
  flaky: number;
}

const ORDER: Record<Verdict, number> = { pass: 0, unknown: 1, fail: 2 };

/**
 * Tallies the verdicts of every scenario and check over runs of the same seed. A check whose
 * verdict changed between them is flaky; one that did not run in some repetition (a scenario
 * that stopped early) counts as changed too, because its absence is itself an outcome.
 */
export function tallyRepeats(runs: readonly RunResults[]): RepeatSummary {
  if (runs.length === 0) throw new Error('tallyRepeats needs at least one run');
  const keys: [string, string][] = [];
  const seen = new Set<string>();
  const verdictOf = (run: RunResults, scenario: string, check: string): Verdict | null => {
    const s = run.scenarios.find((x) => x.name === scenario);
    if (!s) return null;
    if (check === '(scenario)') return s.verdict;
    return s.checks.find((c) => c.name === check)?.verdict ?? null;
  };
  for (const run of runs) {
    for (const s of run.scenarios) {
      for (const check of ['(scenario)', ...s.checks.map((c) => c.name)]) {
        const key = `${s.name}\u0000${check}`;
        if (!seen.has(key)) (seen.add(key), keys.push([s.name, check]));
      }
    }
  }

  const tallies = keys.map(([scenario, check]): VerdictTally => {
    const verdicts = runs.map((run) => verdictOf(run, scenario, check));
    const counts: Record<Verdict, number> = { pass: 0, fail: 0, unknown: 0 };
    for (const v of verdicts) if (v) counts[v]++;
    return { scenario, check, counts, verdicts, flaky: new Set(verdicts).size > 1 };
  });
  const verdict = runs
    .map((r) => r.verdict)
    .reduce((worst, v) => (ORDER[v] > ORDER[worst] ? v : worst), 'pass' as Verdict);
  const first = runs[0]!;
  return {
    version: 1,
    repetitions: runs.length,
    seed: first.seed,
    deployment: first.deployment,
    backend: first.backend,
    verdict,
    tallies,
    flaky: tallies.filter((t) => t.flaky).length,
  };
}

/** The table `run --repeat` prints: per check, how often each verdict came out. */
export function formatRepeatTable(summary: RepeatSummary): string {
  const rows = [['scenario', 'check', 'pass', 'fail', 'unknown', '']];
  for (const t of summary.tallies) {
    rows.push([
      t.check === '(scenario)' ? t.scenario : '',
      t.check,
      String(t.counts.pass),
      String(t.counts.fail),
      String(t.counts.unknown),
      t.flaky ? `FLAKY: ${t.verdicts.map((v) => v ?? 'not run').join(', ')}` : '',
    ]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const head =
    `${summary.repetitions} repetitions of seed ${summary.seed} on ${summary.deployment} ` +
    `(${summary.backend}): ${summary.verdict.toUpperCase()}, ` +
    (summary.flaky === 0
      ? 'every check gave one verdict'
      : `${summary.flaky} check(s) flaky: their verdict changed with nothing else changed`);
  return [head, '', ...lines].join('\n');
}
