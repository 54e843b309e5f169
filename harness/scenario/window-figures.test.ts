import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../checks/history-builder.ts';
import { countWindow, percentile } from './window-figures.ts';

describe('countWindow', () => {
  // agent-1: an ok put at 100-150, a failed put at 200-210, a timed-out put at 300, a get at
  // 400-420; agent-2: an ok put inside the window that must not be counted for agent-1.
  const b = new HistoryBuilder({ step: 0 });
  b.at(100);
  const put = b.invoke('agent-1', 'put', { key: 'k', value: 'agent-1:1' });
  b.at(150).ok(put, { revision: 1 });
  b.at(200);
  const refused = b.invoke('agent-1', 'put', { key: 'k', value: 'agent-1:2' });
  b.at(210).complete(refused, 'fail', { error: { class: 'no-responders', message: '503' } });
  b.at(300);
  const lost = b.invoke('agent-1', 'put', { key: 'k', value: 'agent-1:3' });
  b.at(305).complete(lost, 'info', { error: { class: 'timeout', message: 'timeout' } });
  b.at(310);
  const other = b.invoke('agent-2', 'put', { key: 'k', value: 'agent-2:1' });
  b.at(320).ok(other, { revision: 2 });
  b.at(400);
  const get = b.invoke('agent-1', 'get', { key: 'k' });
  b.at(420).ok(get, { value: 'agent-2:1', revision: 2 });
  const history = b.build();

  it('counts one process its writes by outcome, with the latency of each ok', () => {
    expect(countWindow(history, { process: 'agent-1', kind: 'write', from: 0, to: 1000 })).toEqual({
      ok: 1,
      failed: 1,
      unknown: 1,
      okLatenciesMs: [50],
    });
  });

  it('leaves out operations invoked outside the window, and reads when writes are asked', () => {
    expect(countWindow(history, { process: 'agent-1', kind: 'write', from: 150, to: 300 })).toEqual(
      { ok: 0, failed: 1, unknown: 0, okLatenciesMs: [] },
    );
    expect(countWindow(history, { process: 'agent-1', kind: 'read', from: 0, to: 1000 })).toEqual({
      ok: 1,
      failed: 0,
      unknown: 0,
      okLatenciesMs: [20],
    });
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
