import type { CheckResult, Evidence, History, Verdict } from '../history/types.ts';
import { agentProcesses } from './agent-processes.ts';
import { writtenValues } from './observed-values.ts';
import {
  completionIndex,
  isIndeterminate,
  pairOperations,
  VALUE_WRITES,
  type Operation,
} from './operations.ts';
import { checkWatchDeliveries } from './watch-deliveries.ts';

/** The checker's name in the registry and in results. */
export const KV_CONSISTENCY = 'kv-consistency';

/** Options of `checkKvConsistency`. */
export interface KvConsistencyOptions {
  /**
   * Report stale reads (figures and evidence) without failing on them. Direct gets served by
   * mirrors or followers may lag the leader; set this when that is accepted, and watch the
   * `staleReadRate` figure instead. The rate is always reported, never hidden.
   */
  allowStaleReads?: boolean;
}

/**
 * Invariants of reads and watches of a KV bucket:
 * - monotonic reads: per key and reading process, the revisions of successive `ok` gets never
 *   go back (`nonMonotonicReads`);
 * - no stale read: an `ok` get does not return a revision older than an `ok` write to its key
 *   that completed before the get was invoked (`staleReads`, `staleReadRate` = stale / ok gets);
 *   "before" is record order, which is real-time order in a history written as it happens;
 * - a get returns only values some operation wrote (`unwrittenReads`);
 * - each watch delivers in strictly increasing revision order, once each, without a gap (see
 *   watch-deliveries.ts).
 * A get that returns no value is not stale, and not a step back, when a delete of the key
 * (acknowledged or indeterminate) could be ordered after the write or read it is compared with.
 *
 * `fail` on any violation, except stale reads with `allowStaleReads`; `unknown` when there is no
 * `ok` get and no watch delivery to judge, or when an external agent recorded no operation (only
 * the observer's watch of the bucket was judged, not what the agent read); else `pass`.
 */
export function checkKvConsistency(
  history: History,
  options: KvConsistencyOptions = {},
): CheckResult {
  const operations = pairOperations(history);
  const written = writtenValues(history);
  const gets = operations
    .filter((op) => op.invoke.op === 'get' && op.outcome === 'ok')
    .sort((a, b) => completionIndex(a) - completionIndex(b));
  const deletes = operations.filter(
    (op) => op.invoke.op === 'delete' && (op.outcome === 'ok' || isIndeterminate(op)),
  );
  const writes = operations.filter(
    (op) =>
      VALUE_WRITES.has(op.invoke.op) &&
      op.outcome === 'ok' &&
      op.completion?.revision !== undefined,
  );

  const stale: Evidence[] = [];
  const failures: Evidence[] = [];
  let nonMonotonicReads = 0;
  let unwrittenReads = 0;
  const lastRead = new Map<string, Operation>();

  for (const get of gets) {
    const { invoke, completion } = get;
    const key = invoke.key;
    const value = completion?.value ?? null;
    const revision = completion?.revision;
    if (key === undefined || completion === undefined) continue;

    if (value !== null && !written.has(value)) {
      unwrittenReads += 1;
      failures.push({
        message: `${invoke.process} read ${value} from ${key}, which no operation wrote`,
        records: [completion.index],
      });
    }
    if (revision === undefined) continue;

    // Deleted in between: reading no value is then as new as it gets.
    const deletedAfter = (operation: Operation) =>
      value === null &&
      deletes.some(
        (d) =>
          d.invoke.key === key &&
          d.invoke.index < completion.index &&
          completionIndex(d) > operation.invoke.index,
      );

    const latest = latestWriteBefore(writes, key, invoke.index);
    const latestRevision = latest?.completion?.revision ?? 0;
    if (latest?.completion !== undefined && revision < latestRevision && !deletedAfter(latest)) {
      stale.push({
        message:
          `stale read: ${invoke.process} read ${key} at revision ${revision} after ` +
          `${latest.invoke.process}'s ${latest.invoke.op} at revision ${latestRevision} completed`,
        records: [completion.index, latest.completion.index],
      });
    }

    const readerKey = `${invoke.process}\u0000${key}`;
    const previous = lastRead.get(readerKey);
    const previousRevision = previous?.completion?.revision ?? 0;
    if (previous?.completion !== undefined && revision < previousRevision) {
      if (!deletedAfter(previous)) {
        nonMonotonicReads += 1;
        failures.push({
          message:
            `non-monotonic read: ${invoke.process} read ${key} at revision ${revision} ` +
            `after reading revision ${previousRevision}`,
          records: [previous.completion.index, completion.index],
        });
      }
    }
    lastRead.set(readerKey, get);
  }

  const watch = checkWatchDeliveries(history, operations);
  failures.push(...watch.evidence);
  if (!options.allowStaleReads) failures.push(...stale);

  const staleReadRate = gets.length === 0 ? 0 : stale.length / gets.length;
  const nothing = gets.length === 0 && watch.deliveries === 0;
  const silent = agentProcesses(history).silent.map((agent) => ({
    message: `${agent} reported no operation: what it read is not known, only the bucket was judged`,
    records: [],
  }));
  const verdict: Verdict =
    failures.length > 0 ? 'fail' : nothing || silent.length > 0 ? 'unknown' : 'pass';
  const rate = `${(staleReadRate * 100).toFixed(1)}%`;
  const summary =
    nothing && failures.length === 0
      ? 'no ok get and no watch delivery to judge'
      : `${silent.length > 0 ? `${silent.length} agents reported nothing; ` : ''}` +
        `${gets.length} ok gets: ${stale.length} stale (${rate}` +
        `${options.allowStaleReads ? ', allowed' : ''}), ${nonMonotonicReads} non-monotonic, ` +
        `${unwrittenReads} unwritten; ${watch.deliveries} watch deliveries: ` +
        `${watch.duplicates} duplicate, ${watch.outOfOrder} out of order, ${watch.gaps} gaps`;

  return {
    name: KV_CONSISTENCY,
    verdict,
    summary,
    evidence: [...failures, ...(options.allowStaleReads ? stale : []), ...silent],
    figures: {
      okGets: gets.length,
      staleReads: stale.length,
      staleReadRate,
      nonMonotonicReads,
      unwrittenReads,
      watches: watch.watches,
      watchDeliveries: watch.deliveries,
      watchDuplicates: watch.duplicates,
      watchOutOfOrder: watch.outOfOrder,
      watchGaps: watch.gaps,
    },
  };
}

/** The acknowledged write to `key` with the highest revision completed before record `before`. */
function latestWriteBefore(
  writes: readonly Operation[],
  key: string,
  before: number,
): Operation | undefined {
  let latest: Operation | undefined;
  for (const write of writes) {
    const { completion } = write;
    if (write.invoke.key !== key || completion === undefined || completion.index >= before) {
      continue;
    }
    if ((completion.revision ?? 0) > (latest?.completion?.revision ?? 0)) latest = write;
  }
  return latest;
}
