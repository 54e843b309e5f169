import type { CheckResult, Evidence, FaultRecord, History, Verdict } from '../history/types.ts';
import { MUTATIONS, pairOperations, type Operation } from './operations.ts';

/** The checker's name in the registry and in results. */
export const AVAILABILITY = 'availability';

/** Options of `checkAvailability`. */
export interface AvailabilityOptions {
  /** Fail when reads or writes were unavailable longer than this, in one window. */
  maxUnavailableMs?: number;
}

/** A stretch of time in which one process's reads (or writes) did not succeed. */
export interface UnavailableWindow {
  kind: 'read' | 'write';
  process: string;
  /** Sites the process was on during the window (or last before it), when known. */
  sites: string[];
  /** Invoke time of the first operation that did not succeed, ms. */
  start: number;
  /** Completion time of the last one (end of the history if it never completed), ms. */
  end: number;
  /** The records of the operations in the window. */
  records: number[];
  /** Indexes of the faults whose lifetime overlaps the window. */
  faults: number[];
  /** How many operations of each error class (`info` without error: `unknown`). */
  errors: Record<string, number>;
}

/** JetStream's "wrong last sequence": a refused update or create, so the service answered. */
const WRONG_LAST_SEQUENCE = 10071;

/**
 * The unavailability windows of a history: per process, for reads (`get`) and writes (`put`,
 * `create`, `update`, `delete`) apart, each run of consecutive operations that failed or were
 * `info` becomes one window, lined up with the faults overlapping it. A refused update or create
 * (wrong last sequence) is an answer, not unavailability, and ends a window like an `ok`.
 */
export function unavailableWindows(history: History): UnavailableWindow[] {
  const historyEnd = history.records.at(-1)?.time ?? 0;
  const windows: UnavailableWindow[] = [];
  const streams = new Map<string, Operation[]>();

  for (const operation of pairOperations(history)) {
    const kind = kindOf(operation);
    if (kind === undefined) continue;
    const stream = `${kind}\u0000${operation.invoke.process}`;
    streams.set(stream, [...(streams.get(stream) ?? []), operation]);
  }

  for (const [stream, operations] of streams) {
    const [kind, process] = stream.split('\u0000') as ['read' | 'write', string];
    let current: Operation[] = [];
    let lastSite: string | undefined;
    const close = () => {
      if (current.length > 0) {
        windows.push(toWindow(kind, process, current, lastSite, history.faults, historyEnd));
      }
      current = [];
    };

    for (const operation of operations) {
      if (answered(operation)) {
        close();
        lastSite = operation.completion?.site ?? lastSite;
      } else {
        if (current.length === 0) lastSite = lastSite ?? operation.invoke.site;
        current.push(operation);
      }
    }
    close();
  }
  return windows.sort((a, b) => a.start - b.start);
}

/**
 * Availability, reported rather than judged: the verdict is `pass` whatever the windows, with
 * the longest window of reads and of writes and their counts as figures, because how long a
 * fault may interrupt service is the scenario's decision, not the checker's. Given
 * `maxUnavailableMs`, a longer window fails. `unknown` when there is no read or write at all.
 */
export function checkAvailability(
  history: History,
  options: AvailabilityOptions = {},
): CheckResult {
  const operations = pairOperations(history).filter((op) => kindOf(op) !== undefined);
  const windows = unavailableWindows(history);
  const figures: Record<string, number> = {
    longestReadUnavailableMs: 0,
    longestWriteUnavailableMs: 0,
    readWindows: 0,
    writeWindows: 0,
  };

  for (const window of windows) {
    const longest = `longest${window.kind === 'read' ? 'Read' : 'Write'}UnavailableMs`;
    const length = window.end - window.start;
    figures[`${window.kind}Windows`] = (figures[`${window.kind}Windows`] ?? 0) + 1;
    for (const figure of [longest, ...window.sites.map((site) => `${longest}[${site}]`)]) {
      figures[figure] = Math.max(figures[figure] ?? 0, length);
    }
  }

  const limit = options.maxUnavailableMs;
  const tooLong = limit === undefined ? [] : windows.filter((w) => w.end - w.start > limit);
  const verdict: Verdict =
    operations.length === 0 ? 'unknown' : tooLong.length > 0 ? 'fail' : 'pass';
  const summary =
    operations.length === 0
      ? 'no read or write to measure'
      : `reads unavailable at most ${Math.round(figures.longestReadUnavailableMs!)} ms ` +
        `(${figures.readWindows} windows), writes at most ${Math.round(figures.longestWriteUnavailableMs!)} ms ` +
        `(${figures.writeWindows} windows)` +
        (limit === undefined ? '' : `; ${tooLong.length} windows over ${limit} ms`);

  const evidence: Evidence[] = windows.map((window) => ({
    message:
      (tooLong.includes(window) ? `over ${limit} ms: ` : '') + describe(window, history.faults),
    records: window.records,
    faults: window.faults,
  }));
  return { name: AVAILABILITY, verdict, summary, evidence, figures };
}

function kindOf({ invoke }: Operation): 'read' | 'write' | undefined {
  if (invoke.op === 'get') return 'read';
  return MUTATIONS.has(invoke.op) ? 'write' : undefined;
}

function answered({ outcome, completion }: Operation): boolean {
  if (outcome === 'ok') return true;
  const error = completion?.error;
  return outcome === 'fail' && error?.class === 'jetstream' && error.code === WRONG_LAST_SEQUENCE;
}

function toWindow(
  kind: 'read' | 'write',
  process: string,
  operations: readonly Operation[],
  lastSite: string | undefined,
  faults: readonly FaultRecord[],
  historyEnd: number,
): UnavailableWindow {
  const start = operations[0]?.invoke.time ?? 0;
  const end = Math.max(...operations.map((op) => op.completion?.time ?? historyEnd));
  const sites = new Set(operations.flatMap((op) => op.completion?.site ?? []));
  if (sites.size === 0 && lastSite !== undefined) sites.add(lastSite);

  const errors: Record<string, number> = {};
  for (const { completion } of operations) {
    const kindOfError = completion?.error?.class ?? 'unknown';
    errors[kindOfError] = (errors[kindOfError] ?? 0) + 1;
  }

  return {
    kind,
    process,
    sites: [...sites].sort(),
    start,
    end,
    records: operations.flatMap(({ invoke, completion }) =>
      completion === undefined ? [invoke.index] : [invoke.index, completion.index],
    ),
    faults: faults
      .filter((f) => f.start <= end && (f.healed ?? f.end ?? Number.POSITIVE_INFINITY) >= start)
      .map((f) => f.index),
    errors,
  };
}

function describe(window: UnavailableWindow, faults: readonly FaultRecord[]): string {
  const where = window.sites.length > 0 ? ` (${window.sites.join(', ')})` : '';
  const count =
    window.records.length > 0 ? Object.values(window.errors).reduce((a, b) => a + b) : 0;
  const errors = Object.entries(window.errors)
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
  const overlapping = window.faults
    .map((index) => faults[index])
    .flatMap((f) => (f ? [`${f.index} (${f.kind})`] : []));
  return (
    `${window.kind}s of ${window.process}${where} unavailable from ${Math.round(window.start)} ` +
    `to ${Math.round(window.end)} ms (${Math.round(window.end - window.start)} ms): ${count} operations (${errors})` +
    (overlapping.length > 0 ? `; faults ${overlapping.join(', ')}` : '; no fault overlaps')
  );
}
