/**
 * The claim layer: how the harness reads a design record's claims from measured evidence. A
 * scenario's verdict (pass, fail, unknown) says whether the deployment behaved as measured and
 * decides the exit code; a claim's verdict (holds, holds in part, fails) says whether what the
 * design record promised is true, read from the scenarios' checks and figures.
 */
import type { Verdict } from '../history/types.ts';

/** What the evidence says of a claim. */
export type ClaimVerdict = 'holds' | 'holds in part' | 'fails' | 'unknown';

/** What the evidence says of one part of a claim. */
export type PartVerdict = 'holds' | 'fails' | 'unknown';

/** What a claim reads of a scenario's result: the same fields `results.json` stores. */
export interface ScenarioOutcome {
  name: string;
  verdict: Verdict;
  reason?: string;
  figures: Record<string, number>;
  notes: string[];
  checks: { name: string; verdict: Verdict; summary: string; figures: Record<string, number> }[];
}

/** One part of a claim ("R=1 is lost with its site") and the evidence behind its verdict. */
export interface ClaimPart {
  what: string;
  verdict: PartVerdict;
  /** The checks and figures it rests on, in one line for people. */
  evidence: string;
}

/** A claim of the design record, and how to read it from the scenarios that test it. */
export interface Claim {
  /** Stable id: `permissions`, `system-account`, ... */
  id: string;
  /** The claim, in the design record's words or close to them. */
  claim: string;
  /** The scenarios whose results the claim reads. */
  scenarios: string[];
  /**
   * Reads each part of the claim from the outcomes of its scenarios (by name). A scenario that
   * was not run is absent from the map: the parts resting on it are `unknown`.
   */
  judge(outcomes: ReadonlyMap<string, ScenarioOutcome>): ClaimPart[];
}

/** A claim with its verdict, as printed in the ADR table and stored in `results.json`. */
export interface ClaimResult {
  id: string;
  claim: string;
  verdict: ClaimVerdict;
  scenarios: string[];
  parts: ClaimPart[];
}

/**
 * Judges every claim at least one of whose scenarios ran. Claims whose scenarios were all left
 * out of the run (`--scenario`) are left out of the table rather than shown as unknown.
 */
export function judgeClaims(
  claims: readonly Claim[],
  outcomes: readonly ScenarioOutcome[],
): ClaimResult[] {
  const byName = new Map(outcomes.map((o) => [o.name, o]));
  return claims
    .filter((claim) => claim.scenarios.some((name) => byName.has(name)))
    .map((claim) => {
      const parts = claim.judge(byName);
      return {
        id: claim.id,
        claim: claim.claim,
        verdict: combineParts(parts),
        scenarios: claim.scenarios,
        parts,
      };
    });
}

/**
 * A claim holds when every part holds, fails when every part that could be judged fails, and
 * holds in part when some parts hold and others fail. It is `unknown` when no part could be
 * judged, or when every judged part holds but another could not be judged: holding is only
 * said of a claim whose every part was shown.
 */
export function combineParts(parts: readonly ClaimPart[]): ClaimVerdict {
  const holds = parts.filter((p) => p.verdict === 'holds').length;
  const fails = parts.filter((p) => p.verdict === 'fails').length;
  if (holds > 0 && fails > 0) return 'holds in part';
  if (fails > 0) return 'fails';
  if (holds > 0 && holds === parts.length) return 'holds';
  return 'unknown';
}
