/**
 * Reading a scenario's outcome for a claim: whether an expectation it stated was met, a figure
 * it measured, and a part built from them, so each claim's judge stays a few lines of reading.
 */
import type { ClaimPart, PartVerdict, ScenarioOutcome } from './claim.ts';

/** The `expected-outcomes` check's verdict on one expectation: true, false, or undefined. */
export function expectationMet(
  outcome: ScenarioOutcome | undefined,
  id: string,
): boolean | undefined {
  const check = outcome?.checks.find((c) => c.name === 'expected-outcomes');
  const met = check?.figures[`met[${id}]`];
  return met === undefined ? undefined : met === 1;
}

/** A figure the scenario measured (its own, or a check's when the scenario has none by the name). */
export function figure(outcome: ScenarioOutcome | undefined, name: string): number | undefined {
  if (!outcome) return undefined;
  if (name in outcome.figures) return outcome.figures[name];
  for (const check of outcome.checks) if (name in check.figures) return check.figures[name];
  return undefined;
}

/** Whether one check passed: true, false on `fail`, undefined when unknown or not run. */
export function checkPassed(
  outcome: ScenarioOutcome | undefined,
  name: string,
): boolean | undefined {
  const verdict = outcome?.checks.find((c) => c.name === name)?.verdict;
  return verdict === 'pass' ? true : verdict === 'fail' ? false : undefined;
}

/** One check's verdict and summary, as a piece of evidence: `acknowledged-writes pass (...)`. */
export function checkEvidence(outcome: ScenarioOutcome | undefined, name: string): string {
  const check = outcome?.checks.find((c) => c.name === name);
  return check ? `${name} ${check.verdict}: ${check.summary}` : `no ${name} check`;
}

/**
 * A part of a claim read from one scenario: `unknown` with the reason when the scenario was not
 * run or could not decide; otherwise what `read` makes of it.
 */
export function partFrom(
  what: string,
  scenario: string,
  outcome: ScenarioOutcome | undefined,
  read: (o: ScenarioOutcome) => { verdict: PartVerdict | undefined; evidence: string },
): ClaimPart {
  if (!outcome) return { what, verdict: 'unknown', evidence: `${scenario} was not run` };
  if (outcome.reason) {
    return {
      what,
      verdict: 'unknown',
      evidence: `${scenario} could not decide: ${outcome.reason}`,
    };
  }
  const { verdict, evidence } = read(outcome);
  return { what, verdict: verdict ?? 'unknown', evidence: `${scenario}: ${evidence}` };
}

/** A verdict from a boolean where true means the claim's part holds; undefined stays unknown. */
export function holdsIf(value: boolean | undefined): PartVerdict | undefined {
  return value === undefined ? undefined : value ? 'holds' : 'fails';
}

/** An expectation's state in words, for evidence lines. */
export function metWord(met: boolean | undefined): string {
  return met === undefined ? 'undecided' : met ? 'met' : 'not met';
}

/** A part that no scenario builds yet: always `unknown`, saying so. */
export function notBuilt(what: string, why: string): ClaimPart {
  return { what, verdict: 'unknown', evidence: `not built yet: ${why}` };
}
