/**
 * Operations: an `invoke` paired with its completion. Checkers reason about operations, not
 * about loose records, and this is the one place that decides what a missing completion means.
 */
import type {
  CompletionRecord,
  CompletionType,
  ErrorClass,
  History,
  InvokeRecord,
  OperationName,
} from '../history/types.ts';
import { isCompletion, isInvoke } from './records.ts';

/** One operation of the history, as a process invoked it and (maybe) saw it complete. */
export interface Operation {
  invoke: InvokeRecord;
  /** The `ok`/`fail`/`info` record, or undefined when the run ended (or crashed) before it. */
  completion: CompletionRecord | undefined;
  /**
   * The completion's type; `info` when there is no completion, because an operation that never
   * completed may or may not have taken effect, exactly like one that timed out.
   */
  outcome: CompletionType;
}

/** Operations that change a key's value and carry the value written. */
export const VALUE_WRITES: ReadonlySet<OperationName> = new Set(['put', 'create', 'update']);

/** Operations that change a key: the value writes and `delete`. */
export const MUTATIONS: ReadonlySet<OperationName> = new Set([...VALUE_WRITES, 'delete']);

/**
 * Error classes after which a `fail` still may have taken effect: the request may have reached
 * the server before the answer was lost. The agent records these as `info` already
 * (agent/classify-error.ts); a checker does not rely on every writer of histories doing so.
 */
const INDETERMINATE_ERRORS: ReadonlySet<ErrorClass> = new Set(['timeout', 'closed', 'connection']);

/**
 * Pairs every invoke with its completion, in invoke order. Assumes a history that
 * `parseHistory` accepted (each completion points at a matching invoke, at most once).
 */
export function pairOperations(history: History): Operation[] {
  const completions = new Map<number, CompletionRecord>();
  for (const record of history.records) {
    if (isCompletion(record)) completions.set(record.invoke, record);
  }

  const operations: Operation[] = [];
  for (const record of history.records) {
    if (!isInvoke(record)) continue;
    const completion = completions.get(record.index);
    operations.push({ invoke: record, completion, outcome: completion?.type ?? 'info' });
  }
  return operations;
}

/**
 * True when the operation may or may not have taken effect: `info`, no completion, or a `fail`
 * whose error leaves the doubt (timeout, closed or lost connection, no error at all).
 */
export function isIndeterminate(operation: Operation): boolean {
  if (operation.outcome === 'info') return true;
  if (operation.outcome === 'ok') return false;

  const error = operation.completion?.error;
  return error === undefined || INDETERMINATE_ERRORS.has(error.class);
}

/**
 * Index of the operation's completion record, or Infinity when it never completed: such an
 * operation may take effect at any point after its invoke, up to the end of the run.
 */
export function completionIndex(operation: Operation): number {
  return operation.completion?.index ?? Number.POSITIVE_INFINITY;
}
