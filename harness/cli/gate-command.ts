/**
 * `nats-chaos gate --policy FILE [--baseline results.json] <run-dir>`: judges a stored run by a
 * release policy, prints a table of every rule and exits 0 pass, 1 fail, 2 unknown.
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { evaluateGate, formatGateTable, type GateRun } from '../report/gate.ts';
import { readPolicy } from '../report/gate-policy.ts';
import { exitCodeFor, readResults } from '../report/results-file.ts';
import { loadScenarioHistories } from '../report/scenario-histories.ts';

/** The flags of `gate`: the policy file, and a baseline run's results.json or directory. */
export interface GateFlags {
  policy: string;
  baseline?: string;
}

/** Where `gateCommand` writes; tests replace it. */
export interface GateIo {
  out?: (text: string) => void;
}

/**
 * Reads the policy, the run's `results.json` and histories (and the baseline's, given a
 * baseline `results.json` or the run directory holding it), prints the gate's table and
 * returns its exit code. Throws `PolicyError` for a bad policy, `UsageError` for a run
 * directory without `results.json`, `ResultsFileError` for one that cannot be read.
 */
export async function gateCommand(runDir: string, flags: GateFlags, io: GateIo = {}) {
  const out = io.out ?? ((text: string) => process.stdout.write(text));
  const policy = await readPolicy(flags.policy);
  const run = await openRun(resolve(runDir), '<run-dir>');
  const baseline =
    flags.baseline === undefined ? undefined : await openRun(resolve(flags.baseline), '--baseline');

  const outcome = evaluateGate(policy, run.run, baseline?.run);
  out(`${formatGateTable(policy, outcome, run.dir)}\n`);
  if (baseline) out(`baseline: ${baseline.file}\n`);
  return exitCodeFor(outcome.verdict);
}

/** A run directory, or a results.json file, with the histories beside it. */
async function openRun(
  path: string,
  flag: string,
): Promise<{ dir: string; file: string; run: GateRun }> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
  if (isDir === undefined) throw new UsageError(flag, `${path} does not exist`);
  const file = isDir ? join(path, 'results.json') : path;
  const dir = isDir ? path : dirname(path);
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    throw new UsageError(
      flag,
      `no results.json in ${dir}; pass a run directory written by 'nats-chaos run'`,
    );
  }
  const results = await readResults(file);
  return { dir, file, run: { results, stored: await loadScenarioHistories(dir, results) } };
}
