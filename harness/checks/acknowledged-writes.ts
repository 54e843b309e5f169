import type { CheckResult, Evidence, FinalReadRecord, History, Verdict } from '../history/types.ts';
import { agentProcesses } from './agent-processes.ts';
import { collectSightings, findConflicts, writtenValues } from './observed-values.ts';
import {
  completionIndex,
  isIndeterminate,
  pairOperations,
  VALUE_WRITES,
  type Operation,
} from './operations.ts';
import { isFinalRead } from './records.ts';

/** The checker's name in the registry and in results. */
export const ACKNOWLEDGED_WRITES = 'acknowledged-writes';

/**
 * Invariant: every acknowledged write survives. An `ok` put/create/update of value v at
 * revision r to key k is accounted for when the final read of k shows v, or shows a revision
 * above r (a later write or delete superseded it), or shows no value while a delete of k may be
 * ordered after the write (acknowledged or indeterminate, not completed before the write began).
 * Otherwise the write is lost and the verdict is `fail`.
 *
 * Also `fail`: a final value (or an entry of a final read's key history) that no invoke ever
 * wrote; one value seen at two revisions or one revision seen holding two values, anywhere in
 * the history (writes, gets, watch deliveries, final reads); a write that definitely failed but
 * was seen applied. Indeterminate writes (`info`, or a `fail` that may have happened) may or
 * may not be visible: they are counted, and how many were seen, but never judged.
 *
 * `unknown` when a key with acknowledged writes has no final read that answered (it cannot be
 * decided, so it is not a pass), or when there is no acknowledged write at all. A value no
 * invoke wrote is `unknown` rather than `fail` when an external agent reported no operation:
 * it may have written it.
 */
export function checkAcknowledgedWrites(history: History): CheckResult {
  const operations = pairOperations(history);
  const finalReads = lastFinalReads(history);
  const written = writtenValues(history);
  const sightings = collectSightings(history);
  const seen = new Set(sightings.map((s) => s.value));

  const failures: Evidence[] = [];
  const unknowns: Evidence[] = [];
  const notes: Evidence[] = [];
  const undecidedKeys = new Map<string, number[]>();
  let acknowledged = 0;
  let lost = 0;
  const indeterminateRecords: number[] = [];
  let indeterminate = 0;
  let indeterminateApplied = 0;
  let failedApplied = 0;

  for (const operation of operations) {
    const { invoke, completion } = operation;
    const { key, value } = invoke;
    if (!VALUE_WRITES.has(invoke.op) || key === undefined || value === undefined) continue;

    if (operation.outcome !== 'ok') {
      if (isIndeterminate(operation)) {
        indeterminate += 1;
        indeterminateRecords.push(operation.completion?.index ?? invoke.index);
        if (seen.has(value)) indeterminateApplied += 1;
      } else if (seen.has(value)) {
        failedApplied += 1;
        failures.push({
          message: `${invoke.op} of ${value} to ${key} failed (${completion?.error?.class}) yet was seen applied`,
          records: recordsOf(operation),
        });
      }
      continue;
    }

    acknowledged += 1;
    const final = finalReads.get(key);
    if (final?.error !== undefined || final === undefined) {
      const pending = undecidedKeys.get(key) ?? [];
      undecidedKeys.set(key, [...pending, completionIndex(operation)]);
      continue;
    }

    const verdict = judgeWrite(operation, final, operations);
    if (verdict === undefined) continue;
    if (verdict.lost) lost += 1;
    (verdict.lost ? failures : unknowns).push(verdict.evidence);
  }

  for (const [key, records] of undecidedKeys) {
    const final = finalReads.get(key);
    const why = final === undefined ? 'no final read' : `final read failed (${final.error?.class})`;
    unknowns.push({
      message: `${records.length} acknowledged writes to ${key} undecided: ${why}`,
      records: final === undefined ? records : [...records, final.index],
    });
  }

  const unwritten = unwrittenFinalValues(finalReads, written);
  const conflicts = findConflicts(sightings);
  // An external agent that reports no operation writes values no invoke names: a value nobody
  // reported writing then proves nothing, so it cannot fail the check.
  const silent = agentProcesses(history).silent;
  (silent.length > 0 ? unknowns : failures).push(...unwritten);
  failures.push(...conflicts);
  if (indeterminate > 0) {
    notes.push({
      message: `${indeterminate} indeterminate writes, ${indeterminateApplied} of them seen applied`,
      records: indeterminateRecords,
    });
  }

  const verdict: Verdict =
    failures.length > 0 ? 'fail' : unknowns.length > 0 || acknowledged === 0 ? 'unknown' : 'pass';
  const summary =
    acknowledged === 0
      ? 'no acknowledged write to check'
      : `${acknowledged} acknowledged writes, ${lost} lost, ${unknowns.length} undecided; ` +
        `${indeterminate} indeterminate (${indeterminateApplied} applied)` +
        (failures.length > lost ? `; ${failures.length - lost} other anomalies` : '');

  return {
    name: ACKNOWLEDGED_WRITES,
    verdict,
    summary,
    evidence: [...failures, ...unknowns, ...notes],
    figures: {
      acknowledged,
      lost,
      indeterminate,
      indeterminateApplied,
      failedApplied,
      unwrittenValues: unwritten.length,
      conflicts: conflicts.length,
      undecidedKeys: undecidedKeys.size,
    },
  };
}

/** Judges one acknowledged write against the final read of its key; undefined: accounted for. */
function judgeWrite(
  write: Operation,
  final: FinalReadRecord,
  operations: readonly Operation[],
): { lost: boolean; evidence: Evidence } | undefined {
  const { invoke, completion } = write;
  const revision = completion?.revision;
  const records = [...recordsOf(write), final.index];
  if (final.value === invoke.value) return undefined;

  const shown = `final read shows ${final.value ?? 'no value'} at revision ${final.revision}`;
  if (revision === undefined) {
    const message = `acknowledged ${invoke.op} of ${invoke.value} to ${invoke.key} has no revision and ${shown}: cannot tell whether it was superseded`;
    return { lost: false, evidence: { message, records } };
  }
  if (final.revision > revision) return undefined;

  if (final.value === null) {
    // A delete that did not complete before the write began may be ordered after it.
    const deletedLater = operations.find(
      (op) =>
        op.invoke.op === 'delete' &&
        op.invoke.key === invoke.key &&
        (op.outcome === 'ok' || isIndeterminate(op)) &&
        completionIndex(op) > invoke.index,
    );
    if (deletedLater !== undefined) return undefined;
  }

  const message = `acknowledged ${invoke.op} of ${invoke.value} to ${invoke.key} at revision ${revision} is lost: ${shown}`;
  return { lost: true, evidence: { message, records } };
}

/** The last final read of each key, preferring one that answered over one that failed. */
function lastFinalReads(history: History): Map<string, FinalReadRecord> {
  const reads = new Map<string, FinalReadRecord>();
  for (const record of history.records) {
    if (!isFinalRead(record)) continue;
    const previous = reads.get(record.key);
    if (record.error === undefined || previous === undefined || previous.error !== undefined) {
      reads.set(record.key, record);
    }
  }
  return reads;
}

function unwrittenFinalValues(
  finalReads: Map<string, FinalReadRecord>,
  written: Set<string>,
): Evidence[] {
  const evidence: Evidence[] = [];
  for (const final of finalReads.values()) {
    if (final.error !== undefined) continue;
    const values = [final.value, ...(final.history ?? []).map((entry) => entry.value)];
    for (const value of new Set(values)) {
      if (value === null || written.has(value)) continue;
      const message = `final read of ${final.key} shows ${value}, which no operation wrote`;
      evidence.push({ message, records: [final.index] });
    }
  }
  return evidence;
}

function recordsOf(operation: Operation): number[] {
  const { invoke, completion } = operation;
  return completion === undefined ? [invoke.index] : [invoke.index, completion.index];
}
