import type { ClaimResult } from '../claims/claim.ts';
import type { RunResults } from './results-file.ts';

const MARK = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' } as const;

/**
 * The end-of-run table for people: a row per scenario and check, with its summary; then, when
 * the run judged the design record's claims, the ADR table.
 */
export function formatVerdictTable(results: RunResults): string {
  const rows: string[][] = [['scenario', 'check', 'verdict', 'summary']];
  for (const s of results.scenarios) {
    rows.push([s.name, '(scenario)', MARK[s.verdict], s.reason ?? '']);
    for (const c of s.checks) rows.push(['', c.name, MARK[c.verdict], c.summary]);
  }
  const table = [
    `deployment ${results.deployment} on ${results.backend}, seed ${results.seed}: ${MARK[results.verdict]}`,
    '',
    ...aligned(rows),
  ];
  if (results.claims?.length) table.push('', formatClaimTable(results.claims));
  return table.join('\n');
}

/**
 * The ADR table: a row per claim with its verdict (HOLDS, HOLDS IN PART, FAILS, UNKNOWN) and
 * the claim, then one line per part with its own verdict and the evidence it rests on.
 */
export function formatClaimTable(claims: readonly ClaimResult[]): string {
  const rows: string[][] = [['claim', 'verdict', 'the ADR says / part: evidence']];
  for (const claim of claims) {
    rows.push([claim.id, claim.verdict.toUpperCase(), claim.claim]);
    for (const part of claim.parts) {
      rows.push(['', `  ${part.verdict}`, `${part.what}: ${part.evidence}`]);
    }
  }
  return ['ADR claims, read from the evidence:', '', ...aligned(rows)].join('\n');
}

/** Pads every column but the last to its widest cell. */
function aligned(rows: string[][]): string[] {
  const last = rows[0]!.length - 1;
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i < last ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd(),
  );
}
