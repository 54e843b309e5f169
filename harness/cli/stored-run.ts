/**
 * Finding what a stored run holds: the scenario folders with a `history.jsonl`, and the
 * `results.json` that `nats-chaos run` wrote beside them, without reading any history yet.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HistoryNotFoundError } from '../checks/index.ts';
import { UsageError } from '../errors.ts';
import { logger } from '../logger.ts';
import { readResults, type RunResults } from '../report/results-file.ts';

const log = logger('check');

/** A run directory as `check` sees it. */
export interface StoredRun {
  /** The directory that was passed, resolved. */
  dir: string;
  /** Folders holding a `history.jsonl`: `dir` itself, or its subfolders in name order. */
  scenarioDirs: string[];
  /** The run's `results.json`, when there is one. */
  results?: RunResults;
  /**
   * `dir` is a whole run, so every scenario its `results.json` names must have a history
   * there; false for a single scenario folder, which the parent's results only describe.
   */
  wholeRun: boolean;
}

/**
 * Opens `dir` as a stored run. Two layouts are accepted: a run directory as `run` writes it
 * (`results.json` and one folder per scenario), and a single scenario folder holding
 * `history.jsonl` itself, for which the parent's `results.json`, if readable, is used. Throws
 * `HistoryNotFoundError` when `dir` does not exist or holds no history, `UsageError` when it
 * is a file, and `ResultsFileError` when the run's own `results.json` cannot be read.
 */
export async function openStoredRun(dir: string): Promise<StoredRun> {
  const kind = await pathKind(dir);
  if (kind === 'missing') throw new HistoryNotFoundError(dir);
  if (kind === 'file') {
    throw new UsageError('<run-dir>', `${dir} is a file; pass the directory that holds it`);
  }

  if ((await pathKind(join(dir, 'history.jsonl'))) === 'file') {
    const results = await parentResults(dir);
    return { dir, scenarioDirs: [dir], ...(results ? { results } : {}), wholeRun: false };
  }

  const results = await optionalResults(join(dir, 'results.json'));
  const scenarioDirs = await foldersWithHistory(dir);
  if (scenarioDirs.length === 0) {
    // Name the history results.json promised, if it promised one: that is what is missing.
    const promised = results?.scenarios[0]?.name;
    const where = promised === undefined ? dir : join(dir, promised);
    throw new HistoryNotFoundError(join(where, 'history.jsonl'));
  }
  return { dir, scenarioDirs, ...(results ? { results } : {}), wholeRun: true };
}

async function foldersWithHistory(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
    .sort();
  const withHistory: string[] = [];
  for (const folder of folders) {
    if ((await pathKind(join(folder, 'history.jsonl'))) === 'file') withHistory.push(folder);
  }
  return withHistory;
}

async function optionalResults(file: string): Promise<RunResults | undefined> {
  if ((await pathKind(file)) !== 'file') return undefined;
  return readResults(file);
}

/**
 * The parent's `results.json`, which describes this folder if the folder is a scenario of a
 * run. Only a hint: the user pointed at the folder, not at the run, so a parent file that
 * cannot be read is ignored rather than fatal.
 */
async function parentResults(dir: string): Promise<RunResults | undefined> {
  const file = join(dirname(dir), 'results.json');
  try {
    return await optionalResults(file);
  } catch (error) {
    log('ignoring %s: %s', file, (error as Error).message);
    return undefined;
  }
}

async function pathKind(path: string): Promise<'missing' | 'file' | 'directory'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
