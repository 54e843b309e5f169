/**
 * The example GitHub workflow cannot run here, so this checks what can be checked: it is valid
 * YAML of the expected shape, and every `nats-chaos` command and flag it uses exists.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readPolicy } from '../report/gate-policy.ts';
import { buildProgram } from './main.ts';

const ROOT = new URL('../../', import.meta.url);
const WORKFLOW = fileURLToPath(new URL('.github/workflows/resilience.yml', ROOT));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

async function workflow() {
  const parsed = parse(await readFile(WORKFLOW, 'utf8'), { prettyErrors: true });
  const job = parsed.jobs.suite as {
    strategy: { matrix: { include: { backend: string; run: string }[] } };
    steps: Step[];
  };
  return { parsed, job, matrix: job.strategy.matrix.include, steps: job.steps };
}

/** The `--flags` a command line passes to `nats-chaos <command>` (or `npm run chaos --`). */
function flagsOf(line: string): string[] {
  return [...line.matchAll(/(?<=\s)--[a-z-]+/g)].map((m) => m[0]).filter((f) => f !== '--');
}

function command(name: string): Command {
  const found = buildProgram().commands.find((c) => c.name() === name);
  if (!found) throw new Error(`nats-chaos has no command ${name}`);
  return found;
}

describe('.github/workflows/resilience.yml', () => {
  it('runs the suite on processes and on containers from the official images', async () => {
    const { parsed, matrix } = await workflow();

    expect(Object.keys(parsed.on)).toEqual(
      expect.arrayContaining(['pull_request', 'push', 'schedule']),
    );
    expect(matrix.map((m) => m.backend)).toEqual(['process', 'containers']);
    expect(matrix[0]!.run).toMatch(/npm run chaos -- --seed "\$SEED" --out "\$RUN_DIR"/);
    expect(matrix[1]!.run).toMatch(/nats-chaos run --backend containers /);
    expect(matrix[1]!.run).toMatch(/--nats-image nats:2\.10-alpine/);
    expect(matrix[1]!.run).toMatch(/--toxiproxy-image ghcr\.io\/shopify\/toxiproxy:2\.12\.0/);
  });

  it('uses only commands and flags nats-chaos has', async () => {
    const { matrix, steps } = await workflow();
    const run = command('run');
    const gate = command('gate');
    const gateStep = steps.find((s) => s.run?.includes('nats-chaos gate'));

    for (const { run: line } of matrix) {
      for (const flag of flagsOf(line)) {
        expect(
          run.options.map((o) => o.long),
          `run ${flag}`,
        ).toContain(flag);
      }
    }
    expect(gateStep?.run).toMatch(/nats-chaos gate --policy policies\/harmony-release.json /);
    for (const flag of flagsOf(gateStep!.run!)) {
      expect(
        gate.options.map((o) => o.long),
        `gate ${flag}`,
      ).toContain(flag);
    }
    await expect(
      readPolicy(fileURLToPath(new URL('policies/harmony-release.json', ROOT))),
    ).resolves.toMatchObject({ name: 'harmony-release' });
  });

  it('keeps the run directory as an artifact and gates it even when a check failed', async () => {
    const { steps } = await workflow();
    const suite = steps.find((s) => s.name === 'Run the suite') as Step & Record<string, unknown>;
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const gate = steps.find((s) => s.run?.includes('nats-chaos gate')) as Step & {
      if?: string;
    };

    expect(suite['continue-on-error']).toBe(true);
    expect(upload?.with?.['path']).toBe('${{ env.RUN_DIR }}');
    expect((upload as { if?: string }).if).toBe('always()');
    expect(gate.if).toBe('always()');
    expect(steps.indexOf(upload!)).toBeLessThan(steps.indexOf(gate));
  });
});
