import { describe, expect, it } from 'vitest';
import { checkCredentialContinuity } from './credential-continuity.ts';
import { HistoryBuilder } from './history-builder.ts';

const authorization = { class: 'authorization', message: 'Authorization Violation' } as const;

/** An agent working through a kill of site-2, and the observer probing both sites after it. */
function healthyRun() {
  const b = new HistoryBuilder();
  b.put('agent-1', 'a', 'agent-1:1', 1, { site: 'site-1' });
  b.fault({ kind: 'kill', target: { site: 'site-2' }, start: 21, effective: 25, end: 100 });
  // The put is invoked at 40 and completes at 50.
  b.at(40);
  const recovered = b.put('agent-1', 'a', 'agent-1:2', 2, { site: 'site-1' });
  b.at(200);
  b.get('agent-1', 'a', 'agent-1:2', 2, { site: 'site-1' });
  for (const site of ['site-1', 'site-2']) b.ok(b.invoke('observer', 'probe', { site }), { site });
  return { b, recovered };
}

describe('credential-continuity', () => {
  it('passes when the agent works through the faults and every probe succeeds', () => {
    const { b, recovered } = healthyRun();
    const result = checkCredentialContinuity(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({
      authorizationErrors: 0,
      permissionErrors: 0,
      lockouts: 0,
      probes: 2,
      failedProbes: 0,
      recoveryMs: 50 - 25,
    });
    const perFault = result.evidence.find((e) => e.faults?.includes(0));
    expect(perFault?.records).toEqual([recovered.completion]);
  });

  it('measures recovery from the start of the fault with recoveryFrom: start', () => {
    const { b } = healthyRun();
    const result = checkCredentialContinuity(b.build(), { recoveryFrom: 'start' });
    expect(result.figures.recoveryMs).toBe(50 - 21);
  });

  it('fails on authorization errors, counted per site', () => {
    const { b } = healthyRun();
    const put = b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:3' });
    const error = b.fail(put, authorization, { site: 'site-2' });
    b.put('agent-1', 'a', 'agent-1:4', 4, { site: 'site-2' });
    const result = checkCredentialContinuity(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures).toMatchObject({
      authorizationErrors: 1,
      'authorizationErrors[site-2]': 1,
    });
    expect(result.evidence.find((e) => e.records.includes(error))?.message).toMatch(
      /site-2: 1 authorization errors/,
    );
  });

  it('fails on permission errors, naming each denied subject once', () => {
    const { b } = healthyRun();
    const denied = { class: 'permission', operation: 'publish', message: 'denied' } as const;
    const records = [1, 2].map(() =>
      b.fail(b.invoke('agent-1', 'get', { key: 'a' }), {
        ...denied,
        subject: '$KV.b.a',
      }),
    );
    const status = b.status('agent-1', 'error', {
      error: { ...denied, operation: 'subscription', subject: '_INBOX.>' },
    });
    const result = checkCredentialContinuity(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures).toMatchObject({ permissionErrors: 3, deniedSubjects: 2 });
    const messages = result.evidence.filter((e) => e.message.startsWith('permission denied'));
    expect(messages).toEqual([
      { message: 'permission denied: publish to $KV.b.a (2 times)', records },
      { message: 'permission denied: subscription to _INBOX.> (1 times)', records: [status] },
    ]);
  });

  it('fails a LOCKOUT: the connection closed after authorization errors', () => {
    const { b } = healthyRun();
    const errors = [1, 2].map(() => b.status('agent-1', 'error', { error: authorization }));
    const closed = b.status('agent-1', 'closed', { error: authorization });
    const result = checkCredentialContinuity(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.lockouts).toBe(1);
    const lockout = result.evidence.find((e) => e.message.startsWith('LOCKOUT'));
    expect(lockout?.records).toEqual([...errors, closed]);
  });

  it('names what closed a locked-out connection when the client said', () => {
    const { b } = healthyRun();
    b.status('agent-1', 'error', { error: authorization });
    const invalidSeed = { class: 'other', message: 'invalid encoding' } as const;
    b.status('agent-1', 'closed', { error: invalidSeed });
    const lockout = checkCredentialContinuity(b.build()).evidence.find((e) =>
      e.message.startsWith('LOCKOUT'),
    );
    expect(lockout?.message).toContain('in a row (closed with other: invalid encoding);');
  });

  it('does not call a close after a successful reconnect a lockout', () => {
    const { b } = healthyRun();
    b.status('agent-1', 'closed');
    expect(checkCredentialContinuity(b.build()).figures.lockouts).toBe(0);
  });

  it('fails a failed probe, naming the site', () => {
    const { b } = healthyRun();
    b.fail(b.invoke('observer', 'probe', { site: 'site-3' }), authorization, { site: 'site-3' });
    const result = checkCredentialContinuity(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.failedProbes).toBe(1);
    expect(result.evidence.some((e) => /probe .* at site-3 failed/.test(e.message))).toBe(true);
  });

  it('fails when an agent never worked again after the last fault ended', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.fault({ kind: 'partition', target: { link: 'site-1->site-2' }, end: 30 });
    b.at(50);
    b.info(b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:2' }));
    const result = checkCredentialContinuity(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.evidence.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/agent-1 never recovered: no ok operation after the last fault/),
    );
    // Reports and scenarios point people at records: no finding may point nowhere.
    expect(result.evidence.every((e) => e.records.length > 0)).toBe(true);
  });

  it('is unknown when a probe did not answer and nothing failed', () => {
    const { b } = healthyRun();
    b.invoke('observer', 'probe', { site: 'site-3' });
    expect(checkCredentialContinuity(b.build()).verdict).toBe('unknown');
  });

  it('is unknown for a history without operations', () => {
    const b = new HistoryBuilder();
    b.status('agent-1', 'connected');
    expect(checkCredentialContinuity(b.build()).verdict).toBe('unknown');
  });
});
