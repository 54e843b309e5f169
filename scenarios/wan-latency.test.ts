import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../harness/scenario/run-scenario.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { wanLatency } from './wan-latency.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nats-chaos-scenario-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('wan-latency', () => {
  it('on harmony: the workload keeps working and reports the latency the WAN added', async () => {
    const result = await runScenario(wanLatency, {
      deployment: await loadDeployment('harmony'),
      seed: 11,
      outDir,
    });
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    // 100 ms +- 20 ms each way on the gateways: a KV operation away from the home site crosses
    // them twice, so it takes at least 2 x 80 ms; before the fault it took a few ms.
    expect(result.figures['gatewayRoundTripMs']).toBeGreaterThanOrEqual(160);
    expect(result.figures['p50LatencyMsDuring']).toBeGreaterThanOrEqual(160);
    expect(result.figures['p50LatencyMsBefore']).toBeLessThan(80);
  });
});
