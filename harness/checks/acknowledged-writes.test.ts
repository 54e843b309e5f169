import { describe, expect, it } from 'vitest';
import { checkAcknowledgedWrites } from './acknowledged-writes.ts';
import { HistoryBuilder } from './history-builder.ts';

const timeout = { class: 'timeout', message: 'timed out' } as const;

describe('acknowledged-writes', () => {
  it('passes when every acknowledged write is visible or superseded', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.put('agent-2', 'a', 'agent-2:1', 2);
    b.put('agent-1', 'b', 'agent-1:2', 3);
    b.finalRead('a', 'agent-2:1', 2);
    b.finalRead('b', 'agent-1:2', 3);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({ acknowledged: 3, lost: 0 });
  });

  it('passes when a later delete explains a key with no value', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.ok(b.invoke('agent-2', 'delete', { key: 'a' }));
    b.finalRead('a', null, 0);
    expect(checkAcknowledgedWrites(b.build()).verdict).toBe('pass');
  });

  it('fails on a write lost behind an older value, naming the write', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    const lost = b.put('agent-2', 'a', 'agent-2:1', 2);
    const final = b.finalRead('a', 'agent-1:1', 1);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.lost).toBe(1);
    expect(result.evidence[0]?.records).toEqual([lost.invoke, lost.completion, final]);
    expect(result.evidence[0]?.message).toMatch(/agent-2:1 to a at revision 2 is lost/);
  });

  it('fails when a delete that finished before the write began is the only explanation', () => {
    const b = new HistoryBuilder();
    b.ok(b.invoke('agent-2', 'delete', { key: 'a' }));
    b.put('agent-1', 'a', 'agent-1:1', 2);
    b.finalRead('a', null, 1);
    expect(checkAcknowledgedWrites(b.build()).figures.lost).toBe(1);
  });

  it('fails on a final value no operation wrote', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    const final = b.finalRead('a', 'ghost', 2);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.unwrittenValues).toBe(1);
    expect(result.evidence.some((e) => e.records.includes(final))).toBe(true);
  });

  it('fails on one value seen at two revisions', () => {
    const b = new HistoryBuilder();
    const write = b.put('agent-1', 'a', 'agent-1:1', 1);
    const read = b.get('agent-2', 'a', 'agent-1:1', 2);
    b.finalRead('a', 'agent-1:1', 1);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.conflicts).toBeGreaterThan(0);
    const conflict = result.evidence.find((e) => e.message.includes('seen at 2 revisions'));
    expect(conflict?.records).toEqual(expect.arrayContaining([write.completion, read.completion]));
  });

  it('fails on a watch that saw a write whose revision the stream then gave another write', () => {
    // As measured on nats-server 2.9.10 after a pause of every replica: a put timed out, the
    // watch delivered it at revision 2, then the next acknowledged put also got revision 2.
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.info(b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:2' }), { error: timeout });
    const delivery = b.watch('agent-1/watch', 'a', 'agent-1:2', 2);
    const write = b.put('agent-1', 'b', 'agent-1:3', 2);
    b.finalRead('a', 'agent-1:1', 1);
    b.finalRead('b', 'agent-1:3', 2);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures).toMatchObject({ lost: 0, conflicts: 1 });
    const conflict = result.evidence.find((e) => e.message.startsWith('revision 2 seen'));
    expect(conflict?.message).toBe(
      'revision 2 seen holding a=agent-1:2 (watch) and b=agent-1:3 (final-read, write)',
    );
    expect(conflict?.records).toEqual(expect.arrayContaining([delivery, write.completion]));
  });

  it('counts indeterminate writes and how many were applied, without judging them', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.info(b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:2' }), { error: timeout });
    b.fail(b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:3' }), timeout);
    b.invoke('agent-2', 'put', { key: 'b', value: 'agent-2:1' });
    b.finalRead('a', 'agent-1:2', 2);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({ indeterminate: 3, indeterminateApplied: 1 });
  });

  it('fails on a write that definitely failed yet was applied', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    const refused = b.invoke('agent-1', 'update', { key: 'a', value: 'agent-1:2' });
    b.fail(refused, { class: 'jetstream', message: 'wrong last sequence', code: 10071 });
    b.finalRead('a', 'agent-1:2', 2);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.failedApplied).toBe(1);
  });

  it('is unknown when a key with acknowledged writes has no final read', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.put('agent-1', 'b', 'agent-1:2', 2);
    b.finalRead('a', 'agent-1:1', 1);
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('unknown');
    expect(result.figures.undecidedKeys).toBe(1);
  });

  it('is unknown when the final read of a key failed', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    const read = b.finalRead('a', null, 0, { error: { class: 'no-responders', message: 'no' } });
    const result = checkAcknowledgedWrites(b.build());
    expect(result.verdict).toBe('unknown');
    expect(result.evidence[0]?.records).toContain(read);
  });

  it('is unknown with no acknowledged write at all', () => {
    const b = new HistoryBuilder();
    b.fail(b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:1' }), {
      class: 'no-responders',
      message: 'no responders',
    });
    b.finalRead('a', null, 0);
    expect(checkAcknowledgedWrites(b.build()).verdict).toBe('unknown');
  });
});
