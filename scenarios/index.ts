import type { Claim } from '../harness/claims/claim.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import { ADR_019_CLAIMS } from './adr-019-claims.ts';
import { authorizationSync } from './authorization-sync.ts';
import { configDrift } from './config-drift.ts';
import { credentialRotation } from './credential-rotation.ts';
import { kvMirrors } from './kv-mirrors.ts';
import { kvReplicationHomeSite, kvReplicationSingleServers } from './kv-replication.ts';
import { partitionHomeSite } from './partition-home-site.ts';
import { randomFaults } from './random-faults.ts';
import { resilience } from './resilience.ts';
import { rollingRestart } from './rolling-restart.ts';
import { scalability } from './scalability.ts';
import { security } from './security.ts';
import { siteFailover } from './site-failover.ts';
import { subjectPermissions } from './subject-permissions.ts';
import { systemAccount } from './system-account.ts';
import { wanLatency } from './wan-latency.ts';

/** Every scenario the CLI can run, by name, in the order the suite runs them. */
export const SCENARIOS: readonly Scenario[] = [
  siteFailover,
  partitionHomeSite,
  wanLatency,
  randomFaults,
  // ADR 019: one scenario per claim (see CLAIMS).
  systemAccount,
  authorizationSync('missing-user'),
  authorizationSync('other-key'),
  kvReplicationSingleServers,
  kvReplicationHomeSite,
  kvMirrors,
  subjectPermissions,
  resilience,
  security,
  rollingRestart,
  credentialRotation('site-by-site'),
  credentialRotation('add-then-remove'),
  configDrift,
  scalability,
];

/** The design record's claims the suite reads from the scenarios, in the ADR table's order. */
export const CLAIMS: readonly Claim[] = ADR_019_CLAIMS;

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
