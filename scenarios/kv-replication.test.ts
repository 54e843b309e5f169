import { describe, expect, it } from 'vitest';
import { claimOf, claimRuns, evidenceOf } from './fixtures/claim-runs.ts';
import { kvReplicationHomeSite, kvReplicationSingleServers } from './kv-replication.ts';

const singleServers = claimRuns(kvReplicationSingleServers);
const homeSite = claimRuns(kvReplicationHomeSite);

describe('kv-replication-single-servers', () => {
  it('on harmony: R=3 is refused (10005), R=1 is unavailable with its site and back after', async () => {
    const result = await singleServers('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(evidenceOf(result)).toMatch(
      /create-bucket HARMONY_R3 by operator: jetstream \(code 10005\)/,
    );
    expect(result.figures['writesOk[home]']).toBe(0);
    expect(result.figures['writesFailed[home]']).toBeGreaterThan(0);
  });

  it("on harmony-as-written: fails, the agent's permissions cannot open the bucket", async () => {
    const result = await singleServers('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/NOT met: the deployment's agent opens the bucket.*_INBOX/);
  });
});

describe('kv-replication-home-site', () => {
  it('on harmony: replicas in one site; losing it stops KV, losing another does not', async () => {
    const result = await homeSite('harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['replicaSites']).toBe(1);
    expect(result.figures['writesOk[other]']).toBeGreaterThan(0);
    expect(result.figures['writesOk[home]']).toBe(0);
    const parts = claimOf(result, 'kv-replication').parts.map((p) => [p.what, p.verdict]);
    expect(parts).toContainEqual(['R=3 puts a replica in each site', 'fails']);
    expect(parts).toContainEqual([
      "losing a site other than the bucket's home changes nothing",
      'holds',
    ]);
    expect(parts).toContainEqual(['no acknowledged write is lost with R=3', 'holds']);
  });

  it("on harmony-as-written: fails, the agent's permissions cannot open the bucket", async () => {
    const result = await homeSite('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidenceOf(result)).toMatch(/NOT met: the deployment's agent opens the bucket.*_INBOX/);
  });
});
