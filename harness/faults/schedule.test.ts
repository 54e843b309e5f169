import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../seeded-random.ts';
import { formatSchedule, planSchedule, SCHEDULE_KINDS } from './schedule.ts';

const options = { sites: 3, count: 6 };

describe('planSchedule', () => {
  it('replays: the same seed gives the same schedule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const a = planSchedule(new SeededRandom(seed), options);
        const b = planSchedule(new SeededRandom(seed), options);
        expect(a).toEqual(b);
      }),
    );
  });

  it('differs between seeds', () => {
    const schedules = new Set(
      [1, 2, 3, 4, 5].map((seed) => JSON.stringify(planSchedule(new SeededRandom(seed), options))),
    );
    expect(schedules.size).toBe(5);
  });

  it('stays within the sites, kinds and bounds it was given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const schedule = planSchedule(new SeededRandom(seed), {
          sites: 3,
          count: 10,
          kinds: ['kill', 'partition'],
          quietMs: [100, 200],
          holdMs: [300, 400],
        });
        expect(schedule).toHaveLength(10);
        for (const f of schedule) {
          expect(['kill', 'partition']).toContain(f.kind);
          expect(f.site).toBeGreaterThanOrEqual(1);
          expect(f.site).toBeLessThanOrEqual(3);
          expect(f.quietMs).toBeGreaterThanOrEqual(100);
          expect(f.quietMs).toBeLessThanOrEqual(200);
          expect(f.holdMs).toBeGreaterThanOrEqual(300);
          expect(f.holdMs).toBeLessThanOrEqual(400);
        }
      }),
    );
  });

  it('draws every kind and every site over enough entries', () => {
    const schedule = planSchedule(new SeededRandom(7), { sites: 3, count: 200 });
    expect(new Set(schedule.map((f) => f.kind))).toEqual(new Set(SCHEDULE_KINDS));
    expect(new Set(schedule.map((f) => f.site))).toEqual(new Set([1, 2, 3]));
  });

  it('refuses an empty list of kinds', () => {
    expect(() => planSchedule(new SeededRandom(1), { ...options, kinds: [] })).toThrow(RangeError);
  });

  it('prints one line per entry', () => {
    const lines = formatSchedule([{ quietMs: 1000, kind: 'pause', site: 2, holdMs: 3000 }]);
    expect(lines).toEqual(['1. after 1000 ms quiet: pause site-2 for 3000 ms']);
  });
});
