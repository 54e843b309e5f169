import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HistoryFormatError,
  HistoryNotFoundError,
  readHistory,
  runCheckers,
} from '../checks/index.ts';
import { ResultsFileError, UsageError } from '../errors.ts';
import { buildResults, writeResults, type RunResults } from '../report/results-file.ts';
import type { Scenario, ScenarioResult } from '../scenario/scenario.ts';
import { CHECK_RESULTS_FILE, checkCommand } from './check-command.ts';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * A run directory in a fresh temp dir holding copies of the named fixtures as scenario folders,
 * since `check` writes into the directory it judges. Nested one level, so the parent the
 * command looks at for a results.json is ours too.
 */
async function runDirWith(...fixtures: string[]): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'nats-chaos-check-'));
  tempDirs.push(root);
  const run = join(root, 'run');
  await mkdir(run);
  for (const name of fixtures) await cp(join(FIXTURES, name), join(run, name), { recursive: true });
  return run;
}

/** Runs the real command line and waits for it to exit. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** What `promise` rejected with; fails the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** `checkCommand` in this process, with its output captured. */
async function check(dir: string, find: (name: string) => Scenario | undefined = () => undefined) {
  let out = '';
  let err = '';
  const code = await checkCommand(dir, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    findScenario: find,
  });
  return { code, out, err };
}

async function checkResults(dir: string): Promise<RunResults> {
  return JSON.parse(await readFile(join(dir, CHECK_RESULTS_FILE), 'utf8')) as RunResults;
}

function checkNamed(results: RunResults, name: string) {
  const found = results.scenarios[0]?.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${JSON.stringify(results)}`);
  return found;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('nats-chaos check', () => {
  it('fails the hand-written history with exactly its four anomalies, naming their records', async () => {
    const run = await runDirWith('four-anomalies');
    const dir = join(run, 'four-anomalies');

    const { code, stdout, stderr } = await cli('check', dir);

    expect(code).toBe(1);
    expect(stdout).toMatch(/seed 1: FAIL/);
    expect(stderr).toMatch(/scenario 'hand-written' is not known .* every checker/);
    const results = await checkResults(dir);
    expect(results.verdict).toBe('fail');

    const credentials = checkNamed(results, 'credential-continuity');
    expect(credentials.verdict).toBe('fail');
    expect(credentials.figures).toMatchObject({ lockouts: 1, failedProbes: 0, unrecovered: 0 });
    expect(credentials.evidence).toContainEqual({
      message: expect.stringMatching(/^LOCKOUT: agent-2's connection closed after 2 authorization/),
      records: [41, 42, 43],
    });

    const writes = checkNamed(results, 'acknowledged-writes');
    expect(writes.verdict).toBe('fail');
    expect(writes.figures).toMatchObject({ lost: 1, conflicts: 0, unwrittenValues: 0 });
    expect(writes.evidence).toContainEqual({
      message: expect.stringMatching(/put of agent-1:3 to a at revision 4 is lost/),
      records: [24, 25, 44],
    });

    const kv = checkNamed(results, 'kv-consistency');
    expect(kv.verdict).toBe('fail');
    expect(kv.figures).toMatchObject({ staleReads: 1, watchGaps: 1, nonMonotonicReads: 0 });
    expect(kv.evidence).toEqual([
      { message: expect.stringMatching(/skipped revision 6 \(put of c\)/), records: [35, 31, 38] },
      {
        message: expect.stringMatching(/^stale read: agent-2 read b at revision 2/),
        records: [33, 30],
      },
    ]);

    expect(checkNamed(results, 'replica-agreement').verdict).toBe('pass');
    expect(checkNamed(results, 'availability').verdict).toBe('pass');
  });

  it('passes the same history without the anomalies', async () => {
    const run = await runDirWith('no-anomalies');

    const { code, stdout } = await cli('check', run);

    expect(code).toBe(0);
    expect(stdout).toMatch(/seed 1: PASS/);
    const results = await checkResults(run);
    expect(results.scenarios[0]?.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['credential-continuity', 'pass'],
      ['acknowledged-writes', 'pass'],
      ['kv-consistency', 'pass'],
      ['replica-agreement', 'pass'],
      ['availability', 'pass'],
      // expected-outcomes is not among them: for a scenario it does not know nothing was
      // stated, and a check that judged nothing must not count as a pass.
    ]);
  });

  it('exits 2 on a malformed history, naming the file and the line, and writes nothing', async () => {
    const run = await runDirWith('no-anomalies');
    const file = join(run, 'no-anomalies', 'history.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[19] = '{"index":19,"type":"ok",'; // line 20, not the last: not a crash's cut-off line
    await writeFile(file, lines.join('\n'));

    const { code, stdout, stderr } = await cli('check', run);

    expect(code).toBe(2);
    expect(stderr).toContain(`HISTORY_FORMAT: ${file}:20: not valid JSON`);
    expect(stdout).toBe('');
    expect(await exists(join(run, CHECK_RESULTS_FILE))).toBe(false);
    const error = await rejection(check(run));
    expect(error).toBeInstanceOf(HistoryFormatError);
    expect(error).toMatchObject({
      code: 'HISTORY_FORMAT',
      problem: 'malformed-line',
      file,
      line: 20,
    });
  });

  it('exits 2 on a directory that does not exist', async () => {
    const missing = join(await runDirWith(), 'no-such-run');

    const { code, stderr } = await cli('check', missing);

    expect(code).toBe(2);
    expect(stderr).toContain(`HISTORY_NOT_FOUND: ${missing}: no such file`);
  });

  it('refuses a directory without any history', async () => {
    const run = await runDirWith();
    const error = await rejection(check(run));
    expect(error).toBeInstanceOf(HistoryNotFoundError);
    expect(error).toMatchObject({ code: 'HISTORY_NOT_FOUND', file: join(run, 'history.jsonl') });
  });

  it('refuses a file given for the run directory', async () => {
    const run = await runDirWith('no-anomalies');
    const error = await rejection(check(join(run, 'no-anomalies', 'history.jsonl')));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'USAGE', flag: '<run-dir>' });
  });
});

/** results.json as `run` writes it for `history`, judged by `checks` with `options`. */
async function writeRunResults(
  run: string,
  folder: string,
  checks: string[],
  options: Record<string, unknown>,
  extra: Partial<ScenarioResult> = {},
): Promise<RunResults> {
  const { history } = await readHistory(join(run, folder));
  const judged = runCheckers(history, checks, options);
  const scenario: ScenarioResult = {
    name: history.meta.scenario,
    runId: history.meta.runId,
    deployment: 'harmony',
    backend: 'process',
    seed: 1,
    verdict: judged.some((c) => c.verdict === 'fail') ? 'fail' : 'pass',
    checks: judged,
    checkOptions: options,
    figures: { failoverMs: 1234 },
    notes: ['a note of the scenario'],
    runDir: join('/elsewhere', folder),
    durationMs: 5000,
    ...extra,
  };
  const base = {
    deployment: 'harmony',
    backend: 'process',
    seed: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 6000,
  };
  const results = buildResults(base, [scenario]);
  await writeResults(run, results);
  return results;
}

describe('nats-chaos check on a run directory with results.json', () => {
  it('judges with the checks and options the run recorded, as the run did', async () => {
    const run = await runDirWith('four-anomalies');
    // hand-written is no known scenario; the file records what judged it.
    const recorded = await writeRunResults(run, 'four-anomalies', ['kv-consistency'], {
      allowStaleReads: true,
    });
    const before = await readFile(join(run, 'results.json'), 'utf8');

    const { code, err } = await check(run);

    expect(code).toBe(1);
    expect(err).toMatch(
      /\[hand-written\] kv-consistency: the checks and options results.json records/,
    );
    expect(await readFile(join(run, 'results.json'), 'utf8')).toBe(before);
    const again = await checkResults(run);
    const scenario = again.scenarios[0];
    expect(scenario?.checks).toEqual(recorded.scenarios[0]?.checks);
    expect(scenario?.checkOptions).toEqual({ allowStaleReads: true });
    expect(scenario?.checks[0]?.summary).toContain('1 stale (33.3%, allowed)');
    expect(scenario).toMatchObject({
      figures: { failoverMs: 1234 },
      notes: ['a note of the scenario'],
    });
    expect(scenario?.runDir).toBe(join(run, 'four-anomalies'));
  });

  it('keeps a scenario the run could not decide undecided (exit 2), even if its checks pass', async () => {
    const run = await runDirWith('no-anomalies');
    const reason = 'FAULT_NOT_EFFECTIVE: site-2 never went down';
    await writeRunResults(run, 'no-anomalies', ['acknowledged-writes'], {}, { reason });

    const { code, out } = await check(join(run, 'no-anomalies'));

    expect(code).toBe(2);
    expect(out).toMatch(/hand-written +\(scenario\) +UNKNOWN +FAULT_NOT_EFFECTIVE/);
    expect(out).toMatch(/acknowledged-writes +PASS/);
  });

  it('names the history of a scenario results.json lists but whose folder is gone', async () => {
    const run = await runDirWith('no-anomalies');
    const results = await writeRunResults(run, 'no-anomalies', ['acknowledged-writes'], {});
    const [recorded] = results.scenarios;
    results.scenarios.push({ ...recorded!, name: 'another-scenario' });
    await writeResults(run, results);

    const error = await rejection(check(run));
    expect(error).toBeInstanceOf(HistoryNotFoundError);
    expect(error).toMatchObject({ file: join(run, 'another-scenario', 'history.jsonl') });

    await rm(join(run, 'no-anomalies'), { recursive: true });
    const none = await rejection(check(run));
    expect(none).toMatchObject({ file: join(run, 'hand-written', 'history.jsonl') });
  });

  it('refuses a results.json that is not what run writes', async () => {
    const run = await runDirWith('no-anomalies');
    await writeFile(join(run, 'results.json'), '{"version":1,"scenarios":"none"}');

    const error = await rejection(check(run));
    expect(error).toBeInstanceOf(ResultsFileError);
    expect(error).toMatchObject({ code: 'RESULTS_INVALID', file: join(run, 'results.json') });
  });

  it('uses the scenario registry when there is no results.json', async () => {
    const run = await runDirWith('four-anomalies');
    const scenario = fakeScenario(['acknowledged-writes'], {});

    const { code, err } = await check(run, (name) =>
      name === 'hand-written' ? scenario : undefined,
    );

    expect(code).toBe(1);
    expect(err).toContain(
      "[hand-written] acknowledged-writes: the checks scenario 'hand-written' asks for",
    );
    expect((await checkResults(run)).scenarios[0]?.checks.map((c) => c.name)).toEqual([
      'acknowledged-writes',
    ]);
  });
});

function fakeScenario(checks: string[], checkOptions: Record<string, unknown>): Scenario {
  return {
    name: 'hand-written',
    description: 'a scenario of the tests',
    checks,
    checkOptions,
    run: () => Promise.reject(new Error('a stored run is never run again')),
  };
}
