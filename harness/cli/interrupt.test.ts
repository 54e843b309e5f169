import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../wait.ts';
import { harnessServerPids, workspaceExists } from '../testing/leftovers.ts';
import { reapProcessLeftovers } from '../backends/process/process-backend.ts';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));
const outDirs: string[] = [];
afterAll(async () => {
  await Promise.all(outDirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Starts `nats-chaos run` and resolves once it reports the supercluster ready. */
async function startRun() {
  const out = await mkdtemp(join(tmpdir(), 'nats-chaos-cli-'));
  outDirs.push(out);
  const child = spawn(process.execPath, [BIN, 'run', '--seed', '7', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  await pollUntil(async () => (/ready: gateways/.test(output) ? true : undefined), {
    timeoutMs: 60_000,
    condition: 'the run reports the supercluster ready',
    describe: () => output.slice(-500),
  });
  const runId = /run (\S+): starting/.exec(output)?.[1];
  if (!runId) throw new Error(`no run id in the output: ${output.slice(-500)}`);
  expect((await harnessServerPids(runId)).length).toBeGreaterThan(0);
  return { child, exited, runId };
}

describe('interrupting a run', () => {
  it('Ctrl-C stops every server and removes the temp dir', async () => {
    const run = await startRun();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(await harnessServerPids(run.runId)).toEqual([]);
    expect(await workspaceExists(run.runId)).toBe(false);
  });

  it('after a SIGKILL of the harness, the next run reaps what it left', async () => {
    const run = await startRun();
    run.child.kill('SIGKILL');
    await run.exited;
    // The servers outlive a harness killed with SIGKILL: that is what reaping is for.
    expect((await harnessServerPids(run.runId)).length).toBeGreaterThan(0);
    expect(await reapProcessLeftovers()).toContain(run.runId);
    await pollUntil(
      async () => ((await harnessServerPids(run.runId)).length === 0 ? true : undefined),
      { timeoutMs: 5000, condition: 'leftover servers gone' },
    );
    expect(await workspaceExists(run.runId)).toBe(false);
  });
});
