import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './history-builder.ts';
import { checkKvConsistency } from './kv-consistency.ts';

describe('kv-consistency reads', () => {
  it('passes fresh, monotonic reads of written values', () => {
    const b = new HistoryBuilder();
    b.get('agent-2', 'a', null, 0);
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.get('agent-2', 'a', 'agent-1:1', 1);
    b.put('agent-1', 'a', 'agent-1:2', 2);
    b.get('agent-2', 'a', 'agent-1:2', 2);
    const result = checkKvConsistency(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({ okGets: 3, staleReads: 0, staleReadRate: 0 });
  });

  it('does not call a read stale when the write was still in flight', () => {
    const b = new HistoryBuilder();
    const write = b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:1' });
    b.get('agent-2', 'a', null, 0);
    b.ok(write, { revision: 1 });
    expect(checkKvConsistency(b.build()).verdict).toBe('pass');
  });

  it('fails a stale read, naming the read and the write it missed', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    const newer = b.put('agent-1', 'a', 'agent-1:2', 2);
    const stale = b.get('agent-2', 'a', 'agent-1:1', 1);
    const result = checkKvConsistency(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures).toMatchObject({ staleReads: 1, staleReadRate: 1 });
    expect(result.evidence[0]?.records).toEqual([stale.completion, newer.completion]);
  });

  it('reports stale reads but passes with allowStaleReads', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.put('agent-1', 'a', 'agent-1:2', 2);
    b.get('agent-2', 'a', 'agent-1:1', 1);
    b.get('agent-3', 'a', 'agent-1:2', 2);
    const result = checkKvConsistency(b.build(), { allowStaleReads: true });
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({ staleReads: 1, staleReadRate: 0.5 });
    expect(result.evidence).toHaveLength(1);
    expect(result.summary).toMatch(/1 stale \(50\.0%, allowed\)/);
  });

  it('fails reads that go back in revision for one process', () => {
    const b = new HistoryBuilder();
    const first = b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:1' });
    const second = b.invoke('agent-3', 'put', { key: 'a', value: 'agent-3:1' });
    const newer = b.get('agent-2', 'a', 'agent-3:1', 2);
    const older = b.get('agent-2', 'a', 'agent-1:1', 1);
    b.ok(first, { revision: 1 });
    b.ok(second, { revision: 2 });
    const result = checkKvConsistency(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures).toMatchObject({ nonMonotonicReads: 1, staleReads: 0 });
    expect(result.evidence[0]?.records).toEqual([newer.completion, older.completion]);
  });

  it('accepts reading no value after a delete', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.get('agent-2', 'a', 'agent-1:1', 1);
    b.ok(b.invoke('agent-1', 'delete', { key: 'a' }));
    b.get('agent-2', 'a', null, 0);
    expect(checkKvConsistency(b.build()).verdict).toBe('pass');
  });

  it('fails a read of a value no operation wrote', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    const ghost = b.get('agent-2', 'a', 'ghost', 1);
    const result = checkKvConsistency(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.unwrittenReads).toBe(1);
    expect(result.evidence[0]?.records).toEqual([ghost.completion]);
  });

  it('is unknown with no ok get and no watch delivery', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.info(b.invoke('agent-2', 'get', { key: 'a' }));
    expect(checkKvConsistency(b.build()).verdict).toBe('unknown');
  });
});

describe('kv-consistency watches', () => {
  function watched() {
    const b = new HistoryBuilder();
    const writes = [1, 2, 3].map((revision) =>
      b.put('agent-1', `k${revision}`, `agent-1:${revision}`, revision),
    );
    return { b, writes };
  }

  it('passes a watch that delivered every revision once, in order', () => {
    const { b } = watched();
    [1, 2, 3].forEach((r) => b.watch('agent-1/watch', `k${r}`, `agent-1:${r}`, r));
    const result = checkKvConsistency(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({ watches: 1, watchDeliveries: 3, watchGaps: 0 });
  });

  it('fails a gap, naming the undelivered write', () => {
    const { b, writes } = watched();
    b.watch('agent-1/watch', 'k1', 'agent-1:1', 1);
    b.watch('agent-1/watch', 'k3', 'agent-1:3', 3);
    const result = checkKvConsistency(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.watchGaps).toBe(1);
    expect(result.evidence[0]?.records[0]).toBe(writes[1]?.completion);
  });

  it('fails a duplicate and an out-of-order delivery', () => {
    const { b } = watched();
    b.watch('agent-1/watch', 'k1', 'agent-1:1', 1);
    b.watch('agent-1/watch', 'k3', 'agent-1:3', 3);
    const late = b.watch('agent-1/watch', 'k2', 'agent-1:2', 2);
    const again = b.watch('agent-1/watch', 'k3', 'agent-1:3', 3);
    const result = checkKvConsistency(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures).toMatchObject({ watchOutOfOrder: 1, watchDuplicates: 1, watchGaps: 0 });
    expect(result.evidence.map((e) => e.records.at(-1))).toEqual([late, again]);
  });

  it('keeps watches of different processes apart', () => {
    const { b } = watched();
    [1, 2, 3].forEach((r) => b.watch('agent-1/watch', `k${r}`, `agent-1:${r}`, r));
    [1, 2, 3].forEach((r) => b.watch('agent-2/watch', `k${r}`, `agent-1:${r}`, r));
    expect(checkKvConsistency(b.build()).figures.watchDuplicates).toBe(0);
  });

  it('does not count a revision superseded before the watch started as a gap', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'b', 'agent-1:1', 1);
    b.put('agent-1', 'a', 'agent-1:2', 2);
    b.put('agent-1', 'a', 'agent-1:3', 3);
    // A watch starting now delivers only the latest value of each key.
    b.watch('agent-1/watch', 'b', 'agent-1:1', 1);
    b.watch('agent-1/watch', 'a', 'agent-1:3', 3);
    expect(checkKvConsistency(b.build()).verdict).toBe('pass');
  });
});
