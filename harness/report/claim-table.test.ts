import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClaimResult } from '../claims/claim.ts';
import { buildResults, readResults, writeResults } from './results-file.ts';
import { formatClaimTable, formatVerdictTable } from './verdict-table.ts';

const base = {
  deployment: 'harmony',
  backend: 'process',
  seed: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
};

const claims: ClaimResult[] = [
  {
    id: 'kv-replication',
    claim: 'R=3 keeps the bucket across the sites',
    verdict: 'holds in part',
    scenarios: ['kv-replication-home-site'],
    parts: [
      { what: 'losing another site changes nothing', verdict: 'holds', evidence: '40 writes ok' },
      { what: 'R=3 survives its home site', verdict: 'fails', evidence: '0 writes ok' },
    ],
  },
];

describe('the ADR table', () => {
  it('prints each claim with its verdict, then each part with its evidence', () => {
    const table = formatClaimTable(claims);
    expect(table).toMatch(/kv-replication\s+HOLDS IN PART\s+R=3 keeps/);
    expect(table).toMatch(/\s+fails\s+R=3 survives its home site: 0 writes ok/);
  });

  it('follows the verdict table, and is left out when no claim was judged', () => {
    expect(formatVerdictTable(buildResults(base, [], claims))).toMatch(/ADR claims/);
    expect(formatVerdictTable(buildResults(base, []))).not.toMatch(/ADR claims/);
  });

  it('is stored in results.json and read back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nats-chaos-claims-'));
    try {
      await writeResults(dir, buildResults(base, [], claims));
      expect((await readResults(join(dir, 'results.json'))).claims).toEqual(claims);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
