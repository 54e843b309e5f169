/**
 * The checkers: pure functions from a recorded history to a verdict with evidence and figures,
 * a registry of them by name, and the rule that combines their verdicts.
 */
import { z } from 'zod';
import type { CheckResult, History } from '../history/types.ts';
import { ACKNOWLEDGED_WRITES, checkAcknowledgedWrites } from './acknowledged-writes.ts';
import { AVAILABILITY, checkAvailability, type AvailabilityOptions } from './availability.ts';
import {
  checkCredentialContinuity,
  CREDENTIAL_CONTINUITY,
  type CredentialContinuityOptions,
} from './credential-continuity.ts';
import {
  checkExpectedOutcomes,
  EXPECTED_OUTCOMES,
  expectationSchema,
  type ExpectedOutcomesOptions,
} from './expected-outcomes.ts';
import { checkKvConsistency, KV_CONSISTENCY, type KvConsistencyOptions } from './kv-consistency.ts';
import { checkReplicaAgreement, REPLICA_AGREEMENT } from './replica-agreement.ts';

export { checkAcknowledgedWrites, ACKNOWLEDGED_WRITES } from './acknowledged-writes.ts';
export {
  checkAvailability,
  unavailableWindows,
  AVAILABILITY,
  type AvailabilityOptions,
  type UnavailableWindow,
} from './availability.ts';
export {
  checkCredentialContinuity,
  CREDENTIAL_CONTINUITY,
  type CredentialContinuityOptions,
} from './credential-continuity.ts';
export { checkKvConsistency, KV_CONSISTENCY, type KvConsistencyOptions } from './kv-consistency.ts';
export { checkReplicaAgreement, REPLICA_AGREEMENT } from './replica-agreement.ts';
export {
  checkExpectedOutcomes,
  EXPECTED_OUTCOMES,
  type ErrorMatch,
  type Expectation,
  type ExpectedOutcomesOptions,
} from './expected-outcomes.ts';
export {
  formatHistory,
  parseHistory,
  readHistory,
  HistoryFormatError,
  HistoryNotFoundError,
  type HistoryFormatProblem,
  type HistorySources,
  type HistoryWarning,
  type ParsedHistory,
} from './history-file.ts';
export { pairOperations, isIndeterminate, type Operation } from './operations.ts';
export { combineVerdicts } from './verdict.ts';

/** Options of all checkers in one object; each checker reads only its own. */
export type CheckerOptions = CredentialContinuityOptions &
  KvConsistencyOptions &
  AvailabilityOptions &
  ExpectedOutcomesOptions;

/** A checker: judges a history, never changes it, never throws on a valid one. */
export type Checker = (history: History, options?: CheckerOptions) => CheckResult;

/** Every checker by the name scenarios and reports use for it. */
export const CHECKERS = {
  [CREDENTIAL_CONTINUITY]: checkCredentialContinuity,
  [ACKNOWLEDGED_WRITES]: checkAcknowledgedWrites,
  [KV_CONSISTENCY]: checkKvConsistency,
  [REPLICA_AGREEMENT]: checkReplicaAgreement,
  [AVAILABILITY]: checkAvailability,
  [EXPECTED_OUTCOMES]: checkExpectedOutcomes,
} as const satisfies Record<string, Checker>;

export type CheckerName = keyof typeof CHECKERS;

/** A scenario asked for a checker that does not exist (a typo, or one not written yet). */
export class UnknownCheckerError extends Error {
  override readonly name = 'UnknownCheckerError';
  readonly code = 'UNKNOWN_CHECKER';

  constructor(readonly checker: string) {
    super(`no checker named ${checker}; known: ${Object.keys(CHECKERS).join(', ')}`);
  }
}

/** Checker options of the wrong type or name; scenarios pass them untyped, so they are checked. */
export class CheckerOptionsError extends Error {
  override readonly name = 'CheckerOptionsError';
  readonly code = 'CHECKER_OPTIONS';

  constructor(readonly problem: string) {
    super(`invalid checker options: ${problem}`);
  }
}

const optionsSchema = z.strictObject({
  allowStaleReads: z.boolean().optional(),
  maxUnavailableMs: z.number().nonnegative().optional(),
  recoveryFrom: z.enum(['effective', 'start']).optional(),
  expectations: z.array(expectationSchema).optional(),
}) satisfies z.ZodType<CheckerOptions>;

/**
 * Runs the named checkers (all of them when `names` is absent) in the order given. Throws
 * `UnknownCheckerError` for a name not in `CHECKERS` and `CheckerOptionsError` for options of
 * the wrong name or type, before any checker runs. A checker that throws gives an `unknown`
 * result saying so, so one broken checker does not hide the verdicts of the others.
 */
export function runCheckers(
  history: History,
  names: readonly string[] = Object.keys(CHECKERS),
  options: CheckerOptions = {},
): CheckResult[] {
  const checkers = names.map((name) => {
    if (!Object.hasOwn(CHECKERS, name)) throw new UnknownCheckerError(name);
    return [name, CHECKERS[name as CheckerName] as Checker] as const;
  });

  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckerOptionsError(`${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }

  return checkers.map(([name, check]) => {
    try {
      return check(history, parsed.data);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        name,
        verdict: 'unknown',
        summary: `the checker failed to run: ${message}`,
        evidence: [{ message, records: [] }],
        figures: {},
      };
    }
  });
}
