/**
 * `nats-chaos check <run-dir>`: judges a stored run again from its histories, starting nothing,
 * so that a checker fixed or added since can be tried on runs already recorded.
 */
import { join, resolve } from 'node:path';
import {
  combineVerdicts,
  HistoryNotFoundError,
  readHistory,
  runCheckers,
  type ParsedHistory,
} from '../checks/index.ts';
import type { History, MetaRecord, Verdict } from '../history/types.ts';
import { buildResults, exitCodeFor, writeResults } from '../report/results-file.ts';
import { formatVerdictTable } from '../report/verdict-table.ts';
import { writeRunReports } from '../report/write-reports.ts';
import type { Scenario, ScenarioResult } from '../scenario/scenario.ts';
import { CLAIMS, findScenario } from '../../scenarios/index.ts';
import { judgeClaims } from '../claims/claim.ts';
import { planChecks } from './check-plan.ts';
import { openStoredRun, type StoredRun } from './stored-run.ts';

/** Where `check` writes its results: beside the run's own `results.json`, which it keeps. */
export const CHECK_RESULTS_FILE = 'check-results.json';

/** Where `checkCommand` writes, and how it finds scenarios; tests replace them. */
export interface CheckIo {
  /** The verdict table and the results file's path. */
  out?: (text: string) => void;
  /** Progress: what was found, where each scenario's checks came from, warnings. */
  err?: (text: string) => void;
  findScenario?: (name: string) => Scenario | undefined;
}

/**
 * Runs the checkers on every scenario history in `runDir` (see `openStoredRun` for the layouts
 * accepted), prints the verdict table `run` prints, writes `check-results.json` into `runDir`
 * and returns the exit code `run` would: 0 every check passed, 1 one failed, 2 undecided.
 * A scenario `run` could not decide for a harness reason (`reason` in `results.json`) stays
 * undecided, whatever its checks say now: its history is not a complete test.
 *
 * Throws, before writing anything: `HistoryNotFoundError` for a missing directory or history,
 * `HistoryFormatError` (file and line) for a history or faults file that cannot be judged,
 * `ResultsFileError` for an unreadable `results.json`, and `UnknownCheckerError` or
 * `CheckerOptionsError` when the recorded checks no longer exist or take those options.
 */
export async function checkCommand(runDir: string, io: CheckIo = {}): Promise<number> {
  const out = io.out ?? ((text: string) => process.stdout.write(text));
  const err = io.err ?? ((text: string) => process.stderr.write(text));
  const say = (line: string) => err(`${line}\n`);

  const run = await openStoredRun(resolve(runDir));
  const count = run.scenarioDirs.length;
  say(
    `nats-chaos: checking ${count} scenario ${count === 1 ? 'history' : 'histories'} in ${run.dir}`,
  );

  // Every history is read before any is judged, so a bad file stops the check before output.
  const stored: { dir: string; parsed: ParsedHistory }[] = [];
  for (const dir of run.scenarioDirs) stored.push({ dir, parsed: await readHistory(dir) });
  const metas = stored.map((s) => s.parsed.history.meta);
  if (run.wholeRun) requireRecordedHistories(run, metas);

  // In the order the run judged them, so the table reads as it did; others after, by folder.
  const position = (name: string) => {
    const at = run.results?.scenarios.findIndex((s) => s.name === name) ?? -1;
    return at === -1 ? Number.MAX_SAFE_INTEGER : at;
  };
  const ordered = stored.toSorted(
    (a, b) => position(a.parsed.history.meta.scenario) - position(b.parsed.history.meta.scenario),
  );

  const results = ordered.map(({ dir, parsed: { history, warnings } }) => {
    for (const { file, line, message } of warnings) {
      const where = line === undefined ? file : `${file}:${line}`;
      say(`[${history.meta.scenario}] warning: ${where}: ${message}`);
    }
    return judgeScenario(history, dir, run, io.findScenario ?? findScenario, say);
  });

  const summary = buildResults(
    runSummary(run, metas, results),
    results,
    judgeClaims(CLAIMS, results),
  );
  const file = await writeResults(run.dir, summary, CHECK_RESULTS_FILE);
  const reports = await writeRunReports(run.dir, summary);
  out(`\n${formatVerdictTable(summary)}\n\nresults: ${file}\nreports: ${reports.join(', ')}\n`);
  return exitCodeFor(summary.verdict);
}

/**
 * Every scenario the run's results.json names must have its history: the run judged it from
 * one, so a missing one means the directory is incomplete and the check cannot be the same.
 */
function requireRecordedHistories(run: StoredRun, metas: readonly MetaRecord[]) {
  for (const { name } of run.results?.scenarios ?? []) {
    if (metas.some((m) => m.scenario === name)) continue;
    // `run` names each scenario's folder after the scenario.
    throw new HistoryNotFoundError(join(run.dir, name, 'history.jsonl'));
  }
}

function judgeScenario(
  history: History,
  dir: string,
  run: StoredRun,
  find: (name: string) => Scenario | undefined,
  say: (line: string) => void,
): ScenarioResult {
  const { meta } = history;
  const recorded = run.results?.scenarios.find((s) => s.name === meta.scenario);
  const plan = planChecks(meta.scenario, recorded, find);
  say(`[${meta.scenario}] ${plan.checks.join(', ') || 'no checks'}: ${plan.source}`);

  const checks = runCheckers(history, plan.checks, plan.options);
  const reason = recorded?.reason;
  const verdict: Verdict = reason ? 'unknown' : combineVerdicts(checks.map((c) => c.verdict));
  const lastTime = history.records.at(-1)?.time ?? 0;

  return {
    name: meta.scenario,
    runId: meta.runId,
    deployment: meta.deployment,
    backend: meta.backend,
    seed: meta.seed,
    verdict,
    ...(reason ? { reason } : {}),
    checks,
    checkOptions: plan.options,
    // The scenario's own figures and notes are not in the history; results.json kept them.
    figures: recorded?.figures ?? {},
    notes: [...(recorded?.notes ?? []), ...(plan.everyChecker ? [plan.source] : [])],
    runDir: dir,
    durationMs: recorded?.durationMs ?? Math.round(lastTime),
  };
}

/** The run-wide fields of the results: as `run` recorded them, else from the histories. */
function runSummary(
  run: StoredRun,
  metas: readonly MetaRecord[],
  scenarios: readonly ScenarioResult[],
) {
  if (run.results !== undefined) {
    const { deployment, backend, seed, startedAt, durationMs } = run.results;
    return { deployment, backend, seed, startedAt, durationMs };
  }
  // LIMITATION: without results.json the first history speaks for the whole run. `run` gives
  // every scenario of a run the same deployment, backend and seed, so only a directory
  // assembled by hand from several runs shows the wrong ones.
  const first = metas[0] as MetaRecord; // openStoredRun never returns a run without a history
  return {
    deployment: first.deployment,
    backend: first.backend,
    seed: first.seed,
    startedAt: metas.map((m) => m.startedAt).sort()[0] ?? first.startedAt,
    durationMs: scenarios.reduce((sum, s) => sum + s.durationMs, 0),
  };
}
