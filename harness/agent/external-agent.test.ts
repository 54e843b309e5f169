import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import { HistoryRecorder } from '../history/recorder.ts';
import type { ProcessEventRecord } from '../history/types.ts';
import type { UserKey } from '../topology/credentials.ts';
import { pollUntil } from '../wait.ts';
import type { BucketWatch } from './bucket-watch.ts';
import { ExternalAgent } from './external-agent.ts';
import { groupAlive, ProcessRunner } from './process-runner.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nats-chaos-external-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * An agent process with no supercluster behind it: the supervision (spawn, exit, stop, output
 * capture) does not need one. No server runs, so nothing sees the agent connected anywhere.
 */
function agent(name: string, command: string, graceMs = 2000) {
  const recorder = new HistoryRecorder({
    runId: 'r',
    scenario: 's',
    deployment: 'd',
    backend: 'process',
    seed: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
  });
  const key: UserKey = {
    user: 'agent',
    account: 'HARMONY',
    role: 'agent',
    publicKey: 'U-not-used',
    seedFile: '/nonexistent/agent.nk',
  };
  const cluster = { servers: [], credentials: new Map([['agent', key]]) };
  const watch = { deliveries: 0, keys: new Set<string>() };
  const logFile = join(dir, `${name}.log`);
  const external = new ExternalAgent({
    contract: {
      version: 1,
      runId: 'r',
      agentId: 'agent-1',
      urls: ['nats://127.0.0.1:1'],
      seedFile: key.seedFile,
      bucket: 'HARMONY',
      historyFile: join(dir, name, 'history.jsonl'),
      keys: ['key.0'],
      client: { ignoreAuthErrorAbort: true, reconnectTimeWaitMs: 250, requestTimeoutMs: 2000 },
    },
    runner: new ProcessRunner('agent-1', command),
    dir: join(dir, name),
    logFile,
    cluster: cluster as unknown as StartedSupercluster,
    recorder,
    watch: watch as unknown as BucketWatch,
    graceMs,
  });
  const events = () =>
    recorder.records.filter(
      (r): r is ProcessEventRecord => r.type === 'event' && r.op === 'process',
    );
  return { external, events, log: () => readFile(logFile, 'utf8').catch(() => '') };
}

const waitFor = (what: string, probe: () => Promise<boolean> | boolean) =>
  pollUntil(async () => ((await probe()) ? true : undefined), {
    timeoutMs: 10_000,
    intervalMs: 20,
    condition: what,
  });

describe('supervising an external agent', () => {
  it('hands it the contract and records an exit it was not asked for, with its code', async () => {
    const seed = `SU${'B'.repeat(56)}`;
    const { external, events, log } = agent(
      'exits',
      `echo "$NATS_BUCKET $NATS_CHAOS_AGENT_ID $NATS_URLS"; cat "$NATS_CHAOS_CONTRACT"; ` +
        `echo "seed ${seed}" >&2; exit 3`,
    );
    await external.start();
    await waitFor('the agent exited', () => external.progress.closed);
    await external.stop();

    expect(events().map((e) => [e.state, e.exitCode, e.stopped])).toEqual([
      ['started', undefined, undefined],
      ['exited', 3, false],
    ]);
    const text = await log();
    expect(text).toContain('stdout: HARMONY agent-1 nats://127.0.0.1:1');
    expect(text).toContain('"seedFile": "/nonexistent/agent.nk"');
    expect(text).toContain('stderr: seed [REDACTED SEED]');
    expect(text).not.toContain(seed);
  });

  it('kills an agent that ignores SIGTERM after the grace time, as a stop', async () => {
    const { external, events, log } = agent('stubborn', `trap '' TERM; echo ready; sleep 30`, 300);
    await external.start();
    // A SIGTERM before the shell set its trap would end it at once: stop only once it is ready.
    await waitFor('the agent ignores SIGTERM', async () => (await log()).includes('ready'));
    const pid = events()[0]?.pid;
    const started = performance.now();
    await external.stop();
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(events().at(-1)).toMatchObject({ state: 'exited', stopped: true });
    expect(await groupAlive(pid!)).toBe(false);
  });

  it('counts a program the shell left running as the agent, until the group is gone', async () => {
    const { external, events, log } = agent('background', `sleep 30 & echo left; exit 0`);
    await external.start();
    await waitFor('the shell said it left the program running', async () =>
      (await log()).includes('left'),
    );
    const pid = events()[0]!.pid!;
    // The shell is gone, its program is not: the agent still runs.
    await waitFor('the shell exited', async () => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'gone');
      return stat === 'gone' || / Z /.test(stat);
    });
    expect(external.progress.closed).toBe(false);
    expect(await groupAlive(pid)).toBe(true);

    await external.stop();
    expect(events().at(-1)).toMatchObject({ state: 'exited', stopped: true });
    expect(await groupAlive(pid)).toBe(false);
  });
});
