/**
 * Which checkers judge a stored scenario again, and with which options. What the run recorded
 * comes first, so `check` judges a run the way `run` did even after a scenario has changed.
 */
import { CHECKERS } from '../checks/index.ts';
import type { RunResults } from '../report/results-file.ts';
import type { Scenario } from '../scenario/scenario.ts';

/** A scenario as `results.json` records it. */
export type RecordedScenario = RunResults['scenarios'][number];

/** The checkers to run on one history, and why those. */
export interface CheckPlan {
  checks: string[];
  options: Record<string, unknown>;
  /** For people: where the checks and options came from. */
  source: string;
  /** The scenario is unknown everywhere, so every checker judges it. */
  everyChecker: boolean;
}

/**
 * Plans the checks of the scenario named `scenario` (the history's meta record says which):
 * 1. `recorded`, its entry in the run's `results.json`: the checks that ran, with the options
 *    recorded beside them (or, in a file from before options were recorded, the options the
 *    scenario has now);
 * 2. else the scenario as `find` knows it: its checks and options;
 * 3. else every checker that needs no options, and `source` says so: a history whose scenario is
 *    gone, or one written by hand.
 */
export function planChecks(
  scenario: string,
  recorded: RecordedScenario | undefined,
  find: (name: string) => Scenario | undefined,
): CheckPlan {
  const known = find(scenario);

  if (recorded !== undefined) {
    const checks = recorded.checks.map((c) => c.name);
    if (recorded.checkOptions !== undefined) {
      const source = 'the checks and options results.json records';
      return { checks, options: recorded.checkOptions, source, everyChecker: false };
    }
    const options = known?.checkOptions ?? {};
    const source =
      known === undefined
        ? 'the checks results.json records, without options (it records none)'
        : `the checks results.json records, with the options scenario '${scenario}' has now ` +
          '(results.json records none)';
    return { checks, options, source, everyChecker: false };
  }

  if (known !== undefined) {
    const source = `the checks scenario '${scenario}' asks for`;
    return { checks: known.checks, options: known.checkOptions ?? {}, source, everyChecker: false };
  }

  const source =
    `scenario '${scenario}' is not known to this harness and no results.json records its ` +
    'checks: judged by every checker, without options';
  // expected-outcomes judges only what a scenario stated in its options; without them it would
  // pass having judged nothing, so it has no place among checks run without options.
  const checks = Object.keys(CHECKERS).filter((name) => name !== 'expected-outcomes');
  return { checks, options: {}, source, everyChecker: true };
}
