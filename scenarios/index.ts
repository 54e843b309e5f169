import type { Scenario } from '../harness/scenario/scenario.ts';
import { partitionHomeSite } from './partition-home-site.ts';
import { randomFaults } from './random-faults.ts';
import { siteFailover } from './site-failover.ts';
import { wanLatency } from './wan-latency.ts';

/** Every scenario the CLI can run, by name, in the order the suite runs them. */
export const SCENARIOS: readonly Scenario[] = [
  siteFailover,
  partitionHomeSite,
  wanLatency,
  randomFaults,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
