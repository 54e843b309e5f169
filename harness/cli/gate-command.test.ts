import { spawn } from 'node:child_process';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRun, removeFixtureRuns } from '../report/fixtures/fixture-run.ts';
import { HTML_FILE } from '../report/html-report.ts';
import { JUNIT_FILE } from '../report/junit-report.ts';
import { writeRunReports } from '../report/write-reports.ts';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../policies/harmony-release.json', import.meta.url));

afterAll(removeFixtureRuns);

/** Runs the real command line and waits for it to exit. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cliAt(BIN, ...args);
}

/** Runs the command line through `bin`, such as a symlink to it as npx makes. */
function cliAt(
  bin: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A policy the fixtures can satisfy: their only fault is a latency fault. */
async function fixturePolicy(dir: string): Promise<string> {
  const file = join(dir, 'fixture-policy.json');
  const rules = {
    failedChecks: { max: 0 },
    lostWrites: { max: 0 },
    lockouts: { max: 0 },
    staleReadRate: { max: 0.01, regression: { absolute: 0.01 } },
    unavailableMs: { latency: { max: 1000 } },
  };
  await writeFile(file, JSON.stringify({ name: 'fixture', rules }));
  return file;
}

describe('nats-chaos gate', () => {
  it('fails the four anomalies, pointing at the records junit.xml and report.html show', async () => {
    const { dir, results } = await fixtureRun('four-anomalies');
    await writeRunReports(dir, results);

    const { code, stdout } = await cli('gate', '--policy', await fixturePolicy(dir), dir);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^gate fixture on .*: FAIL\n\nrule +figure +limit +baseline +verdict\n/);
    expect(stdout).toMatch(/\nlost acknowledged writes +1 +<= 0 +- +FAIL\n/);
    expect(stdout).toMatch(/\nlockouts +1 +<= 0 +- +FAIL\n/);
    expect(stdout).toMatch(/\nlongest unavailability under latency \(ms\) +0 +<= 1000 +- +PASS\n/);
    const lost = stdout.match(
      /acknowledged-writes: acknowledged put .* is lost.*\(records ([\d, ]+)\)/,
    );
    expect(lost?.[1]).toBe('24, 25, 44');

    const junit = await readFile(join(dir, JUNIT_FILE), 'utf8');
    expect(junit).toMatch(/<failure [^>]*>[^<]*is lost[^<]*\(records 24, 25, 44\)/);
    const html = await readFile(join(dir, HTML_FILE), 'utf8');
    expect(html).toMatch(
      /data-check="acknowledged-writes"[\s\S]*?<div class="evidence" data-records="24 25 44">/,
    );
  });

  it('keeps its exit code when started through a symlink named nats-chaos, as npx does', async () => {
    const { dir } = await fixtureRun('four-anomalies');
    const link = join(dir, 'nats-chaos');
    await symlink(BIN, link);

    const { code, stdout } = await cliAt(link, 'gate', '--policy', await fixturePolicy(dir), dir);

    expect(stdout).toMatch(/^gate fixture on .*: FAIL/);
    expect(code).toBe(1);
  });

  it('passes the clean history and exits 0', async () => {
    const { dir } = await fixtureRun('no-anomalies');

    const { code, stdout } = await cli('gate', '--policy', await fixturePolicy(dir), dir);

    expect(code).toBe(0);
    expect(stdout).toMatch(/: PASS\n/);
    expect(stdout).not.toMatch(/FAIL|UNKNOWN/);
  });

  it('exits 2 when the shipped policy needs a figure the run does not have', async () => {
    const { dir } = await fixtureRun('no-anomalies');

    const { code, stdout } = await cli('gate', '--policy', SHIPPED, dir);

    expect(code).toBe(2);
    expect(stdout).toMatch(/\nlongest unavailability under kill \(ms\) +- +<= 30000 +- +UNKNOWN\n/);
    expect(stdout).toMatch(/not measured: no kill fault in this run/);
  });

  it('fails a run that got worse than its baseline, naming the baseline', async () => {
    const baseline = await fixtureRun('no-anomalies');
    const current = await fixtureRun('four-anomalies');
    const policy = JSON.stringify({
      name: 'regression',
      rules: { staleReadRate: { max: 0.5, regression: { absolute: 0.01 } } },
    });
    const file = join(current.dir, 'regression.json');
    await writeFile(file, policy);
    const baselineFile = join(baseline.dir, 'results.json');

    const without = await cli('gate', '--policy', file, current.dir);
    const against = await cli('gate', '--policy', file, '--baseline', baselineFile, current.dir);

    expect(without.code).toBe(0);
    expect(against.code).toBe(1);
    expect(against.stdout).toMatch(/\nstale-read rate +0\.333 +<= 0\.5 +0 \(<= 0\.01\) +FAIL\n/);
    expect(against.stdout).toContain(`baseline: ${baselineFile}`);
  });

  it('exits 2 naming the file and the field of a bad policy, and a run without results', async () => {
    const { dir } = await fixtureRun('no-anomalies');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ name: 'bad', rules: { lostWrites: { max: -1 } } }));

    const refused = await cli('gate', '--policy', bad, dir);
    const noResults = await cli('gate', '--policy', SHIPPED, join(dir, 'hand-written'));

    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/POLICY_INVALID: .*bad.json: field 'rules.lostWrites.max': /);
    expect(noResults.code).toBe(2);
    expect(noResults.stderr).toMatch(/USAGE: <run-dir>: no results.json in .*hand-written/);
  });
});
