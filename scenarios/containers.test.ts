import { describe, expect, it } from 'vitest';
import { labelledResources } from '../harness/testing/docker-gate.ts';
import { containerRuns } from './fixtures/container-runs.ts';
import { partitionHomeSite } from './partition-home-site.ts';
import { randomFaults } from './random-faults.ts';
import { siteFailover } from './site-failover.ts';
import { wanLatency } from './wan-latency.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

// Seed 55: random-faults kills and stops the home site and pauses site-3, as on processes
// (scenarios/random-faults.test.ts says why not a pause of the home site).
const { run, runIds } = containerRuns(55);

describe('the scenarios on containers', () => {
  it('site-failover passes on harmony', async () => {
    const result = await run(siteFailover, 'harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['failoverMs']).toBeGreaterThan(0);
  });

  it('site-failover fails on harmony-as-written, naming the denied subjects', async () => {
    const result = await run(siteFailover, 'harmony-as-written');
    expect(result.verdict).toBe('fail');
    const continuity = result.checks.find((c) => c.name === 'credential-continuity')!;
    expect(continuity.evidence.map((e) => e.message).join('\n')).toMatch(/_INBOX\./);
  });

  it('partition-home-site passes on harmony: only the home side writes', async () => {
    const result = await run(partitionHomeSite, 'harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['homeSideWritesOkDuringCut']).toBeGreaterThan(0);
    expect(result.figures['awaySideWritesOkDuringCut']).toBe(0);
  });

  it('wan-latency passes on harmony with the latency the WAN added', async () => {
    const result = await run(wanLatency, 'harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['p50LatencyMsDuring']).toBeGreaterThanOrEqual(160);
  });

  it('random-faults passes on harmony', async () => {
    const result = await run(randomFaults, 'harmony');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.notes).toHaveLength(3);
  });

  it('leaves no container, network or volume of its runs behind', () => {
    expect(runIds.length).toBeGreaterThan(0);
    for (const runId of runIds) expect(labelledResources(runId)).toEqual([]);
  });
});
