import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepeatSummary } from '../report/flakiness.ts';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'nats-chaos-repeat-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ status: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, output })));
}

describe('nats-chaos run --repeat', () => {
  it('runs the selection twice with one seed and tallies one verdict per check', async () => {
    const result = await cli([
      'run',
      '--scenario',
      'site-failover',
      '--seed',
      '11',
      '--repeat',
      '2',
      '--out',
      out,
    ]);
    const summary = JSON.parse(await readFile(join(out, 'repeats.json'), 'utf8')) as RepeatSummary;
    expect(summary.repetitions).toBe(2);
    expect(summary.seed).toBe(11);
    const checks = summary.tallies.map((t) => t.check);
    expect(checks).toEqual(['(scenario)', 'credential-continuity', 'acknowledged-writes']);
    for (const t of summary.tallies) {
      expect(t.verdicts, `${t.check}: ${result.output.slice(-1500)}`).toHaveLength(2);
      expect(t.counts.pass + t.counts.fail + t.counts.unknown).toBe(2);
    }
    // Both repetitions keep a whole run directory of their own.
    for (const i of [1, 2]) {
      const results = JSON.parse(await readFile(join(out, `repeat-${i}`, 'results.json'), 'utf8'));
      expect(results.seed).toBe(11);
    }
    expect(result.output).toContain('2 repetitions of seed 11');
    expect(result.status).toBe(
      summary.flaky > 0 && summary.verdict === 'pass' ? 2 : summary.verdict === 'pass' ? 0 : 1,
    );
  });

  it('refuses a repeat count that is no whole number from 1 to 100, naming the flag', async () => {
    const result = await cli(['run', '--repeat', '0']);
    expect(result.status).toBe(2);
    expect(result.output).toContain('--repeat');
  });
});
