import { z } from 'zod';
import type {
  CheckResult,
  ErrorClass,
  Evidence,
  FaultKind,
  History,
  OperationName,
  Verdict,
} from '../history/types.ts';
import { collectCredentialErrors, findLockouts } from './credential-errors.ts';
import { pairOperations, type Operation } from './operations.ts';
import { combineVerdicts } from './verdict.ts';

/** The checker's name in the registry and in results. */
export const EXPECTED_OUTCOMES = 'expected-outcomes';

/** An error an expectation accepts: its class, and where given its code and denied subject. */
export interface ErrorMatch {
  class: ErrorClass;
  /** The JetStream API error code (10039, 10005, ...). */
  code?: number;
  /** A prefix of the denied subject, for `permission` errors (`_INBOX.`, `$JS.API.INFO`). */
  subject?: string;
  /** Words the error's message must contain, for errors with neither code nor subject. */
  message?: string;
}

/**
 * What a scenario says must happen to one process's operations, stated before the run, so a
 * claim ("a SYS user cannot create the bucket") is judged from the history like any invariant.
 */
export interface Expectation {
  /** Stable id: the figure `met[<id>]` is 1 when met, 0 when not, absent when undecided. */
  id: string;
  /** For people: what must happen. */
  what: string;
  /** The process whose operations are judged (`agent-1`); its watcher (`agent-1/watch`) too. */
  process: string;
  /** The operations judged; every operation of the process when absent. */
  ops?: OperationName[];
  /**
   * `ok`: every judged operation completed ok. `some-ok`: at least one did. `refused`: none did,
   * and each ended with an error one of `errors` matches (any error when `errors` is absent).
   * `locked-out`: the process's connection closed for good after authorization errors.
   * `not-locked-out`: it did not, and the process has at least one record.
   */
  outcome: 'ok' | 'some-ok' | 'refused' | 'locked-out' | 'not-locked-out';
  errors?: ErrorMatch[];
  /** Only operations invoked while a fault of this kind (on this site) was in effect. */
  duringFault?: { kind: FaultKind; site?: string };
}

/**
 * The shape of an expectation, to check options a scenario passes untyped. Names of operations,
 * error classes and fault kinds are checked as strings: the history's schema owns those lists.
 */
export const expectationSchema = z.strictObject({
  id: z.string().min(1),
  what: z.string().min(1),
  process: z.string().min(1),
  ops: z.array(z.string()).optional(),
  outcome: z.enum(['ok', 'some-ok', 'refused', 'locked-out', 'not-locked-out']),
  errors: z
    .array(
      z.strictObject({
        class: z.string(),
        code: z.number().optional(),
        subject: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .optional(),
  duringFault: z.strictObject({ kind: z.string(), site: z.string().optional() }).optional(),
}) as unknown as z.ZodType<Expectation>;

/** Options of `checkExpectedOutcomes`. */
export interface ExpectedOutcomesOptions {
  expectations?: Expectation[];
}

/**
 * Judges each expectation a scenario stated against what its processes' operations did:
 * `pass` when every expectation is met, `fail` when one is not (the evidence names the
 * operation and its error, such as the denied subject), `unknown` when one has no operation
 * to judge (the process never got that far) and none failed. Without expectations it passes.
 */
export function checkExpectedOutcomes(
  history: History,
  options: ExpectedOutcomesOptions = {},
): CheckResult {
  const expectations = options.expectations ?? [];
  if (expectations.length === 0) {
    // Nothing was promised, so nothing was broken: the checker can run over any history.
    return {
      name: EXPECTED_OUTCOMES,
      verdict: 'pass',
      summary: 'no expectation stated: nothing to judge',
      evidence: [],
      figures: { expectations: 0 },
    };
  }

  const operations = pairOperations(history);
  const lockouts = findLockouts(history, collectCredentialErrors(history));
  const judged = expectations.map((e) => judge(e, history, operations, lockouts));
  const figures: Record<string, number> = { expectations: expectations.length, met: 0, unmet: 0 };
  for (const [i, { verdict }] of judged.entries()) {
    if (verdict === 'unknown') continue;
    figures[verdict === 'pass' ? 'met' : 'unmet']!++;
    figures[`met[${expectations[i]!.id}]`] = verdict === 'pass' ? 1 : 0;
  }
  const undecided = judged.filter((j) => j.verdict === 'unknown').length;
  figures['undecided'] = undecided;

  return {
    name: EXPECTED_OUTCOMES,
    verdict: combineVerdicts(judged.map((j) => j.verdict)),
    summary:
      `${figures['met']} of ${expectations.length} expectations met` +
      (figures['unmet']! > 0 ? `, ${figures['unmet']} not met` : '') +
      (undecided > 0 ? `, ${undecided} undecided` : ''),
    evidence: judged.map((j) => j.evidence),
    figures,
  };
}

interface Judged {
  verdict: Verdict;
  evidence: Evidence;
}

function judge(
  e: Expectation,
  history: History,
  operations: readonly Operation[],
  lockouts: readonly Evidence[],
): Judged {
  const ownRecord = (process: string) =>
    process === e.process || process.startsWith(`${e.process}/`);
  if (e.outcome === 'locked-out' || e.outcome === 'not-locked-out') {
    // A lockout's last record is the `closed` status of the client it locked out.
    const own = lockouts.filter((l) => {
      const closed = history.records[l.records.at(-1) ?? -1];
      return closed !== undefined && ownRecord(closed.process);
    });
    const seen = history.records.some((r) => ownRecord(r.process));
    if (!seen) return undecided(e, 'the process left no record');
    const lockedOut = own.length > 0;
    const met = lockedOut === (e.outcome === 'locked-out');
    const how = lockedOut ? own[0]!.message : `${e.process}'s connection was never locked out`;
    return result(
      e,
      met,
      how,
      own.flatMap((l) => l.records),
    );
  }

  const window = e.duringFault ? faultWindow(history, e.duringFault) : { from: 0, to: Infinity };
  if (window === undefined) return undecided(e, 'the fault it is about was never in effect');
  const judgedOps = operations.filter(
    ({ invoke }) =>
      ownRecord(invoke.process) &&
      (e.ops === undefined || e.ops.includes(invoke.op)) &&
      invoke.time >= window.from &&
      invoke.time < window.to,
  );
  if (judgedOps.length === 0) return undecided(e, 'no operation to judge');

  const ok = judgedOps.filter((op) => op.outcome === 'ok');
  const records = (ops: readonly Operation[]) =>
    ops.flatMap((op) => [op.invoke.index, ...(op.completion ? [op.completion.index] : [])]);
  const count = `${ok.length} of ${judgedOps.length} operations ok`;
  switch (e.outcome) {
    case 'ok': {
      const bad = judgedOps.filter((op) => op.outcome !== 'ok');
      return result(
        e,
        bad.length === 0,
        bad[0] ? `${count}; ${describe(bad[0])}` : count,
        records(bad.length ? bad : judgedOps.slice(0, 1)),
      );
    }
    case 'some-ok':
      return result(
        e,
        ok.length > 0,
        count,
        records(ok.length ? ok.slice(0, 1) : judgedOps.slice(-1)),
      );
    case 'refused': {
      const wrong = judgedOps.filter((op) => op.outcome === 'ok' || !matches(op, e.errors));
      const shown = wrong[0] ?? judgedOps[0]!;
      return result(e, wrong.length === 0, `${count}; ${describe(shown)}`, records([shown]));
    }
  }
}

function result(e: Expectation, met: boolean, how: string, records: number[]): Judged {
  return {
    verdict: met ? 'pass' : 'fail',
    evidence: { message: `${met ? 'met' : 'NOT met'}: ${e.what} (${how})`, records },
  };
}

function undecided(e: Expectation, why: string): Judged {
  return {
    verdict: 'unknown',
    evidence: { message: `undecided: ${e.what} (${why})`, records: [] },
  };
}

function matches(op: Operation, errors: readonly ErrorMatch[] | undefined): boolean {
  const error = op.completion?.error ?? { class: 'timeout' as const, message: '' };
  if (errors === undefined) return true;
  return errors.some(
    (m) =>
      m.class === error.class &&
      (m.code === undefined || m.code === error.code) &&
      (m.subject === undefined || (error.subject ?? '').startsWith(m.subject)) &&
      (m.message === undefined || error.message.includes(m.message)),
  );
}

/** What an operation came to, in one phrase: its error class, code and denied subject. */
function describe({ invoke, completion, outcome }: Operation): string {
  const what = `${invoke.op}${invoke.key ? ` ${invoke.key}` : ''} by ${invoke.process}`;
  if (outcome === 'ok') return `${what} succeeded`;
  const error = completion?.error;
  if (!error) return `${what} never completed`;
  const detail = [
    error.code !== undefined ? `code ${error.code}` : '',
    error.subject ? `${error.operation ?? 'access'} to ${error.subject} denied` : '',
  ].filter(Boolean);
  return `${what}: ${error.class}${detail.length ? ` (${detail.join(', ')})` : ''}: ${error.message}`;
}

/** From when the first matching fault took effect until it ended (or the end of the run). */
function faultWindow(history: History, which: { kind: FaultKind; site?: string }) {
  const fault = history.faults.find(
    (f) =>
      f.kind === which.kind &&
      (which.site === undefined || f.target.site === which.site) &&
      f.effective !== undefined,
  );
  if (!fault) return undefined;
  return { from: fault.effective!, to: fault.end ?? Infinity };
}
