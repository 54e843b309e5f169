import { MUTATIONS, pairOperations, type Operation } from '../checks/operations.ts';
import type { History } from '../history/types.ts';

/** How one process's operations of one kind came out in a stretch of time. */
export interface WindowCounts {
  ok: number;
  failed: number;
  /** `info` or never completed: may or may not have taken effect. */
  unknown: number;
  /** Invoke-to-completion time of each `ok` operation, ms. */
  okLatenciesMs: number[];
}

export interface WindowQuery {
  process: string;
  kind: 'read' | 'write';
  /** History times, ms: operations invoked in [from, to). */
  from: number;
  to: number;
}

/**
 * Counts a process's reads or writes invoked within a window of the history, for the figures a
 * scenario reports beside its checks (which side could write during a cut, latency under WAN
 * faults). It judges nothing: that is the checkers' work.
 */
export function countWindow(history: History, query: WindowQuery): WindowCounts {
  const counts: WindowCounts = { ok: 0, failed: 0, unknown: 0, okLatenciesMs: [] };
  for (const operation of pairOperations(history)) {
    const { invoke } = operation;
    if (invoke.process !== query.process || kindOf(operation) !== query.kind) continue;
    if (invoke.time < query.from || invoke.time >= query.to) continue;
    if (operation.outcome === 'ok') {
      counts.ok++;
      counts.okLatenciesMs.push(operation.completion!.time - invoke.time);
    } else if (operation.outcome === 'fail') counts.failed++;
    else counts.unknown++;
  }
  return counts;
}

function kindOf(operation: Operation): 'read' | 'write' | undefined {
  if (operation.invoke.op === 'get') return 'read';
  return MUTATIONS.has(operation.invoke.op) ? 'write' : undefined;
}

/** The p-th percentile (0 to 100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
