import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRun, removeFixtureRuns, type FixtureName } from './fixtures/fixture-run.ts';
import { allowedFrom, evaluateGate, type GateRun } from './gate.ts';
import { parsePolicy, PolicyError, readPolicy, type Policy } from './gate-policy.ts';
import type { RunResults } from './results-file.ts';
import { loadScenarioHistories } from './scenario-histories.ts';

const SHIPPED = fileURLToPath(new URL('../../policies/harmony-release.json', import.meta.url));

afterAll(removeFixtureRuns);

async function gateRun(name: FixtureName, edit?: (r: RunResults) => void): Promise<GateRun> {
  const { dir, results } = await fixtureRun(name, edit);
  return { results, stored: await loadScenarioHistories(dir, results) };
}

/** Every rule the fixtures can measure: their one fault is a latency fault. */
const FIXTURE_POLICY: Policy = {
  name: 'fixture',
  rules: {
    failedChecks: { max: 0 },
    lostWrites: { max: 0 },
    lockouts: { max: 0 },
    staleReadRate: { max: 0.01 },
    unavailableMs: { latency: { max: 1000 } },
    wanLatencyMs: { p50: { max: 100 }, p99: { max: 200 } },
  },
};

function row(outcome: ReturnType<typeof evaluateGate>, rule: string) {
  const found = outcome.rows.find((r) => r.rule === rule);
  if (!found) throw new Error(`no rule ${rule}: ${outcome.rows.map((r) => r.rule).join(', ')}`);
  return found;
}

describe('evaluateGate', () => {
  it('fails the four anomalies, pointing at the records of the lost write and the lockout', async () => {
    const outcome = evaluateGate(FIXTURE_POLICY, await gateRun('four-anomalies'));

    expect(outcome.verdict).toBe('fail');
    const lost = row(outcome, 'lost acknowledged writes');
    expect(lost).toMatchObject({ figure: 1, max: 0, verdict: 'fail' });
    expect(lost.evidence).toEqual([expect.stringMatching(/is lost: .*\(records 24, 25, 44\)$/)]);
    const lockouts = row(outcome, 'lockouts');
    expect(lockouts.verdict).toBe('fail');
    expect(lockouts.evidence).toEqual([
      expect.stringMatching(/LOCKOUT: .*\(records 41, 42, 43\)$/),
    ]);
    expect(row(outcome, 'stale-read rate')).toMatchObject({ figure: 1 / 3, verdict: 'fail' });
    expect(row(outcome, 'failed checks').figure).toBeGreaterThanOrEqual(3);
    // What the fixture does not get wrong passes.
    expect(row(outcome, 'longest unavailability under latency (ms)')).toMatchObject({
      figure: 0,
      verdict: 'pass',
    });
    expect(row(outcome, 'p99 latency under WAN faults (ms)')).toMatchObject({
      figure: 10,
      verdict: 'pass',
    });
  });

  it('passes the same history without the anomalies', async () => {
    const outcome = evaluateGate(FIXTURE_POLICY, await gateRun('no-anomalies'));

    expect(outcome.rows.map((r) => [r.rule, r.verdict, r.reasons])).toEqual(
      outcome.rows.map((r) => [r.rule, 'pass', []]),
    );
    expect(outcome.verdict).toBe('pass');
  });

  it('says unknown, never pass, for a figure the run does not measure', async () => {
    const run = await gateRun('no-anomalies');

    const outcome = evaluateGate(await readPolicy(SHIPPED), run);

    const kill = row(outcome, 'longest unavailability under kill (ms)');
    expect(kill).toMatchObject({ figure: undefined, verdict: 'unknown' });
    expect(kill.reasons).toEqual(['not measured: no kill fault in this run']);
    expect(outcome.verdict).toBe('unknown');
  });

  it('measures a figure from the history when results.json lacks it, unknown without one', async () => {
    // As a results.json written before the checker had the figure.
    const withoutFigures = (r: RunResults) => {
      const kv = r.scenarios[0]!.checks.find((c) => c.name === 'kv-consistency')!;
      kv.figures = {};
    };
    const policy: Policy = { name: 'stale', rules: { staleReadRate: { max: 0.01 } } };
    const run = await gateRun('four-anomalies', withoutFigures);

    expect(row(evaluateGate(policy, run), 'stale-read rate')).toMatchObject({
      figure: 1 / 3,
      verdict: 'fail',
    });

    run.stored.histories.clear();
    run.stored.missing.set('hand-written', 'history.jsonl: no such file');
    const unmeasured = row(evaluateGate(policy, run), 'stale-read rate');
    expect(unmeasured.verdict).toBe('unknown');
    expect(unmeasured.reasons[0]).toMatch(
      /kv-consistency recorded without staleReads and history.jsonl: no such file/,
    );
  });

  it('says which history it could not read for a kind of fault it did not see', async () => {
    const policy: Policy = { name: 'kill', rules: { unavailableMs: { kill: { max: 1 } } } };
    const run = await gateRun('no-anomalies');
    run.stored.histories.clear();
    run.stored.missing.set('hand-written', 'history.jsonl: no such file');

    const kill = row(evaluateGate(policy, run), 'longest unavailability under kill (ms)');

    expect(kill.verdict).toBe('unknown');
    expect(kill.reasons).toEqual([
      'not measured: no kill fault in this run; hand-written: history.jsonl: no such file',
    ]);
  });

  it('reads a check figure only from scenarios that ran the check', async () => {
    const policy: Policy = { name: 'lockouts', rules: { lockouts: { max: 0 } } };
    // A scenario that locks a client out on purpose judges it with its own check instead.
    const run = await gateRun('four-anomalies', (r) => {
      const scenario = r.scenarios[0]!;
      scenario.checks = scenario.checks.filter((c) => c.name !== 'credential-continuity');
    });

    const lockouts = row(evaluateGate(policy, run), 'lockouts');

    expect(lockouts).toMatchObject({ figure: undefined, verdict: 'unknown' });
    expect(lockouts.reasons[0]).toMatch(/no scenario of the run judged credential-continuity/);
  });

  it('reads only the scenarios the policy names, and is unknown when one is missing', async () => {
    const policy: Policy = {
      name: 'scoped',
      scenarios: ['hand-written', 'site-failover'],
      rules: { lostWrites: { max: 0 } },
    };
    const outcome = evaluateGate(policy, await gateRun('no-anomalies'));

    expect(outcome.rows.map((r) => [r.rule, r.verdict])).toEqual([
      ['scenarios the policy reads, missing', 'unknown'],
      ['lost acknowledged writes', 'pass'],
    ]);
    expect(outcome.rows[0]!.reasons).toEqual([
      'the run has no site-failover: the figures leave it out',
    ]);
    const other = { ...policy, scenarios: ['site-failover'] };
    expect(
      row(evaluateGate(other, await gateRun('four-anomalies')), 'lost acknowledged writes'),
    ).toMatchObject({ figure: undefined, verdict: 'unknown' });
  });

  it('never passes a count from a scenario the harness could not finish, but still fails one', async () => {
    const unfinished = (r: RunResults) => {
      r.scenarios[0]!.reason = 'READINESS_TIMEOUT: supercluster not ready';
    };
    const policy: Policy = { name: 'writes', rules: { lostWrites: { max: 0 } } };

    const clean = row(
      evaluateGate(policy, await gateRun('no-anomalies', unfinished)),
      'lost acknowledged writes',
    );
    const lossy = row(
      evaluateGate(policy, await gateRun('four-anomalies', unfinished)),
      'lost acknowledged writes',
    );

    expect(clean).toMatchObject({ figure: 0, verdict: 'unknown' });
    expect(clean.reasons[0]).toMatch(
      /may be an undercount: hand-written: could not decide: READINESS/,
    );
    expect(lossy).toMatchObject({ figure: 1, verdict: 'fail' });
  });

  it('fails a figure that got worse than the baseline allows, within its max', async () => {
    const policy: Policy = {
      name: 'regression',
      rules: { staleReadRate: { max: 0.5, regression: { absolute: 0.01 } } },
    };
    const current = await gateRun('four-anomalies');

    const against = (baseline?: GateRun) =>
      row(evaluateGate(policy, current, baseline), 'stale-read rate');

    expect(against()).toMatchObject({ verdict: 'pass', baseline: undefined });
    const worse = against(await gateRun('no-anomalies'));
    expect(worse).toMatchObject({ figure: 1 / 3, baseline: 0, allowed: 0.01, verdict: 'fail' });
    expect(worse.reasons).toEqual([expect.stringMatching(/worse than the baseline's 0 by more/)]);
    expect(against(await gateRun('four-anomalies'))).toMatchObject({ verdict: 'pass' });

    const noGets = await gateRun('no-anomalies');
    noGets.stored.histories.clear();
    noGets.results.scenarios[0]!.checks = [];
    expect(against(noGets)).toMatchObject({ verdict: 'unknown', baseline: undefined });
  });

  it('allows the larger of the ratio and the absolute tolerance', () => {
    expect(allowedFrom(1000, { ratio: 1.5, absolute: 100 })).toBe(1500);
    expect(allowedFrom(100, { ratio: 1.5, absolute: 100 })).toBe(200);
    expect(allowedFrom(0, { ratio: 2 })).toBe(0);
    expect(allowedFrom(7, {})).toBe(7);
  });
});

describe('policies', () => {
  it('reads the shipped Harmony release policy', async () => {
    const policy = await readPolicy(SHIPPED);

    expect(policy.name).toBe('harmony-release');
    expect(policy.rules.lostWrites).toEqual({ max: 0 });
    expect(Object.keys(policy.rules.unavailableMs ?? {})).toEqual(['kill', 'partition', 'latency']);
  });

  it('names the file and the field of a policy it refuses', async () => {
    const refused = (json: unknown) => {
      try {
        parsePolicy('p.json', json);
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyError);
        const { code, field, file, message } = error as PolicyError;
        return { code, field, file, message };
      }
      throw new Error('accepted');
    };

    expect(refused({ name: 'x', rules: { lockout: { max: 0 } } })).toMatchObject({
      code: 'POLICY_INVALID',
      file: 'p.json',
      field: 'rules.lockout',
      message: expect.stringMatching(/^p.json: field 'rules.lockout': not a field a policy has/),
    });
    expect(refused({ name: 'x', rules: { lostWrites: { max: '0' } } }).field).toBe(
      'rules.lostWrites.max',
    );
    expect(refused({ name: 'x', rules: { unavailableMs: { explode: { max: 1 } } } }).field).toMatch(
      /^rules.unavailableMs/,
    );
    expect(refused({ name: 'x', rules: {}, regression: { ratio: 0.5 } }).field).toBe(
      'regression.ratio',
    );
    expect(refused({ rules: {} }).field).toBe('name');
  });

  it('refuses a policy file that is not JSON', async () => {
    const { dir } = await fixtureRun('no-anomalies');
    const file = join(dir, 'policy.json');
    await writeFile(file, '{ "name": ');

    await expect(readPolicy(file)).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      field: '(file)',
      message: expect.stringContaining(`${file}: field '(file)': not valid JSON`),
    });
  });
});
