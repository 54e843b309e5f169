import { describe, expect, it } from 'vitest';
import { checkAcknowledgedWrites } from './acknowledged-writes.ts';
import { checkCredentialContinuity } from './credential-continuity.ts';
import { checkKvConsistency } from './kv-consistency.ts';
import { HistoryBuilder } from './history-builder.ts';
import { formatHistory, parseHistory } from './history-file.ts';

/** An external agent that reports its operations, works through a kill, and is stopped. */
function reportingAgent(exit: { stopped: boolean; exitCode: number | null }) {
  const b = new HistoryBuilder();
  b.processEvent('agent-1', 'started', { pid: 4242 });
  b.put('agent-1', 'a', 'agent-1:1', 1, { site: 'site-2' });
  b.fault({ kind: 'kill', target: { site: 'site-2' }, start: 30, effective: 35, end: 60 });
  b.at(70);
  b.put('agent-1', 'a', 'agent-1:2', 2, { site: 'site-1' });
  const exited = b.processEvent('agent-1', 'exited', exit);
  b.finalRead('a', 'agent-1:2', 2);
  b.ok(b.invoke('observer', 'probe', { site: 'site-1' }), { site: 'site-1' });
  return { history: b.build(), exited };
}

/** An external agent that reports nothing; the observer's watch saw what it wrote. */
function silentAgent() {
  const b = new HistoryBuilder();
  b.processEvent('agent-1', 'started', { pid: 4242 });
  b.watch('observer', 'a', 'theirs:1', 1, { watch: 'observer/watch' });
  b.processEvent('agent-1', 'exited', { stopped: true, exitCode: 0 });
  b.finalRead('a', 'theirs:1', 1);
  b.ok(b.invoke('observer', 'probe', { site: 'site-1' }), { site: 'site-1' });
  return b.build();
}

describe('external agents in credential-continuity', () => {
  it('passes a reporting agent that worked through the fault and was stopped', () => {
    const { history } = reportingAgent({ stopped: true, exitCode: 0 });
    const result = checkCredentialContinuity(history);
    expect(result.verdict).toBe('pass');
    expect(result.figures['agentExits']).toBe(0);
  });

  it('fails an agent that exited before the harness stopped it, pointing at the exit', () => {
    const { history, exited } = reportingAgent({ stopped: false, exitCode: 3 });
    const result = checkCredentialContinuity(history);
    expect(result.verdict).toBe('fail');
    expect(result.figures['agentExits']).toBe(1);
    const evidence = result.evidence.find((e) => e.records.includes(exited));
    expect(evidence?.message).toMatch(/agent-1 exited by itself \(code 3\)/);
  });

  it('fails an agent that exited at once, with no operation in the history', () => {
    const b = new HistoryBuilder();
    b.processEvent('agent-1', 'started', { pid: 1 });
    b.processEvent('agent-1', 'exited', { stopped: false, exitCode: 1 });
    expect(checkCredentialContinuity(b.build()).verdict).toBe('fail');
  });

  it('is unknown, not pass, for an agent that reported nothing, even when probes pass', () => {
    const result = checkCredentialContinuity(silentAgent());
    expect(result.verdict).toBe('unknown');
    expect(result.evidence.map((e) => e.message).join('\n')).toMatch(/reported no operation/);
  });
});

describe('external agents in acknowledged-writes', () => {
  it('fails a value no invoke wrote when every agent reports its writes', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.finalRead('a', 'nobody:1', 2);
    expect(checkAcknowledgedWrites(b.build()).verdict).toBe('fail');
  });

  it('is unknown for a value no invoke wrote when an external agent reported nothing', () => {
    const result = checkAcknowledgedWrites(silentAgent());
    expect(result.verdict).toBe('unknown');
    expect(result.figures['unwrittenValues']).toBe(1);
  });

  it('fails an ack whose revision the observer saw holding another value', () => {
    const b = new HistoryBuilder();
    b.processEvent('agent-1', 'started');
    b.watch('observer', 'a', 'agent-1:real', 1, { watch: 'observer/watch' });
    b.put('agent-1', 'a', 'agent-1:claimed', 1);
    b.put('agent-1', 'a', 'agent-1:2', 2);
    b.finalRead('a', 'agent-1:2', 2);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures['conflicts']).toBeGreaterThan(0);
  });
});

describe('external agents in kv-consistency', () => {
  it("is unknown when an agent reported nothing, though the observer's watch was consistent", () => {
    const result = checkKvConsistency(silentAgent());
    expect(result.verdict).toBe('unknown');
    expect(result.figures['watchDeliveries']).toBe(1);
    expect(result.evidence.map((e) => e.message).join('\n')).toMatch(/agent-1 reported no/);
  });

  it('passes a reporting agent whose reads and the observer watch agree', () => {
    const b = new HistoryBuilder();
    b.processEvent('agent-1', 'started');
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.watch('observer', 'a', 'agent-1:1', 1, { watch: 'observer/watch' });
    b.get('agent-1', 'a', 'agent-1:1', 1);
    expect(checkKvConsistency(b.build()).verdict).toBe('pass');
  });

  it("fails a gap in the observer's watch of an agent's acknowledged writes", () => {
    const b = new HistoryBuilder();
    b.processEvent('agent-1', 'started');
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.watch('observer', 'a', 'agent-1:1', 1, { watch: 'observer/watch' });
    b.put('agent-1', 'a', 'agent-1:2', 2);
    b.put('agent-1', 'a', 'agent-1:3', 3);
    b.watch('observer', 'a', 'agent-1:3', 3, { watch: 'observer/watch' });
    expect(checkKvConsistency(b.build()).verdict).toBe('fail');
  });
});

describe('process events in history.jsonl', () => {
  it('round-trip through the reader, and a malformed one is refused at its line', () => {
    const { history } = reportingAgent({ stopped: false, exitCode: null });
    const text = formatHistory(history);
    expect(parseHistory(text).history.records).toEqual(history.records);

    const broken = text.history.replace('"state":"started"', '"state":"sleeping"');
    expect(() => parseHistory({ ...text, history: broken })).toThrow(
      /history.jsonl:2: field state/,
    );
  });
});
