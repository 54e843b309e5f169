import { describe, expect, it } from 'vitest';
import { checkAvailability, unavailableWindows } from './availability.ts';
import { HistoryBuilder } from './history-builder.ts';

const noResponders = { class: 'no-responders', message: 'no responders' } as const;

/** agent-1 writes on site-2; site-2 is killed from 100 to 200 ms. */
function outage() {
  const b = new HistoryBuilder();
  b.put('agent-1', 'a', 'agent-1:1', 1, { site: 'site-2' });
  b.fault({ kind: 'kill', target: { site: 'site-2' }, start: 100, end: 200 });
  b.at(110);
  const first = b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:2' });
  b.fail(first, noResponders);
  const second = b.invoke('agent-1', 'put', { key: 'a', value: 'agent-1:3' });
  b.at(400).info(second);
  b.put('agent-1', 'a', 'agent-1:4', 4, { site: 'site-1' });
  b.get('agent-2', 'a', 'agent-1:4', 4, { site: 'site-1' });
  return { b, first, second };
}

describe('availability', () => {
  it('passes with no unavailability', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    b.get('agent-1', 'a', 'agent-1:1', 1);
    const result = checkAvailability(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({ readWindows: 0, writeWindows: 0 });
  });

  it('merges consecutive failed and info writes into one window lined up with the fault', () => {
    const { b, first, second } = outage();
    const windows = unavailableWindows(b.build());
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({
      kind: 'write',
      process: 'agent-1',
      sites: ['site-2'],
      start: 110,
      end: 400,
      faults: [0],
      errors: { 'no-responders': 1, unknown: 1 },
    });
    expect(windows[0]?.records).toEqual([first, first + 1, second, second + 1]);
  });

  it('reports unavailability but passes without a limit', () => {
    const { b } = outage();
    const result = checkAvailability(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({
      longestWriteUnavailableMs: 290,
      'longestWriteUnavailableMs[site-2]': 290,
      writeWindows: 1,
      longestReadUnavailableMs: 0,
    });
    expect(result.evidence[0]?.faults).toEqual([0]);
  });

  it('fails a window longer than maxUnavailableMs', () => {
    const { b } = outage();
    expect(checkAvailability(b.build(), { maxUnavailableMs: 300 }).verdict).toBe('pass');
    const result = checkAvailability(b.build(), { maxUnavailableMs: 250 });
    expect(result.verdict).toBe('fail');
    expect(result.evidence[0]?.message).toMatch(/^over 250 ms: writes of agent-1 \(site-2\)/);
  });

  it('counts reads apart from writes and a refused update as an answer', () => {
    const b = new HistoryBuilder();
    b.put('agent-1', 'a', 'agent-1:1', 1);
    const update = b.invoke('agent-1', 'update', { key: 'a', value: 'agent-1:2' });
    b.fail(update, { class: 'jetstream', message: 'wrong last sequence', code: 10071 });
    b.fail(b.invoke('agent-1', 'get', { key: 'a' }), noResponders);
    b.get('agent-1', 'a', 'agent-1:1', 1);
    const result = checkAvailability(b.build());
    expect(result.figures).toMatchObject({ readWindows: 1, writeWindows: 0 });
  });

  it('is unknown without reads or writes', () => {
    const b = new HistoryBuilder();
    b.ok(b.invoke('observer', 'probe', { site: 'site-1' }));
    expect(checkAvailability(b.build()).verdict).toBe('unknown');
  });
});
