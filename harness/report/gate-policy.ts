/**
 * A release gate's policy: the most a run may show of each figure, and how much worse than a
 * baseline run it may get. A JSON file, validated here, so a typo in a field name is an error
 * naming the file and the field rather than a rule silently not applied.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { HarnessError } from '../errors.ts';
import { FAULT_KINDS } from '../checks/history-schema.ts';
import type { FaultKind } from '../history/types.ts';

/** A policy file that cannot be read, is not JSON, or has a field of the wrong name or type. */
export class PolicyError extends HarnessError {
  readonly code = 'POLICY_INVALID';
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: field '${field}': ${problem}; see policies/harmony-release.json for the shape`);
    this.name = 'PolicyError';
  }
}

/**
 * How much worse than the baseline a figure may get: up to `baseline × ratio` or up to
 * `baseline + absolute`, whichever allows more (the absolute part keeps a figure that was 0
 * from failing on the first bit of noise). Neither given: no worse at all.
 */
export interface Regression {
  ratio?: number;
  absolute?: number;
}

/** One rule: a ceiling, a tolerance against the baseline, or both. Lower is better. */
export interface Rule {
  max?: number;
  /** Overrides the policy's `regression` for this rule. */
  regression?: Regression;
}

/** A release policy, as `policies/*.json` hold it. Every rule is optional. */
export interface Policy {
  name: string;
  description?: string;
  /**
   * The scenarios the gate reads, each of which the run must hold (a missing one leaves the
   * gate unknown). Absent: every scenario of the run.
   */
  scenarios?: string[];
  /** The tolerance against a baseline for every rule that does not set its own. */
  regression?: Regression;
  rules: {
    /** Checks whose verdict is `fail`, over the whole run. */
    failedChecks?: Rule;
    /** Acknowledged writes lost (`acknowledged-writes`' `lost`), over the whole run. */
    lostWrites?: Rule;
    /** Connections closed for good after authorization errors (`credential-continuity`). */
    lockouts?: Rule;
    /** Stale reads per ok get (`kv-consistency`), over every scenario's gets. */
    staleReadRate?: Rule;
    /** The longest stretch a process could not read or write, per kind of fault overlapping it. */
    unavailableMs?: Partial<Record<FaultKind, Rule>>;
    /** Latency of ok reads and writes invoked while a latency fault was in effect. */
    wanLatencyMs?: { p50?: Rule; p99?: Rule };
  };
}

const number = z.number().nonnegative();
const regressionSchema = z.strictObject({
  ratio: z.number().min(1).optional(),
  absolute: number.optional(),
});
const ruleSchema = z.strictObject({
  max: number.optional(),
  regression: regressionSchema.optional(),
});

const policySchema = z.strictObject({
  $comment: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  scenarios: z.array(z.string().min(1)).min(1).optional(),
  regression: regressionSchema.optional(),
  rules: z.strictObject({
    failedChecks: ruleSchema.optional(),
    lostWrites: ruleSchema.optional(),
    lockouts: ruleSchema.optional(),
    staleReadRate: ruleSchema.optional(),
    unavailableMs: z.partialRecord(z.enum(FAULT_KINDS), ruleSchema).optional(),
    wanLatencyMs: z
      .strictObject({ p50: ruleSchema.optional(), p99: ruleSchema.optional() })
      .optional(),
  }),
}) satisfies z.ZodType<Policy>;

/** Reads and validates a policy file; throws `PolicyError` naming the file and the field. */
export async function readPolicy(file: string): Promise<Policy> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, '(file)', `cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    throw new PolicyError(file, '(file)', `not valid JSON: ${(error as Error).message}`);
  }
  return parsePolicy(file, json);
}

/** Validates a policy already parsed from JSON; `file` names it in errors. */
export function parsePolicy(file: string, json: unknown): Policy {
  const parsed = policySchema.safeParse(json);
  if (parsed.success) return parsed.data;

  const issue = parsed.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = [...issue.path, ...keys.slice(0, 1)].join('.') || '(top level)';
  const problem = keys.length > 0 ? 'not a field a policy has' : issue.message;
  throw new PolicyError(file, path, problem);
}
