import type {
  CheckResult,
  Evidence,
  History,
  ReplicaStateRecord,
  Verdict,
} from '../history/types.ts';
import { isReplica } from './records.ts';

/** The checker's name in the registry and in results. */
export const REPLICA_AGREEMENT = 'replica-agreement';

/** The parts of a replica's state that every replica of a healed stream must share. */
const COMPARED = ['firstSeq', 'lastSeq', 'messages'] as const;

/**
 * Invariant: once the faults are healed, every replica of the bucket's stream holds the same
 * messages: the same `firstSeq`, `lastSeq` and `messages` count on every server.
 *
 * `fail` when replicas of a stream disagree, naming each server with its state; this holds even
 * when another replica could not be observed, since the disagreement is already proven.
 * `unknown` when there is no `replica` observation, or one carries an `error` (and nothing
 * disagrees). Else `pass`.
 */
export function checkReplicaAgreement(history: History): CheckResult {
  const replicas = history.records.filter(isReplica);
  const failed = replicas.filter((r) => r.error !== undefined);
  const answered = replicas.filter((r) => r.error === undefined);
  // Not Map.groupBy: Node 20 lacks it.
  const streams = new Map<string, ReplicaStateRecord[]>();
  for (const replica of answered) {
    streams.set(replica.stream, [...(streams.get(replica.stream) ?? []), replica]);
  }

  const disagreements: Evidence[] = [];
  for (const [stream, states] of streams) {
    const differing = COMPARED.filter((field) => new Set(states.map((s) => s[field])).size > 1);
    if (differing.length === 0) continue;
    disagreements.push({
      message:
        `replicas of ${stream} disagree on ${differing.join(', ')}: ` +
        states.map(describe).join('; '),
      records: states.map((s) => s.index),
    });
  }

  const unobserved: Evidence[] = failed.map((r) => ({
    message: `replica of ${r.stream} on ${r.server} (${r.site}) not observed: ${r.error?.class}: ${r.error?.message}`,
    records: [r.index],
  }));

  const verdict: Verdict =
    disagreements.length > 0
      ? 'fail'
      : replicas.length === 0 || unobserved.length > 0
        ? 'unknown'
        : 'pass';
  const summary =
    replicas.length === 0
      ? 'no replica observed'
      : `${answered.length} replicas of ${streams.size} streams observed, ` +
        `${disagreements.length} streams disagree, ${unobserved.length} replicas not observed`;

  const lastSeqs = answered.map((r) => r.lastSeq);
  return {
    name: REPLICA_AGREEMENT,
    verdict,
    summary,
    evidence: [...disagreements, ...unobserved],
    figures: {
      replicas: answered.length,
      streams: streams.size,
      disagreements: disagreements.length,
      unobserved: unobserved.length,
      // How far the most behind replica trails the most advanced one, in messages.
      lastSeqSpread: lastSeqs.length === 0 ? 0 : Math.max(...lastSeqs) - Math.min(...lastSeqs),
    },
  };
}

function describe(replica: ReplicaStateRecord): string {
  const role = replica.leader ? ', leader' : '';
  return (
    `${replica.server} (${replica.site}${role}) first ${replica.firstSeq}, ` +
    `last ${replica.lastSeq}, ${replica.messages} messages`
  );
}
