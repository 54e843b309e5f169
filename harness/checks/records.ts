/**
 * Narrowing of history records by kind. `type` alone does not tell an event or an observation
 * apart (both kinds share it), so checkers ask these instead of comparing fields by hand.
 */
import type {
  CompletionRecord,
  FinalReadRecord,
  HistoryRecord,
  InvokeRecord,
  ProcessEventRecord,
  ReplicaStateRecord,
  StatusRecord,
  WatchEventRecord,
} from '../history/types.ts';

/** True for an `invoke` record. */
export function isInvoke(record: HistoryRecord): record is InvokeRecord {
  return record.type === 'invoke';
}

/** True for an `ok`, `fail` or `info` record. */
export function isCompletion(record: HistoryRecord): record is CompletionRecord {
  return record.type === 'ok' || record.type === 'fail' || record.type === 'info';
}

/** True for a `watch-event` event. */
export function isWatchEvent(record: HistoryRecord): record is WatchEventRecord {
  return record.type === 'event' && record.op === 'watch-event';
}

/** True for a connection `status` event. */
export function isStatus(record: HistoryRecord): record is StatusRecord {
  return record.type === 'event' && record.op === 'status';
}

/** True for a `process` event: an external agent started or exited. */
export function isProcessEvent(record: HistoryRecord): record is ProcessEventRecord {
  return record.type === 'event' && record.op === 'process';
}

/** True for a `final-read` observation. */
export function isFinalRead(record: HistoryRecord): record is FinalReadRecord {
  return record.type === 'observation' && record.op === 'final-read';
}

/** True for a `replica` observation. */
export function isReplica(record: HistoryRecord): record is ReplicaStateRecord {
  return record.type === 'observation' && record.op === 'replica';
}
