import type { ScenarioResult } from '../scenario/scenario.ts';

/** How many evidence lines of one check an explanation shows. */
const EVIDENCE_LINES = 6;

/**
 * A scenario result told for an assertion message: every check with its verdict and summary,
 * and for each check that did not pass its first evidence lines and the run directory, so a
 * test that fails in CI says why without the run directory at hand.
 */
export function explainResult(result: ScenarioResult): string {
  const lines = [`${result.name}: ${result.verdict} (run directory ${result.runDir})`];
  for (const check of result.checks) {
    lines.push(`  ${check.name}: ${check.verdict}: ${check.summary}`);
    if (check.verdict === 'pass') continue;
    for (const evidence of check.evidence.slice(0, EVIDENCE_LINES)) {
      lines.push(`    - ${evidence.message} [records ${evidence.records.slice(0, 8).join(', ')}]`);
    }
  }
  return [...lines, ...result.notes.map((note) => `  note: ${note}`)].join('\n');
}
