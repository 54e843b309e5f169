import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../backends/ports.ts';
import { harnessServerPids } from '../testing/leftovers.ts';
import { pollUntil } from '../wait.ts';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));
let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'nats-chaos-cli-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** Runs the CLI to its end; resolves with its exit code and everything it printed. */
function nc(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => output };
}

describe('a Toxiproxy of its own for the proxy mesh', () => {
  it('runs a network scenario through a separately started Toxiproxy API, and removes its proxies', async () => {
    // The project's server started as its own process stands in for a real Toxiproxy: the
    // harness reaches it only through the HTTP API, as it would a real one.
    const [port] = await freePorts(1);
    const toxiproxy = nc(['toxiproxy', '--port', String(port)]);
    const url = `http://127.0.0.1:${port}`;
    try {
      await pollUntil(() => new Toxiproxy(url).getVersion(), {
        timeoutMs: 10_000,
        condition: 'the standalone Toxiproxy answers',
      });
      const run = nc(
        ['run', '--scenario', 'wan-latency', '--seed', '3', '--out', out, '--toxiproxy-url', url],
        { DEBUG: 'nats-chaos:proxy-mesh' },
      );
      expect(await run.exited, run.output().slice(-2000)).toBe(0);
      expect(run.output()).toContain(`proxies on ${url}`);
      expect(await new Toxiproxy(url).getAll()).toEqual({});
    } finally {
      toxiproxy.child.kill('SIGINT');
      await toxiproxy.exited;
    }
  });

  it('refuses a Toxiproxy that does not answer, with a typed error and nothing left running', async () => {
    const [port] = await freePorts(1);
    const run = nc(['run', '--scenario', 'wan-latency', '--out', out], {
      TOXIPROXY_URL: `http://127.0.0.1:${port}`,
    });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/TOXIPROXY_UNAVAILABLE: no Toxiproxy API answers at http:\/\/127/);
    const runId = /run (\S+): starting/.exec(run.output())?.[1];
    if (runId) expect(await harnessServerPids(runId)).toEqual([]);
  });

  it('refuses a --toxiproxy-url that is not a URL', async () => {
    const run = nc(['run', '--toxiproxy-url', 'not a url', '--out', out]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/USAGE: --toxiproxy-url: 'not a url' is not a URL/);
  });
});
