import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeClaims } from '../harness/claims/claim.ts';
import { runScenario } from '../harness/scenario/run-scenario.ts';
import type { ScenarioResult } from '../harness/scenario/scenario.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { CLAIMS } from './index.ts';
import { subjectPermissions } from './subject-permissions.ts';

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nats-chaos-scenario-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const run = async (deployment: string) =>
  runScenario(subjectPermissions, {
    deployment: await loadDeployment(deployment),
    seed: 3,
    outDir: join(outDir, deployment),
  });

const evidence = (r: ScenarioResult) =>
  r.checks.flatMap((c) => c.evidence.map((e) => e.message)).join('\n');
const claim = (r: ScenarioResult) => judgeClaims(CLAIMS, [r]).find((c) => c.id === 'permissions')!;

describe('subject-permissions', () => {
  it('on harmony: each missing subject is denied in turn, and the agent runs every operation', async () => {
    const result = await run('harmony');
    expect(result.verdict, evidence(result)).toBe('pass');
    expect(result.figures['bulkDelivered[agent-1]']).toBe(300);
    expect(result.figures['bulkDelivered[adr-direct]']).toBeLessThan(300);
    const permissions = claim(result);
    expect(permissions.verdict).toBe('holds in part');
    expect(permissions.parts.map((p) => p.verdict)).toEqual(['holds', 'fails', 'holds']);
  });

  it("on harmony-as-written: fails, because the agent's own list is denied its inbox", async () => {
    const result = await run('harmony-as-written');
    expect(result.verdict).toBe('fail');
    expect(evidence(result)).toMatch(/NOT met: the deployment's agent.*_INBOX\./);
    expect(claim(result).parts.map((p) => p.verdict)).toEqual(['holds', 'fails', 'fails']);
  });
});
