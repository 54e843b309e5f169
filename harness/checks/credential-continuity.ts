import type { CheckResult, Evidence, FaultRecord, History, Verdict } from '../history/types.ts';
import { agentProcesses, unexpectedExitEvidence } from './agent-processes.ts';
import {
  collectCredentialErrors,
  countCredentialErrors,
  deniedSubjects,
  errorEpisodes,
  findLockouts,
} from './credential-errors.ts';
import { pairOperations, type Operation } from './operations.ts';

/** The checker's name in the registry and in results. */
export const CREDENTIAL_CONTINUITY = 'credential-continuity';

/** Options of `checkCredentialContinuity`. */
export interface CredentialContinuityOptions {
  /**
   * Where a fault's recovery time starts: when it took `effective` (default; falls back to
   * `start` for a fault never verified), or when the harness `start`ed injecting it.
   */
  recoveryFrom?: 'effective' | 'start';
}

/** Processes that are the harness itself, not an agent whose recovery is measured. */
const NOT_AGENTS: ReadonlySet<string> = new Set(['observer', 'harness']);

/**
 * Invariant: the agent's credentials keep working through every fault.
 * - `fail` on any `authorization` or `permission` error (counted per site and class, runs of
 *   errors over time and each denied subject and access in evidence);
 * - `fail` on a LOCKOUT: a `closed` status after authorization errors (see `findLockouts`);
 * - `fail` on a failed `probe` (the observer connecting with the agent's credentials to one
 *   site), naming the site; a probe that never answered leaves the verdict `unknown`;
 * - recovery: for each fault, the time from its `effective` (or `start`) until each agent's next
 *   `ok` operation (probes excluded); `recoveryMs` is the longest. An agent with no `ok`
 *   operation after a fault began, or after the last fault ended, never recovered: `fail`.
 * External agents (processes with `process` events): one that exited before the harness
 * stopped it is a `fail`; one that reported no operation leaves the verdict `unknown`, since
 * nothing shows whether its credentials worked.
 * `unknown` when the history has no operation at all.
 */
export function checkCredentialContinuity(
  history: History,
  options: CredentialContinuityOptions = {},
): CheckResult {
  const operations = pairOperations(history);
  const external = agentProcesses(history);
  if (operations.length === 0 && external.unexpectedExits.length === 0) {
    return {
      name: CREDENTIAL_CONTINUITY,
      verdict: 'unknown',
      summary: 'no operation in the history: nothing shows whether the credentials worked',
      evidence: [],
      figures: {},
    };
  }

  const errors = collectCredentialErrors(history);
  const lockouts = findLockouts(history, errors);
  const denied = deniedSubjects(errors);
  const probes = judgeProbes(operations);
  const recovery = measureRecovery(history.faults, operations, options);
  const exits = unexpectedExitEvidence(external.unexpectedExits);
  const silent = external.silent.map((agent) => ({
    message: `${agent} reported no operation: nothing shows whether its credentials worked`,
    records: [],
  }));
  const failures = [
    ...exits,
    ...lockouts,
    ...errorEpisodes(history, errors),
    ...denied,
    ...probes.failures,
    ...recovery.failures,
  ];

  const undecided = [...probes.unanswered, ...silent];
  const verdict: Verdict = failures.length > 0 ? 'fail' : undecided.length > 0 ? 'unknown' : 'pass';
  const counts = countCredentialErrors(errors);
  const summary =
    `${counts.authorizationErrors} authorization and ${counts.permissionErrors} permission ` +
    `errors, ${lockouts.length} lockouts, ${probes.failed} of ${probes.total} probes failed` +
    (recovery.longest === undefined
      ? ''
      : `; longest recovery ${Math.round(recovery.longest)} ms`) +
    (recovery.unrecovered > 0 ? `; ${recovery.unrecovered} times never recovered` : '') +
    (recovery.unended > 0 ? `; ${recovery.unended} faults never healed` : '') +
    (exits.length > 0 ? `; ${exits.length} agent exits` : '') +
    (silent.length > 0 ? `; ${silent.length} agents reported nothing` : '');

  return {
    name: CREDENTIAL_CONTINUITY,
    verdict,
    summary,
    evidence: [...failures, ...undecided, ...recovery.notes],
    figures: {
      ...counts,
      deniedSubjects: denied.length,
      lockouts: lockouts.length,
      probes: probes.total,
      failedProbes: probes.failed,
      unrecovered: recovery.unrecovered,
      ...(external.agents.length > 0 ? { agentExits: exits.length } : {}),
      ...(recovery.longest === undefined ? {} : { recoveryMs: recovery.longest }),
    },
  };
}

function judgeProbes(operations: readonly Operation[]) {
  const probes = operations.filter((op) => op.invoke.op === 'probe');
  const failures: Evidence[] = [];
  const unanswered: Evidence[] = [];

  for (const { invoke, completion, outcome } of probes) {
    const site = invoke.site ?? completion?.site ?? 'an unnamed site';
    if (outcome === 'info') {
      const message = `probe of the agent's credentials at ${site} did not answer`;
      unanswered.push({ message, records: [completion?.index ?? invoke.index] });
    }
    if (outcome !== 'fail' || completion === undefined) continue;
    const error = completion.error;
    const why = error === undefined ? 'no error recorded' : `${error.class}: ${error.message}`;
    failures.push({
      message: `probe of the agent's credentials at ${site} failed (${why})`,
      records: [completion.index],
    });
  }
  return { total: probes.length, failed: failures.length, failures, unanswered };
}

function measureRecovery(
  faults: readonly FaultRecord[],
  operations: readonly Operation[],
  options: CredentialContinuityOptions,
) {
  const trails = agentTrails(operations);
  const failures: Evidence[] = [];
  const notes: Evidence[] = [];
  let longest: number | undefined;

  const firstOkAfter = (agent: string, time: number, strictly: boolean) =>
    trails.get(agent)?.find((r) => r.ok && (strictly ? r.time > time : r.time >= time));
  // What an agent that never recovered did: its first and last records since `time`, or its
  // last record before it, so the evidence always points somewhere.
  const triedSince = (agent: string, time: number) => {
    const trail = trails.get(agent) ?? [];
    const since = trail.filter((r) => r.time >= time);
    const shown = since.length > 0 ? [since[0], since.at(-1)] : [trail.at(-1)];
    return [...new Set(shown.flatMap((r) => (r ? [r.record] : [])))];
  };

  for (const fault of faults) {
    const from = options.recoveryFrom === 'start' ? fault.start : (fault.effective ?? fault.start);
    const recovered: string[] = [];
    const records: number[] = [];

    for (const agent of trails.keys()) {
      const ok = firstOkAfter(agent, from, false);
      if (ok === undefined) {
        failures.push({
          message: `${agent} never recovered: no ok operation after fault ${fault.index} (${describe(fault)}) began at ${from} ms`,
          records: triedSince(agent, from),
          faults: [fault.index],
        });
        continue;
      }
      const ms = ok.time - from;
      longest = Math.max(longest ?? 0, ms);
      recovered.push(`${agent} after ${ms} ms`);
      records.push(ok.record);
    }
    if (recovered.length > 0) {
      const message = `fault ${fault.index} (${describe(fault)}) from ${from} ms: ${recovered.join(', ')}`;
      notes.push({ message, records, faults: [fault.index] });
    }
  }

  // A fault that never ended has no "after"; its own recovery was still measured above.
  const unended = faults.filter((f) => (f.healed ?? f.end) === undefined).length;
  if (faults.length > 0 && unended === 0) {
    const last = Math.max(...faults.map((f) => f.healed ?? f.end ?? 0));
    const lastFaults = faults.filter((f) => (f.healed ?? f.end) === last).map((f) => f.index);
    for (const agent of trails.keys()) {
      if (firstOkAfter(agent, last, true) !== undefined) continue;
      failures.push({
        message: `${agent} never recovered: no ok operation after the last fault ended at ${last} ms`,
        records: triedSince(agent, last),
        faults: lastFaults,
      });
    }
  }

  return { failures, notes, longest, unrecovered: failures.length, unended };
}

/** Each agent's operation records (invokes and completions), in record order. */
function agentTrails(operations: readonly Operation[]) {
  const trails = new Map<string, { time: number; record: number; ok: boolean }[]>();
  for (const { invoke, completion } of operations) {
    if (invoke.op === 'probe' || NOT_AGENTS.has(invoke.process)) continue;
    const trail = trails.get(invoke.process) ?? [];
    trail.push({ time: invoke.time, record: invoke.index, ok: false });
    if (completion !== undefined) {
      const { time, index: record, type } = completion;
      trail.push({ time, record, ok: type === 'ok' });
    }
    trails.set(invoke.process, trail);
  }
  for (const trail of trails.values()) trail.sort((a, b) => a.record - b.record);
  return trails;
}

function describe(fault: FaultRecord): string {
  const { site, server, link } = fault.target;
  return `${fault.kind} ${server ?? link ?? site ?? ''}`.trim();
}
