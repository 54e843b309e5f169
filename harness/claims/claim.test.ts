import { describe, expect, it } from 'vitest';
import { combineParts, judgeClaims, type Claim, type ScenarioOutcome } from './claim.ts';
import { expectationMet, holdsIf, partFrom } from './evidence.ts';

const outcome = (name: string, met: Record<string, number>): ScenarioOutcome => ({
  name,
  verdict: 'pass',
  figures: { failoverMs: 120 },
  notes: [],
  checks: [{ name: 'expected-outcomes', verdict: 'pass', summary: '', figures: met }],
});

const claim: Claim = {
  id: 'two-parts',
  claim: 'both things are true',
  scenarios: ['a', 'b'],
  judge: (outcomes) => [
    partFrom('first', 'a', outcomes.get('a'), (o) => ({
      verdict: holdsIf(expectationMet(o, 'first')),
      evidence: 'first expectation',
    })),
    partFrom('second', 'b', outcomes.get('b'), (o) => ({
      verdict: holdsIf(expectationMet(o, 'second')),
      evidence: 'second expectation',
    })),
  ],
};

describe('combineParts', () => {
  const part = (verdict: 'holds' | 'fails' | 'unknown') => ({ what: '', verdict, evidence: '' });
  it('holds only when every part holds', () => {
    expect(combineParts([part('holds'), part('holds')])).toBe('holds');
    expect(combineParts([part('holds'), part('unknown')])).toBe('unknown');
  });
  it('holds in part on a mix, fails when every judged part fails', () => {
    expect(combineParts([part('holds'), part('fails'), part('unknown')])).toBe('holds in part');
    expect(combineParts([part('fails'), part('unknown')])).toBe('fails');
    expect(combineParts([part('unknown')])).toBe('unknown');
    expect(combineParts([])).toBe('unknown');
  });
});

describe('judgeClaims', () => {
  it('reads each part from the expectations its scenarios met', () => {
    const [result] = judgeClaims(
      [claim],
      [outcome('a', { 'met[first]': 1 }), outcome('b', { 'met[second]': 0 })],
    );
    expect(result!.verdict).toBe('holds in part');
    expect(result!.parts.map((p) => p.verdict)).toEqual(['holds', 'fails']);
  });

  it('makes a part unknown when its scenario was not run or could not decide', () => {
    const undecided = { ...outcome('a', { 'met[first]': 1 }), reason: 'FAULT_NOT_EFFECTIVE: x' };
    const [result] = judgeClaims([claim], [undecided]);
    expect(result!.verdict).toBe('unknown');
    expect(result!.parts.map((p) => p.evidence)).toEqual([
      'a could not decide: FAULT_NOT_EFFECTIVE: x',
      'b was not run',
    ]);
  });

  it('leaves out a claim none of whose scenarios ran', () => {
    expect(judgeClaims([claim], [outcome('c', {})])).toEqual([]);
  });
});
