import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ResultsFileError } from '../errors.ts';
import type { Verdict } from '../history/types.ts';
import type { ScenarioResult } from '../scenario/scenario.ts';
import { combineVerdicts } from '../checks/index.ts';
import type { ClaimResult } from '../claims/claim.ts';

/** `results.json`: what a run concluded, for CI and for release gates. */
export interface RunResults {
  /** Bumped when a field changes meaning. */
  version: 1;
  deployment: string;
  backend: string;
  seed: number;
  verdict: Verdict;
  startedAt: string;
  durationMs: number;
  scenarios: {
    name: string;
    verdict: Verdict;
    reason?: string;
    runDir: string;
    durationMs: number;
    figures: Record<string, number>;
    notes: string[];
    /**
     * The options the checkers ran with, so `nats-chaos check` judges the run the same way.
     * Absent only in files written before it was recorded.
     */
    checkOptions?: Record<string, unknown>;
    checks: {
      name: string;
      verdict: Verdict;
      summary: string;
      evidence: unknown[];
      figures: Record<string, number>;
    }[];
  }[];
  /**
   * The design record's claims read from the scenarios (holds, holds in part, fails, unknown),
   * with the evidence behind each part. Absent when no claim's scenario ran, and in files
   * written before claims were judged. Claims do not change `verdict` or the exit code.
   */
  claims?: ClaimResult[];
}

export function buildResults(
  base: {
    deployment: string;
    backend: string;
    seed: number;
    startedAt: string;
    durationMs: number;
  },
  scenarios: ScenarioResult[],
  claims: ClaimResult[] = [],
): RunResults {
  return {
    version: 1,
    ...base,
    verdict: combineVerdicts(scenarios.map((s) => s.verdict)),
    ...(claims.length > 0 ? { claims } : {}),
    scenarios: scenarios.map((s) => ({
      name: s.name,
      verdict: s.verdict,
      ...(s.reason ? { reason: s.reason } : {}),
      runDir: s.runDir,
      durationMs: s.durationMs,
      figures: s.figures,
      notes: s.notes,
      // Always written, also when empty: a file without it predates the field.
      checkOptions: s.checkOptions ?? {},
      checks: s.checks.map((c) => ({
        name: c.name,
        verdict: c.verdict,
        summary: c.summary,
        evidence: c.evidence,
        figures: c.figures,
      })),
    })),
  };
}

/** Writes `results` as JSON into `outDir` (as `results.json` unless named otherwise). */
export async function writeResults(
  outDir: string,
  results: RunResults,
  fileName = 'results.json',
): Promise<string> {
  const file = join(outDir, fileName);
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}

const verdictSchema = z.enum(['pass', 'fail', 'unknown']);
const figuresSchema = z.record(z.string(), z.number());
const claimPartSchema = z.looseObject({
  what: z.string(),
  verdict: z.enum(['holds', 'fails', 'unknown']),
  evidence: z.string(),
});

// Only what a reader relies on is checked; fields added later pass through untouched.
const resultsSchema = z.looseObject({
  version: z.literal(1),
  deployment: z.string(),
  backend: z.string(),
  seed: z.number(),
  verdict: verdictSchema,
  startedAt: z.string(),
  durationMs: z.number(),
  scenarios: z.array(
    z.looseObject({
      name: z.string(),
      verdict: verdictSchema,
      reason: z.string().optional(),
      runDir: z.string(),
      durationMs: z.number(),
      figures: figuresSchema,
      notes: z.array(z.string()),
      checkOptions: z.record(z.string(), z.unknown()).optional(),
      checks: z.array(
        z.looseObject({
          name: z.string(),
          verdict: verdictSchema,
          summary: z.string(),
          evidence: z.array(z.unknown()),
          figures: figuresSchema,
        }),
      ),
    }),
  ),
  claims: z
    .array(
      z.looseObject({
        id: z.string(),
        claim: z.string(),
        verdict: z.enum(['holds', 'holds in part', 'fails', 'unknown']),
        scenarios: z.array(z.string()),
        parts: z.array(claimPartSchema),
      }),
    )
    .optional(),
}) satisfies z.ZodType<RunResults>;

/**
 * Reads a `results.json` back. Throws `ResultsFileError` naming the file when it is not JSON or
 * not the shape `writeResults` writes; a missing file is the caller's to handle (ENOENT).
 */
export async function readResults(file: string): Promise<RunResults> {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ResultsFileError(file, `not valid JSON: ${(error as Error).message}`);
  }

  const parsed = resultsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(top level)';
    throw new ResultsFileError(file, `field '${field}': ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as RunResults;
}

/** Exit codes, as Jepsen has them: 0 every check passed, 1 one failed, 2 undecided. */
export function exitCodeFor(verdict: Verdict): number {
  return verdict === 'pass' ? 0 : verdict === 'fail' ? 1 : 2;
}
