import type { Scenario } from '../harness/scenario/scenario.ts';
import { siteFailover } from './site-failover.ts';

/** Every scenario the CLI can run, by name, in the order the suite runs them. */
export const SCENARIOS: readonly Scenario[] = [siteFailover];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
