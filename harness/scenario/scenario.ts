import type { CheckResult, Verdict } from '../history/types.ts';
import type { Deployment } from '../topology/deployment-schema.ts';
import type { ScenarioContext } from './scenario-context.ts';

/**
 * A resilience scenario: a workload and a schedule of faults against a started supercluster,
 * judged afterwards by checkers reading the recorded history.
 */
export interface Scenario {
  name: string;
  /** One sentence for people: what happens and what should hold. */
  description: string;
  /** The checkers that judge the run, by name. */
  checks: string[];
  /** Options handed to the checkers (thresholds, tolerated anomalies). */
  checkOptions?: Record<string, unknown>;
  /**
   * When the claim under test needs another shape than the given deployment (a user in SYS,
   * R=1, a fourth site, drift), the deployment is derived from the given one in code, so the
   * scenario still runs "on" each shipped deployment: its users, permissions and client.
   */
  derive?: DeploymentDerivation;
  /** Drives the run: start agents, inject and heal faults, wait on progress. */
  run(ctx: ScenarioContext): Promise<void>;
}

/** A documented change to the given deployment, such as "site 3 lacks the agent user". */
export interface DeploymentDerivation {
  /** What is changed, for people: it goes into the scenario's notes. */
  describe: string;
  /** Returns the derived deployment; never changes `given`. */
  apply(given: Deployment): Deployment;
}

/** What a scenario came to. */
export interface ScenarioResult {
  name: string;
  /** The run id: names the run's temp dir and labels what it started. */
  runId: string;
  deployment: string;
  backend: string;
  seed: number;
  verdict: Verdict;
  /** Why the run could not decide, when the verdict is `unknown` for a harness reason. */
  reason?: string;
  checks: CheckResult[];
  /** The options the checkers ran with, when the scenario gave any. */
  checkOptions?: Record<string, unknown>;
  /** Figures the scenario measured itself (recovery times, which side could write). */
  figures: Record<string, number>;
  notes: string[];
  /** Where the history and faults are stored. */
  runDir: string;
  durationMs: number;
}
