import { describe, expect, it } from 'vitest';
import type { Verdict } from '../history/types.ts';
import { formatRepeatTable, tallyRepeats } from './flakiness.ts';
import type { RunResults } from './results-file.ts';

/** A run of one scenario whose checks came out as given. */
function run(verdict: Verdict, checks: Record<string, Verdict>): RunResults {
  return {
    version: 1,
    deployment: 'harmony',
    backend: 'process',
    seed: 7,
    verdict,
    startedAt: '2026-12-04T00:00:00.000Z',
    durationMs: 1,
    scenarios: [
      {
        name: 'site-failover',
        verdict,
        runDir: '/tmp/x',
        durationMs: 1,
        figures: {},
        notes: [],
        checkOptions: {},
        checks: Object.entries(checks).map(([name, v]) => ({
          name,
          verdict: v,
          summary: '',
          evidence: [],
          figures: {},
        })),
      },
    ],
  } as RunResults;
}

describe('tallyRepeats', () => {
  it('reports one verdict per check when every repetition agreed', () => {
    const same = () =>
      run('pass', { 'acknowledged-writes': 'pass', 'credential-continuity': 'pass' });
    const summary = tallyRepeats([same(), same(), same()]);
    expect(summary.flaky).toBe(0);
    expect(summary.verdict).toBe('pass');
    expect(summary.tallies.map((t) => [t.check, t.counts.pass])).toEqual([
      ['(scenario)', 3],
      ['acknowledged-writes', 3],
      ['credential-continuity', 3],
    ]);
    expect(formatRepeatTable(summary)).toContain('every check gave one verdict');
  });

  it('marks a check flaky when its verdict changed with the same seed, and takes the worst', () => {
    const summary = tallyRepeats([
      run('pass', { 'acknowledged-writes': 'pass' }),
      run('fail', { 'acknowledged-writes': 'fail' }),
      run('unknown', { 'acknowledged-writes': 'unknown' }),
    ]);
    const writes = summary.tallies.find((t) => t.check === 'acknowledged-writes')!;
    expect(writes.flaky).toBe(true);
    expect(writes.counts).toEqual({ pass: 1, fail: 1, unknown: 1 });
    expect(summary.verdict).toBe('fail');
    expect(formatRepeatTable(summary)).toMatch(/FLAKY: pass, fail, unknown/);
  });

  it('counts a check missing from one repetition as a change', () => {
    const summary = tallyRepeats([run('pass', { availability: 'pass' }), run('pass', {})]);
    const availability = summary.tallies.find((t) => t.check === 'availability')!;
    expect(availability.flaky).toBe(true);
    expect(availability.verdicts).toEqual(['pass', null]);
  });
});
