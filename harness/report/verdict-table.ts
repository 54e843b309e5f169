import type { RunResults } from './results-file.ts';

const MARK = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' } as const;

/** The end-of-run table for people: a row per scenario and check, with its summary. */
export function formatVerdictTable(results: RunResults): string {
  const rows: string[][] = [['scenario', 'check', 'verdict', 'summary']];
  for (const s of results.scenarios) {
    rows.push([s.name, '(scenario)', MARK[s.verdict], s.reason ?? '']);
    for (const c of s.checks) rows.push(['', c.name, MARK[c.verdict], c.summary]);
  }
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((r) => r[col]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd();
  return [
    `deployment ${results.deployment} on ${results.backend}, seed ${results.seed}: ${MARK[results.verdict]}`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
  ].join('\n');
}
