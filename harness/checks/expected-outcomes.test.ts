import { describe, expect, it } from 'vitest';
import { checkExpectedOutcomes, type Expectation } from './expected-outcomes.ts';
import { HistoryBuilder } from './history-builder.ts';
import { runCheckers } from './index.ts';

const denied = (subject: string) => ({
  class: 'permission' as const,
  message: `Permissions Violation for Subscription to "${subject}"`,
  subject,
  operation: 'subscription' as const,
});

/**
 * A SYS user refused with 10039, a user denied its inbox, an agent that works throughout a kill
 * of site-3 and whose puts fail while site-1 is down, and a client locked out at site-3.
 */
function history() {
  const b = new HistoryBuilder();
  b.fail(b.invoke('sys-agent', 'create-bucket', { key: 'HARMONY' }), {
    class: 'jetstream',
    message: 'jetstream not enabled for account',
    code: 10039,
  });
  b.fail(b.invoke('adr-list', 'open-bucket', { key: 'HARMONY' }), denied('_INBOX.abc.*'));
  b.put('agent-1', 'k', 'agent-1:1', 1, { site: 'site-2' });
  const kill3 = b.fault({ kind: 'kill', target: { site: 'site-3' } });
  b.put('agent-1', 'k', 'agent-1:2', 2, { site: 'site-2' });
  b.put('agent-1', 'k', 'agent-1:3', 3, { site: 'site-2' });
  const kill1 = b.fault({ kind: 'kill', target: { site: 'site-1' } });
  b.fail(b.invoke('agent-1', 'put', { key: 'k', value: 'agent-1:4' }), {
    class: 'no-responders',
    message: '503',
  });
  b.info(b.invoke('agent-1', 'get', { key: 'k' }), {
    error: { class: 'timeout', message: 'TIMEOUT' },
  });
  b.status('conn-default', 'connected', { site: 'site-2' });
  b.status('conn-default', 'error', {
    site: 'site-3',
    error: { class: 'authorization', message: 'Authorization Violation' },
  });
  b.status('conn-default', 'error', {
    site: 'site-3',
    error: { class: 'authorization', message: 'Authorization Violation' },
  });
  b.status('conn-default', 'closed');
  b.put('agent-1', 'k', 'agent-1:5', 5, { site: 'site-2' });
  const built = b.build();
  // Fault times: site-3 down around the ok puts 2 and 3, site-1 down around the failures.
  const at = (i: number) => built.records[i]!.time;
  built.faults[kill3] = { ...built.faults[kill3]!, effective: at(7) - 1, end: at(10) + 1 };
  built.faults[kill1] = { ...built.faults[kill1]!, effective: at(11) - 1, end: at(14) + 1 };
  return built;
}

const expectations: Expectation[] = [
  {
    id: 'sys-refused',
    what: 'a SYS user cannot create the bucket',
    process: 'sys-agent',
    ops: ['create-bucket'],
    outcome: 'refused',
    errors: [{ class: 'jetstream', code: 10039 }],
  },
  {
    id: 'inbox-denied',
    what: 'the ADR list is denied its inbox',
    process: 'adr-list',
    outcome: 'refused',
    errors: [{ class: 'permission', subject: '_INBOX.' }],
  },
  {
    id: 'site-3-irrelevant',
    what: 'writes work while site-3 is down',
    process: 'agent-1',
    ops: ['put'],
    outcome: 'ok',
    duringFault: { kind: 'kill', site: 'site-3' },
  },
  {
    id: 'home-down',
    what: 'reads and writes fail while site-1 is down',
    process: 'agent-1',
    ops: ['put', 'get'],
    outcome: 'refused',
    duringFault: { kind: 'kill', site: 'site-1' },
  },
  { id: 'locked', what: 'locked out', process: 'conn-default', outcome: 'locked-out' },
  {
    id: 'agent-alive',
    what: 'agent not locked out',
    process: 'agent-1',
    outcome: 'not-locked-out',
  },
  { id: 'works', what: 'the agent works', process: 'agent-1', outcome: 'some-ok' },
];

describe('expected-outcomes', () => {
  it('passes when every expectation is met, with a met figure per expectation', () => {
    const result = checkExpectedOutcomes(history(), { expectations });
    expect(result.verdict, JSON.stringify(result.evidence)).toBe('pass');
    expect(result.figures['met']).toBe(expectations.length);
    expect(result.figures['met[home-down]']).toBe(1);
  });

  it('fails when a refusal has another cause, naming the error and the denied subject', () => {
    const wrongCause: Expectation = {
      ...expectations[1]!,
      id: 'info-denied',
      errors: [{ class: 'permission', subject: '$JS.API.INFO' }],
    };
    const result = checkExpectedOutcomes(history(), { expectations: [wrongCause] });
    expect(result.verdict).toBe('fail');
    expect(result.figures['met[info-denied]']).toBe(0);
    expect(result.evidence[0]!.message).toMatch(/NOT met.*subscription to _INBOX\.abc\.\* denied/);
    expect(result.evidence[0]!.records.length).toBeGreaterThan(0);
  });

  it('fails when what must be refused succeeds, or what must work does not', () => {
    const inverted: Expectation[] = [
      { ...expectations[2]!, outcome: 'refused' },
      { ...expectations[3]!, outcome: 'ok' },
      { ...expectations[4]!, outcome: 'not-locked-out' },
      { ...expectations[5]!, outcome: 'locked-out' },
    ];
    const result = checkExpectedOutcomes(history(), { expectations: inverted });
    expect(result.verdict).toBe('fail');
    expect(result.figures['unmet']).toBe(4);
    expect(result.evidence.map((e) => e.message).join('\n')).toMatch(/LOCKOUT: conn-default/);
  });

  it('matches words of an error message, and fails on other words', () => {
    const byMessage = (message: string): Expectation => ({
      id: 'by-message',
      what: 'refused for want of JetStream',
      process: 'sys-agent',
      outcome: 'refused',
      errors: [{ class: 'jetstream', message }],
    });
    const met = checkExpectedOutcomes(history(), { expectations: [byMessage('not enabled')] });
    const unmet = checkExpectedOutcomes(history(), { expectations: [byMessage('no suitable')] });
    expect([met.verdict, unmet.verdict]).toEqual(['pass', 'fail']);
  });

  it('is unknown, not pass, when a process never did what is judged', () => {
    const result = checkExpectedOutcomes(history(), {
      expectations: [{ id: 'x', what: 'x', process: 'nobody', outcome: 'ok' }],
    });
    expect(result.verdict).toBe('unknown');
    expect(result.figures['undecided']).toBe(1);
    expect(result.figures['met[x]']).toBeUndefined();
  });

  it('passes with nothing stated, and its options are checked through runCheckers', () => {
    expect(checkExpectedOutcomes(history()).verdict).toBe('pass');
    expect(() =>
      runCheckers(history(), ['expected-outcomes'], {
        expectations: [{ id: 'x' } as unknown as Expectation],
      }),
    ).toThrow(/invalid checker options/);
  });
});
