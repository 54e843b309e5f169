import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './history-builder.ts';
import {
  CHECKERS,
  CheckerOptionsError,
  combineVerdicts,
  runCheckers,
  UnknownCheckerError,
} from './index.ts';

function run() {
  const b = new HistoryBuilder();
  b.put('agent-1', 'a', 'agent-1:1', 1, { site: 'site-1' });
  b.get('agent-1', 'a', 'agent-1:1', 1, { site: 'site-1' });
  b.watch('agent-1/watch', 'a', 'agent-1:1', 1);
  b.finalRead('a', 'agent-1:1', 1);
  const replica = { stream: 'KV_b', site: 'site-1', firstSeq: 1, lastSeq: 1, messages: 1 };
  b.replica({ ...replica, server: 'n1', leader: true });
  b.replica({ ...replica, server: 'n2', leader: false });
  b.ok(b.invoke('observer', 'probe', { site: 'site-1' }), { site: 'site-1' });
  return b.build();
}

describe('combineVerdicts', () => {
  it('fails on any fail, else is unknown on any unknown, else passes', () => {
    expect(combineVerdicts(['pass', 'unknown', 'fail'])).toBe('fail');
    expect(combineVerdicts(['pass', 'unknown', 'pass'])).toBe('unknown');
    expect(combineVerdicts(['pass', 'pass'])).toBe('pass');
    expect(combineVerdicts([])).toBe('unknown');
  });
});

describe('runCheckers', () => {
  it('runs every checker by default, and each passes a clean run', () => {
    const results = runCheckers(run());
    expect(results.map((r) => r.name)).toEqual(Object.keys(CHECKERS));
    expect(results.map((r) => [r.name, r.verdict])).toEqual(
      Object.keys(CHECKERS).map((name) => [name, 'pass']),
    );
  });

  it('runs the named checkers in order, with their options', () => {
    const results = runCheckers(run(), ['availability', 'kv-consistency'], {
      maxUnavailableMs: 1000,
      allowStaleReads: true,
    });
    expect(results.map((r) => r.name)).toEqual(['availability', 'kv-consistency']);
  });

  it('rejects an unknown checker and wrong options before running anything', () => {
    expect(() => runCheckers(run(), ['linearizable'])).toThrow(UnknownCheckerError);
    expect(() => runCheckers(run(), undefined, { maxUnavailableMs: -1 })).toThrow(
      CheckerOptionsError,
    );
    const typo = { allowStaleRead: true } as Record<string, unknown>;
    expect(() => runCheckers(run(), undefined, typo)).toThrow(/allowStaleRead/);
  });
});
