import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/scenario.ts';
import { planChecks, type RecordedScenario } from './check-plan.ts';

describe('planChecks', () => {
  const recorded = (checkOptions?: Record<string, unknown>): RecordedScenario => ({
    name: 'hand-written',
    verdict: 'pass',
    runDir: '/elsewhere',
    durationMs: 1,
    figures: {},
    notes: [],
    ...(checkOptions ? { checkOptions } : {}),
    checks: [{ name: 'kv-consistency', verdict: 'pass', summary: '', evidence: [], figures: {} }],
  });
  const known: Scenario = {
    name: 'hand-written',
    description: 'a scenario of the tests',
    checks: ['acknowledged-writes'],
    checkOptions: { maxUnavailableMs: 5 },
    run: () => Promise.reject(new Error('a plan never runs a scenario')),
  };

  it('prefers what results.json recorded over what the scenario asks for now', () => {
    const plan = planChecks('hand-written', recorded({ allowStaleReads: true }), () => known);
    expect(plan).toMatchObject({
      checks: ['kv-consistency'],
      options: { allowStaleReads: true },
      everyChecker: false,
    });
  });

  it("takes the scenario's options for a results.json from before options were recorded", () => {
    const plan = planChecks('hand-written', recorded(), () => known);
    expect(plan).toMatchObject({ checks: ['kv-consistency'], options: { maxUnavailableMs: 5 } });
    expect(plan.source).toContain('results.json records none');
  });

  it('takes the checks and options of a known scenario when results.json has no entry', () => {
    const plan = planChecks('hand-written', undefined, () => known);
    expect(plan).toMatchObject({
      checks: ['acknowledged-writes'],
      options: { maxUnavailableMs: 5 },
      everyChecker: false,
    });
  });

  it('falls back to every checker, saying so, for a scenario known nowhere', () => {
    const plan = planChecks('hand-written', undefined, () => undefined);
    expect(plan).toMatchObject({
      checks: [
        'credential-continuity',
        'acknowledged-writes',
        'kv-consistency',
        'replica-agreement',
        'availability',
      ],
      options: {},
      everyChecker: true,
    });
    expect(plan.source).toMatch(/not known to this harness/);
  });
});
