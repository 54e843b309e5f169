import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../history/types.ts';
import { checkAcknowledgedWrites } from './acknowledged-writes.ts';
import { buildConcurrentHistory, ticks } from './fixtures/concurrent-history.ts';
import { buildLinearHistory, commands, injection } from './fixtures/linear-history.ts';
import { checkKvConsistency } from './kv-consistency.ts';

const names = (result: CheckResult, index: number) =>
  result.evidence.some((e) => e.records.includes(index));

describe('random linear histories', () => {
  it('pass kv-consistency and acknowledged-writes when nothing is injected', () => {
    fc.assert(
      fc.property(commands, (workload) => {
        const { history } = buildLinearHistory(workload);
        const consistency = checkKvConsistency(history);
        const writes = checkAcknowledgedWrites(history);
        expect(consistency.verdict, consistency.summary).toBe('pass');
        expect(writes.verdict, writes.summary).toBe('pass');
        expect(writes.figures.lost).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('fail kv-consistency on an injected stale read, naming the read', () => {
    fc.assert(
      fc.property(commands, injection('stale-read'), (workload, inject) => {
        const { history, injected } = buildLinearHistory(workload, inject);
        fc.pre(injected !== undefined);
        const result = checkKvConsistency(history);
        expect(result.verdict).toBe('fail');
        expect(result.figures.staleReads).toBe(1);
        expect(names(result, injected ?? -1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('report but allow an injected stale read with allowStaleReads', () => {
    fc.assert(
      fc.property(commands, injection('stale-read'), (workload, inject) => {
        const { history, injected } = buildLinearHistory(workload, inject);
        fc.pre(injected !== undefined);
        const result = checkKvConsistency(history, { allowStaleReads: true });
        expect(result.figures.staleReads).toBe(1);
        expect(result.figures.staleReadRate).toBeGreaterThan(0);
        expect(names(result, injected ?? -1)).toBe(true);
        // Stale reads are allowed; a non-monotonic read they may also cause is not.
        const expected = result.figures.nonMonotonicReads === 0 ? 'pass' : 'fail';
        expect(result.verdict).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('fail kv-consistency on a dropped watch delivery, naming the undelivered write', () => {
    fc.assert(
      fc.property(commands, injection('drop-delivery'), (workload, inject) => {
        const { history, injected } = buildLinearHistory(workload, inject);
        fc.pre(injected !== undefined);
        const result = checkKvConsistency(history);
        expect(result.verdict).toBe('fail');
        expect(result.figures.watchGaps).toBe(1);
        expect(names(result, injected ?? -1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('fail kv-consistency on a duplicate watch delivery, naming the duplicate', () => {
    fc.assert(
      fc.property(commands, injection('duplicate-delivery'), (workload, inject) => {
        const { history, injected } = buildLinearHistory(workload, inject);
        fc.pre(injected !== undefined);
        const result = checkKvConsistency(history);
        expect(result.verdict).toBe('fail');
        expect(result.figures.watchDuplicates).toBe(1);
        expect(names(result, injected ?? -1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('fail acknowledged-writes on a lost acknowledged write, naming the write', () => {
    fc.assert(
      fc.property(commands, injection('lose-write'), (workload, inject) => {
        const { history, injected } = buildLinearHistory(workload, inject);
        fc.pre(injected !== undefined);
        const result = checkAcknowledgedWrites(history);
        expect(result.verdict).toBe('fail');
        expect(result.figures.lost).toBe(1);
        expect(names(result, injected ?? -1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('random concurrent histories', () => {
  it('pass kv-consistency and never fail acknowledged-writes', () => {
    fc.assert(
      fc.property(ticks, (schedule) => {
        const history = buildConcurrentHistory(schedule);
        const consistency = checkKvConsistency(history);
        const writes = checkAcknowledgedWrites(history);
        expect(consistency.verdict, JSON.stringify(consistency.evidence)).not.toBe('fail');
        expect(writes.verdict, JSON.stringify(writes.evidence)).not.toBe('fail');
        expect(writes.figures.indeterminateApplied).toBeLessThanOrEqual(
          writes.figures.indeterminate ?? 0,
        );
      }),
      { numRuns: 500 },
    );
  });
});
