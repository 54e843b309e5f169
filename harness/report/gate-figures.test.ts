import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../checks/history-builder.ts';
import type { FaultRecord } from '../history/types.ts';
import { wanLatency } from './gate-figures.ts';
import type { RunResults } from './results-file.ts';

/**
 * One scenario whose agent works from site 2 on a bucket homed in site 1: a slow put while a
 * latency fault on `target` is in effect, and a fast one before it.
 */
function latencyRun(target: FaultRecord['target']) {
  const b = new HistoryBuilder();
  const fast = b.invoke('agent-1', 'put', { key: 'k', value: 'agent-1:1' });
  b.advance(5).ok(fast, { revision: 1, site: 'site-2' });
  b.fault({ kind: 'latency', target, effective: 20, end: 1000 });
  b.at(100);
  const slow = b.invoke('agent-1', 'put', { key: 'k', value: 'agent-1:2' });
  b.advance(210).ok(slow, { revision: 2, site: 'site-2' });
  for (const server of ['site-1-n1', 'site-1-n2', 'site-1-n3']) {
    b.replica({
      stream: 'KV_HARMONY',
      server,
      site: 'site-1',
      firstSeq: 1,
      lastSeq: 2,
      messages: 2,
      leader: false,
    });
  }
  const history = b.build();
  const results = { scenarios: [{ name: 'wan', checks: [] }] } as unknown as RunResults;
  return wanLatency(results, { histories: new Map([['wan', history]]), missing: new Map() });
}

describe('latency under WAN faults', () => {
  it('counts an operation whose path from its site to the home site crosses a slowed link', () => {
    // Only the slow put (over 200 ms) was under the fault; the fast one came before it.
    for (const target of [
      { link: 'all gateway links' },
      { site: 'site-1' },
      { site: 'site-2' },
      { link: 'site-2->site-1' },
    ]) {
      const { p50, p99 } = latencyRun(target);
      expect(p50.value, JSON.stringify(target)).toBeGreaterThanOrEqual(210);
      expect(p99.value).toBe(p50.value);
    }
  });

  it('leaves out an operation whose path a fault on a third site does not touch', () => {
    const figure = latencyRun({ site: 'site-3' }).p50;
    expect(figure.value).toBeUndefined();
    expect(figure.complete).toBe(false);
    expect(latencyRun({ link: 'site-1->site-3' }).p50.value).toBeUndefined();
  });
});
