import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupAlive } from '../harness/agent/process-runner.ts';
import type { ProcessEventRecord } from '../harness/history/types.ts';
import { runScenario } from '../harness/scenario/run-scenario.ts';
import type { Scenario, ScenarioResult } from '../harness/scenario/scenario.ts';
import { harnessServerPids, workspaceExists } from '../harness/testing/leftovers.ts';
import { loadDeployment } from '../harness/topology/load-deployment.ts';
import { siteFailover } from './site-failover.ts';
import { evidenceOf } from './fixtures/claim-runs.ts';

const AGENT = fileURLToPath(
  new URL('../harness/agent/fixtures/external-agent/agent.mjs', import.meta.url),
);
/** Anything shaped like an NKey seed (the same pattern the harness redacts). */
const SEED = /\bS[UAONCPX][A-Z2-7]{56}\b/;

let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'nats-chaos-external-'));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const results: ScenarioResult[] = [];

async function run(
  scenario: Scenario,
  mode: string,
  folder: string,
  deployment = 'harmony',
): Promise<ScenarioResult> {
  const result = await runScenario(scenario, {
    deployment: await loadDeployment(deployment),
    seed: 7,
    outDir: join(outDir, folder),
    agent: { kind: 'command', command: `"${process.execPath}" "${AGENT}" --mode ${mode}` },
  });
  results.push(result);
  return result;
}

/** No fault: the agent works until 30 operations are done, then the run is judged. */
const justWork: Scenario = {
  name: 'external-agent-works',
  description: 'the agent works with no fault',
  checks: ['credential-continuity', 'acknowledged-writes'],
  async run(ctx) {
    const agent = await ctx.startAgent('agent-1');
    await ctx.waitForAgent(agent, '30 ok operations', (p) => p.ok >= 30);
  },
};

const check = (result: ScenarioResult, name: string) => {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
};

async function processEvents(result: ScenarioResult): Promise<ProcessEventRecord[]> {
  const text = await readFile(join(result.runDir, 'history.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((r) => r.type === 'event' && r.op === 'process');
}

/** Every file under `dir`, with its text. */
async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const file = join(e.parentPath, e.name);
        return { file, text: await readFile(file, 'utf8') };
      }),
  );
}

describe('an external agent given as a command', () => {
  it('is judged by site-failover on harmony like the reference agent, and passes', async () => {
    const result = await run(siteFailover, 'work', 'work');
    expect(result.verdict, evidenceOf(result)).toBe('pass');
    expect(result.figures['failoverMs']).toBeGreaterThan(0);
    expect(check(result, 'acknowledged-writes').figures['acknowledged']).toBeGreaterThan(30);
    expect(check(result, 'credential-continuity').figures['agentExits']).toBe(0);

    const events = await processEvents(result);
    expect(events.map((e) => [e.state, e.stopped])).toEqual([
      ['started', undefined],
      ['exited', true],
    ]);
    const history = await readFile(join(result.runDir, 'history.jsonl'), 'utf8');
    expect(history).toContain('"watch":"observer/watch"');
    const log = await readFile(join(result.runDir, 'agent-1.log'), 'utf8');
    expect(log).toMatch(/stdout: agent-1: user U[A-Z2-7]{55}/);
    expect(log).toMatch(/stopped after \d+ operations/);
  });

  it('fails an agent that exits at once; the seed it printed stays out of its log', async () => {
    const result = await run(siteFailover, 'exit-at-once', 'exit-at-once');
    expect(result.verdict, evidenceOf(result)).toBe('fail');
    const continuity = check(result, 'credential-continuity');
    expect(continuity.verdict).toBe('fail');
    expect(continuity.evidence[0]?.message).toMatch(/agent-1 exited by itself \(code 1\)/);
    expect(check(result, 'acknowledged-writes').verdict).toBe('unknown');

    const log = await readFile(join(result.runDir, 'agent-1.log'), 'utf8');
    expect(log).toContain('my seed is [REDACTED SEED]');
    expect(log).not.toMatch(SEED);
  });

  it('fails an agent that reports an ack for a value it never wrote', async () => {
    const result = await run(justWork, 'false-ack', 'false-ack');
    const writes = check(result, 'acknowledged-writes');
    expect(writes.verdict, evidenceOf(result)).toBe('fail');
    expect(writes.figures['conflicts']).toBeGreaterThan(0);
    expect(writes.evidence.map((e) => e.message).join('\n')).toMatch(/agent-1:10-claimed/);
  });

  it('fails on harmony-as-written, naming the subjects the agent reported denied', async () => {
    const result = await run(siteFailover, 'work', 'as-written', 'harmony-as-written');
    expect(result.verdict, evidenceOf(result)).toBe('fail');
    const continuity = check(result, 'credential-continuity');
    expect(continuity.verdict).toBe('fail');
    expect(continuity.evidence.map((e) => e.message).join('\n')).toMatch(/_INBOX\./);
  });

  it('is unknown, not pass, for an agent that works but reports nothing', async () => {
    const result = await run(justWork, 'silent', 'silent');
    expect(result.verdict, evidenceOf(result)).toBe('unknown');
    expect(check(result, 'credential-continuity').verdict).toBe('unknown');
    expect(check(result, 'acknowledged-writes').verdict).toBe('unknown');
  });

  it('leaves no seed in the run directory, and no server, agent or workspace behind', async () => {
    expect(results).toHaveLength(5);
    for (const { file, text } of await filesUnder(outDir)) {
      expect(SEED.test(text), file).toBe(false);
    }
    for (const result of results) {
      expect(await harnessServerPids(result.runId)).toEqual([]);
      expect(await workspaceExists(result.runId)).toBe(false);
      for (const event of await processEvents(result)) {
        if (event.pid === undefined) continue;
        expect(await groupAlive(event.pid), `agent process group ${event.pid}`).toBe(false);
      }
    }
  });
});
