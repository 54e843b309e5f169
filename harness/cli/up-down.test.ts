import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { harnessServerPids, workspaceExists } from '../testing/leftovers.ts';
import {
  dockerUp,
  labelledResources,
  skipWithoutDocker,
  testImages,
} from '../testing/docker-gate.ts';
import { pollUntil } from '../wait.ts';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));
const SEED = /\bS[UAONC][A-Z2-7]{56}\b/;

/** Starts `nats-chaos up` and resolves once it says the deployment is up. */
async function startUp(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, 'up', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  await pollUntil(async () => (/ is up: /.test(output) ? true : undefined), {
    timeoutMs: 120_000,
    condition: 'nats-chaos up says the deployment is up',
    describe: () => output.slice(-800),
    abortIf: () => (child.exitCode !== null ? new Error(`up exited: ${output}`) : undefined),
  });
  const runId = /run (\S+) is up/.exec(output)![1]!;
  return { child, exited, runId, output: () => output };
}

/** Runs `nats-chaos down` without blocking this process, which must reap the `up` it started. */
async function down(args: string[]): Promise<{ status: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, 'down', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { status, output };
}

describe('nats-chaos up and down, process backend', () => {
  it('keeps a deployment up, says where; down --run stops it, leaving nothing', async () => {
    const up = await startUp(['--deployment', 'harmony']);
    const text = up.output();
    expect(text).toMatch(/site-1: nats:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/toxiproxy API: http:\/\/127\.0\.0\.1:\d+/);
    expect(text).not.toMatch(SEED);

    const seedFile = /agent seed file: (\S+)/.exec(text)![1]!;
    expect(((await stat(seedFile)).mode & 0o777).toString(8)).toBe('600');
    const connection = /all of it in (\S+)/.exec(text)![1]!;
    expect(JSON.parse(await readFile(connection, 'utf8')).agentSeedFile).toBe(seedFile);
    expect(await readFile(connection, 'utf8')).not.toMatch(SEED);
    expect((await harnessServerPids(up.runId)).length).toBe(9);

    const stopped = await down(['--run', up.runId]);
    expect(stopped.status, stopped.output).toBe(0);
    expect(stopped.output).toContain(`run ${up.runId}`);
    expect(await up.exited).toBe(143);
    expect(await harnessServerPids(up.runId)).toEqual([]);
    expect(await workspaceExists(up.runId)).toBe(false);
  });

  it('down --run with an unknown run id says so and exits 1', async () => {
    const result = await down(['--run', '20990101000000-abcdef']);
    expect(result.status).toBe(1);
    expect(result.output).toContain('no run 20990101000000-abcdef found');
  });
});

describe('nats-chaos up and down, container backend', () => {
  let env: NodeJS.ProcessEnv = {};
  beforeAll(async () => {
    if (!dockerUp) return;
    const images = await testImages();
    env = { NATS_CHAOS_NATS_IMAGE: images.nats, NATS_CHAOS_TOXIPROXY_IMAGE: images.toxiproxy };
  }, 120_000);

  it('after a SIGKILL of the harness, down removes all containers and networks', async (ctx) => {
    skipWithoutDocker(ctx);
    const up = await startUp(['--backend', 'containers', '--no-bucket'], env);
    expect(up.output()).toMatch(/site-3: nats:\/\/127\.0\.0\.1:\d+/);
    up.child.kill('SIGKILL');
    await up.exited;
    // Killed without a chance to clean up: everything it started is still there.
    expect(labelledResources(up.runId).length).toBeGreaterThanOrEqual(1 + 9 + 9);

    const result = await down([]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(up.runId);
    expect(labelledResources(up.runId)).toEqual([]);
  });
});
