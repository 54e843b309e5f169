import type { SeededRandom } from '../seeded-random.ts';
import { siteName } from '../topology/plan.ts';

/** The faults a random schedule draws from: each hits one whole site. */
export const SCHEDULE_KINDS = ['kill', 'stop', 'pause', 'partition', 'latency'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** One entry of a schedule: after a quiet stretch, a fault on a site, held for a while. */
export interface ScheduledFault {
  /** Quiet time before the fault, after the previous one healed, ms. */
  quietMs: number;
  kind: ScheduleKind;
  /** The site hit, from 1. */
  site: number;
  /** How long the fault is held once verified, ms. */
  holdMs: number;
}

export interface ScheduleOptions {
  sites: number;
  /** How many faults, one after the other. */
  count: number;
  kinds?: readonly ScheduleKind[];
  /** Inclusive bounds of the quiet time and the hold time, ms. */
  quietMs?: [number, number];
  holdMs?: [number, number];
}

/**
 * Draws a fault schedule from a seeded source: which fault, on which site, when and for how
 * long. The same seed and options give the same schedule, so `--seed N` replays a run's faults.
 * Faults never overlap: each is healed before the next quiet stretch begins, which keeps every
 * verdict attributable to one fault.
 */
export function planSchedule(random: SeededRandom, options: ScheduleOptions): ScheduledFault[] {
  const kinds = options.kinds ?? SCHEDULE_KINDS;
  if (kinds.length === 0) throw new RangeError('a schedule needs at least one fault kind');
  if (options.sites < 1) throw new RangeError('a schedule needs at least one site');
  const [quietMin, quietMax] = options.quietMs ?? [1000, 3000];
  const [holdMin, holdMax] = options.holdMs ?? [2000, 5000];

  return Array.from({ length: options.count }, () => ({
    quietMs: random.int(quietMin, quietMax),
    kind: random.pick(kinds),
    site: random.int(1, options.sites),
    holdMs: random.int(holdMin, holdMax),
  }));
}

/** One line per entry, for the console and the run's notes. */
export function formatSchedule(schedule: readonly ScheduledFault[]): string[] {
  return schedule.map(
    (f, i) =>
      `${i + 1}. after ${f.quietMs} ms quiet: ${f.kind} ${siteName(f.site)} for ${f.holdMs} ms`,
  );
}
