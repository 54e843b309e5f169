import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * A random source that replays: the same seed gives the same sequence, so a run's workload and
 * fault schedule can be reproduced with `--seed`.
 */
export class SeededRandom {
  private readonly rng: RandomGenerator;

  constructor(readonly seed: number) {
    this.rng = xoroshiro128plus(seed);
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.rng);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.int(0, 0x7fffffff) / 0x80000000;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A child source for one consumer, so adding a consumer does not shift the others. */
  fork(label: string): SeededRandom {
    let hash = this.seed | 0;
    for (const ch of label) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
    return new SeededRandom(hash >>> 0);
  }
}

/** A fresh seed for a run that was given none; printed so the run can be replayed. */
export function newSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
