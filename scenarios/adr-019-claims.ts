/**
 * ADR 019's claims, each read from the scenarios that test it. A part `holds` when the
 * measurement agrees with what the ADR says, `fails` when it contradicts it, and is `unknown`
 * when its scenario did not run, could not decide, or is not built yet.
 */
import type { Claim } from '../harness/claims/claim.ts';
import {
  AUTHORIZATION_SYNC,
  CONFIGURATION_DRIFT,
  CREDENTIAL_ROTATION,
  PERMISSIONS,
  SECURITY,
  SYSTEM_ACCOUNT,
} from './adr-019-access-claims.ts';
import { KV_REPLICATION, OPERATIONS, RESILIENCE, SCALABILITY } from './adr-019-data-claims.ts';

/** Every claim of ADR 019 the suite reads, in the ADR's order. */
export const ADR_019_CLAIMS: readonly Claim[] = [
  SYSTEM_ACCOUNT,
  AUTHORIZATION_SYNC,
  KV_REPLICATION,
  PERMISSIONS,
  RESILIENCE,
  SECURITY,
  OPERATIONS,
  SCALABILITY,
  CONFIGURATION_DRIFT,
  CREDENTIAL_ROTATION,
];
