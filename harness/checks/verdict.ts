import type { Verdict } from '../history/types.ts';

/**
 * Combines verdicts the way a release gate reads them: any `fail` fails, else any `unknown`
 * leaves the whole undecided, else it passes. No verdict at all is `unknown`: nothing was judged.
 */
export function combineVerdicts(verdicts: Iterable<Verdict>): Verdict {
  let combined: Verdict | undefined;
  for (const verdict of verdicts) {
    if (verdict === 'fail') return 'fail';
    if (verdict === 'unknown' || combined === undefined) combined = verdict;
  }
  return combined ?? 'unknown';
}
