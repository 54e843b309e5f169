import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Verdict } from '../history/types.ts';
import type { ScenarioResult } from '../scenario/scenario.ts';
import { combineVerdicts } from '../checks/index.ts';

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
    checks: {
      name: string;
      verdict: Verdict;
      summary: string;
      evidence: unknown[];
      figures: Record<string, number>;
    }[];
  }[];
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
): RunResults {
  return {
    version: 1,
    ...base,
    verdict: combineVerdicts(scenarios.map((s) => s.verdict)),
    scenarios: scenarios.map((s) => ({
      name: s.name,
      verdict: s.verdict,
      ...(s.reason ? { reason: s.reason } : {}),
      runDir: s.runDir,
      durationMs: s.durationMs,
      figures: s.figures,
      notes: s.notes,
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

export async function writeResults(outDir: string, results: RunResults): Promise<string> {
  const file = join(outDir, 'results.json');
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}

/** Exit codes, as Jepsen has them: 0 every check passed, 1 one failed, 2 undecided. */
export function exitCodeFor(verdict: Verdict): number {
  return verdict === 'pass' ? 0 : verdict === 'fail' ? 1 : 2;
}
