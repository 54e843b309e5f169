/**
 * Watch invariants: each watch delivers revisions in strictly increasing order, each once, and
 * skips no acknowledged write between the first and the last revision it delivered.
 */
import type { Evidence, History, WatchEventRecord } from '../history/types.ts';
import { MUTATIONS, type Operation } from './operations.ts';
import { isWatchEvent } from './records.ts';

/** What the watches of a history did wrong, with counts for figures. */
export interface WatchFindings {
  evidence: Evidence[];
  watches: number;
  deliveries: number;
  duplicates: number;
  outOfOrder: number;
  gaps: number;
}

/**
 * Checks every watch, identified by (process, watch). A watch is taken to cover every key the
 * workload wrote: the history does not record a watch's filter.
 *
 * A gap is an acknowledged write whose revision lies strictly between the watch's first and
 * last delivered revision and that the watch never delivered. One exception: a watch starts by
 * delivering only the latest value of each key, so a write invoked before the watch's first
 * delivery whose key the watch later delivered at a higher revision was superseded, not missed.
 */
export function checkWatchDeliveries(
  history: History,
  operations: readonly Operation[],
): WatchFindings {
  const watches = groupWatches(history);
  const writes = operations.filter(
    (op) =>
      op.outcome === 'ok' && MUTATIONS.has(op.invoke.op) && op.completion?.revision !== undefined,
  );
  const findings: WatchFindings = {
    evidence: [],
    watches: watches.size,
    deliveries: 0,
    duplicates: 0,
    outOfOrder: 0,
    gaps: 0,
  };

  for (const [name, events] of watches) {
    findings.deliveries += events.length;
    const delivered = new Map<number, WatchEventRecord>();
    let previous: WatchEventRecord | undefined;

    for (const event of events) {
      const earlier = delivered.get(event.revision);
      if (earlier !== undefined) {
        findings.duplicates += 1;
        findings.evidence.push({
          message: `watch ${name} delivered revision ${event.revision} of ${event.key} twice`,
          records: [earlier.index, event.index],
        });
      } else if (previous !== undefined && event.revision < previous.revision) {
        findings.outOfOrder += 1;
        findings.evidence.push({
          message: `watch ${name} delivered revision ${event.revision} after ${previous.revision}`,
          records: [previous.index, event.index],
        });
      }
      if (earlier === undefined) delivered.set(event.revision, event);
      previous = event;
    }

    const gaps = findGaps(name, events, delivered, writes);
    findings.gaps += gaps.length;
    findings.evidence.push(...gaps);
  }
  return findings;
}

function findGaps(
  name: string,
  events: readonly WatchEventRecord[],
  delivered: Map<number, WatchEventRecord>,
  writes: readonly Operation[],
): Evidence[] {
  const revisions = [...delivered.keys()].sort((a, b) => a - b);
  const first = revisions[0];
  const last = revisions.at(-1);
  const firstEvent = events[0];
  if (first === undefined || last === undefined || firstEvent === undefined) return [];

  const gaps: Evidence[] = [];
  for (const { invoke, completion } of writes) {
    const revision = completion?.revision;
    if (completion === undefined || revision === undefined) continue;
    if (revision <= first || revision >= last || delivered.has(revision)) continue;

    const supersededAtStart =
      invoke.index < firstEvent.index &&
      events.some((e) => e.key === invoke.key && e.revision > revision);
    if (supersededAtStart) continue;

    const before = delivered.get(revisions.filter((r) => r < revision).at(-1) ?? first);
    const after = delivered.get(revisions.find((r) => r > revision) ?? last);
    gaps.push({
      message:
        `watch ${name} skipped revision ${revision} (${invoke.op} of ${invoke.key}), ` +
        `between delivered revisions ${before?.revision} and ${after?.revision}`,
      records: [completion.index, ...[before, after].flatMap((e) => (e ? [e.index] : []))],
    });
  }
  return gaps;
}

/** Watch events by (process, watch), in record order. */
function groupWatches(history: History): Map<string, WatchEventRecord[]> {
  const watches = new Map<string, WatchEventRecord[]>();
  for (const record of history.records) {
    if (!isWatchEvent(record)) continue;
    const name = `${record.process}/${record.watch}`;
    const events = watches.get(name);
    if (events) events.push(record);
    else watches.set(name, [record]);
  }
  return watches;
}
