/**
 * Reading a stored run: `history.jsonl` and `faults.jsonl` into a `History`, refusing anything a
 * checker could misread (a malformed line, no meta record, a newer format, a completion without
 * its invoke) and tolerating only what a crash leaves behind: a cut-off last line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  HISTORY_FORMAT_VERSION,
  type FaultRecord,
  type History,
  type HistoryRecord,
  type InvokeRecord,
  type MetaRecord,
} from '../history/types.ts';
import { checkFault, checkRecord, type Checked } from './history-schema.ts';
import { isCompletion, isInvoke } from './records.ts';

/** What is wrong with a history file, for callers that branch on it. */
export type HistoryFormatProblem =
  | 'malformed-line'
  | 'invalid-record'
  | 'index-out-of-order'
  | 'missing-meta'
  | 'unsupported-version'
  | 'unpaired-completion';

/** A history or faults file that cannot be judged as it is. Names the file and the line. */
export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
  readonly code = 'HISTORY_FORMAT';

  constructor(
    readonly problem: HistoryFormatProblem,
    readonly file: string,
    /** 1-based line number, absent when the problem is the file as a whole. */
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${detail}`);
  }
}

/** The run directory holds no `history.jsonl`: the run never started or wrote elsewhere. */
export class HistoryNotFoundError extends Error {
  override readonly name = 'HistoryNotFoundError';
  readonly code = 'HISTORY_NOT_FOUND';

  constructor(readonly file: string) {
    super(`${file}: no such file; pass the directory of a run that wrote a history`);
  }
}

/** Something odd but harmless about a file, such as a last line cut off by a crash. */
export interface HistoryWarning {
  file: string;
  line?: number;
  message: string;
}

/** A parsed run: the history, and what was tolerated on the way. */
export interface ParsedHistory {
  history: History;
  warnings: HistoryWarning[];
}

/** The texts to parse, and the file names to put in errors and warnings. */
export interface HistorySources {
  history: string;
  /** Absent: the run recorded no faults file; the history is read with no faults. */
  faults?: string;
  historyFile?: string;
  faultsFile?: string;
}

/** Reads `history.jsonl` and (if present) `faults.jsonl` from a run directory. */
export async function readHistory(runDir: string): Promise<ParsedHistory> {
  const historyFile = join(runDir, 'history.jsonl');
  const faultsFile = join(runDir, 'faults.jsonl');

  const history = await readOptional(historyFile);
  if (history === undefined) throw new HistoryNotFoundError(historyFile);
  const faults = await readOptional(faultsFile);

  const parsed = parseHistory({ history, faults, historyFile, faultsFile });
  if (faults === undefined) {
    parsed.warnings.push({ file: faultsFile, message: 'no faults file; read as no faults' });
  }
  return parsed;
}

/**
 * Parses the texts of `history.jsonl` and `faults.jsonl`. Throws `HistoryFormatError` for
 * anything a checker could misread; returns warnings for what it tolerated.
 */
export function parseHistory(sources: HistorySources): ParsedHistory {
  const historyFile = sources.historyFile ?? 'history.jsonl';
  const faultsFile = sources.faultsFile ?? 'faults.jsonl';
  const warnings: HistoryWarning[] = [];

  const records = parseLines(sources.history, historyFile, checkRecord, warnings);
  const meta = checkMeta(records, historyFile);
  checkRecords(records, historyFile, warnings);

  const faults =
    sources.faults === undefined
      ? []
      : parseLines(sources.faults, faultsFile, checkFault, warnings);
  faults.forEach((fault, position) => {
    if (fault.value.index !== position) {
      throw outOfOrder(faultsFile, fault.line, position, fault.value.index);
    }
  });

  return {
    history: { meta, records: records.map((r) => r.value), faults: faults.map((f) => f.value) },
    warnings,
  };
}

/** Formats a history as the two JSON Lines texts `parseHistory` reads back. */
export function formatHistory(history: History): { history: string; faults: string } {
  const lines = (values: readonly unknown[]) =>
    values.map((v) => `${JSON.stringify(v)}\n`).join('');
  return { history: lines(history.records), faults: lines(history.faults) };
}

interface Line<T> {
  value: T;
  line: number;
}

function parseLines<T>(
  text: string,
  file: string,
  check: (value: unknown) => Checked<T>,
  warnings: HistoryWarning[],
): Line<T>[] {
  const lines = text.split('\n');
  // A writer ends every record with a newline; without one the last line may be cut short.
  const lastLine = text.endsWith('\n') ? -1 : lines.length;
  const parsed: Line<T>[] = [];

  for (const [position, raw] of lines.entries()) {
    const line = position + 1;
    const source = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (source.trim() === '') continue;

    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      if (line === lastLine) {
        warnings.push({ file, line, message: 'last line is incomplete (cut off); ignored' });
        continue;
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new HistoryFormatError('malformed-line', file, line, `not valid JSON: ${reason}`);
    }

    const checked = check(json);
    if (!checked.ok) throw new HistoryFormatError('invalid-record', file, line, checked.problem);
    parsed.push({ value: checked.value, line });
  }
  return parsed;
}

function checkMeta(records: Line<HistoryRecord>[], file: string): MetaRecord {
  const first = records[0];
  if (first === undefined || first.value.type !== 'meta') {
    const detail = 'the first record must be the meta record; is this a history file?';
    throw new HistoryFormatError('missing-meta', file, first?.line, detail);
  }

  const meta = first.value;
  if (meta.version > HISTORY_FORMAT_VERSION) {
    const detail =
      `history format version ${meta.version} is newer than the supported ` +
      `${HISTORY_FORMAT_VERSION}; judge it with the harness version that wrote it`;
    throw new HistoryFormatError('unsupported-version', file, first.line, detail);
  }
  return meta;
}

/** Dense indexes, a single meta record, every completion pointing at its own invoke. */
function checkRecords(records: Line<HistoryRecord>[], file: string, warnings: HistoryWarning[]) {
  const invokes = new Map<number, InvokeRecord>();
  const completed = new Set<number>();
  let lastTime = 0;

  for (const [position, { value: record, line }] of records.entries()) {
    if (record.index !== position) throw outOfOrder(file, line, position, record.index);
    if (record.type === 'meta' && position > 0) {
      throw new HistoryFormatError('invalid-record', file, line, 'a second meta record');
    }
    if (record.time < lastTime) {
      const message = `time goes back from ${lastTime} to ${record.time} ms`;
      warnings.push({ file, line, message });
    }
    lastTime = Math.max(lastTime, record.time);

    if (isInvoke(record)) invokes.set(record.index, record);
    if (!isCompletion(record)) continue;

    const invoke = invokes.get(record.invoke);
    const mismatch =
      invoke === undefined
        ? `points at record ${record.invoke}, which is not an earlier invoke`
        : invoke.process !== record.process || invoke.op !== record.op
          ? `points at invoke ${record.invoke} of ${invoke.process} ${invoke.op}, ` +
            `but is a completion of ${record.process} ${record.op}`
          : invoke.key !== undefined && record.key !== undefined && invoke.key !== record.key
            ? `names key ${record.key}, but invoke ${record.invoke} names key ${invoke.key}`
            : completed.has(record.invoke)
              ? `is a second completion of invoke ${record.invoke}`
              : undefined;
    if (mismatch !== undefined) {
      throw new HistoryFormatError('unpaired-completion', file, line, `completion ${mismatch}`);
    }
    completed.add(record.invoke);
  }
}

function outOfOrder(file: string, line: number, expected: number, found: number) {
  const detail = `index ${found} where ${expected} was expected; indexes must be dense from 0`;
  return new HistoryFormatError('index-out-of-order', file, line, detail);
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
