import { describe, expect, it } from 'vitest';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';
import { kvMirrors } from './kv-mirrors.ts';

const run = claimRuns(kvMirrors);

describe('kv-replication-mirrors', () => {
  it('on harmony: reads go on from the mirrors without the home site, writes do not', async () => {
    const result = await run('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['readsOk[home]']).toBeGreaterThan(0);
    expect(result.figures['writesOk[home]']).toBe(0);
    const mirrors = claimOf(result, 'kv-replication').parts.at(-1)!;
    expect(mirrors.verdict).toBe('holds');
  });

  it('on harmony-as-written: fails, its agent cannot open the bucket', async () => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/NOT met: the deployment's agent opens the bucket.*_INBOX/);
  });
});
