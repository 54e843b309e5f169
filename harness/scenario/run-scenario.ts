import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkAgentSpec, type AgentSpec } from '../agent/agent-contract.ts';
import { Observer } from '../agent/observer.ts';
import { startBackend, type BackendName } from '../backends/start-backend.ts';
import { combineVerdicts, runCheckers } from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import { HistoryRecorder } from '../history/recorder.ts';
import type { History, Verdict } from '../history/types.ts';
import { logger } from '../logger.ts';
import { SeededRandom } from '../seeded-random.ts';
import type { LoadedDeployment } from '../topology/load-deployment.ts';
import { newRunId } from '../backends/run-workspace.ts';
import type { Scenario, ScenarioResult } from './scenario.ts';
import { ScenarioContext } from './scenario-context.ts';
import { deriveDeployment } from './derive-deployment.ts';

const log = logger('scenario');

export interface RunScenarioOptions {
  deployment: LoadedDeployment;
  backend?: BackendName;
  seed: number;
  /** The run directory; the scenario writes into a folder of its own name there. */
  outDir: string;
  onProgress?: (line: string) => void;
  /** A real Toxiproxy's API URL for the proxy mesh (default: TOXIPROXY_URL, else built in). */
  toxiproxyUrl?: string;
  /** Images for the container backend; unset ones come from the environment or defaults. */
  images?: { nats?: string; toxiproxy?: string };
  /** The user's own agent, run in place of the reference agent (see agent-contract.ts). */
  agent?: AgentSpec;
}

/**
 * Runs one scenario end to end: start the supercluster, create the bucket, run the scenario,
 * observe the end state, stop everything, and judge the history. Whatever happens, every
 * server and agent is stopped before this returns or throws. A harness failure during the
 * scenario (a fault that never took effect, a supercluster that never became ready) makes
 * the verdict `unknown`; a failure to start at all is thrown.
 */
export async function runScenario(
  scenario: Scenario,
  options: RunScenarioOptions,
): Promise<ScenarioResult> {
  const started = performance.now();
  const deployment = deriveDeployment(scenario, options.deployment);
  const backend = options.backend ?? 'process';
  const progress = (line: string) => options.onProgress?.(`[${scenario.name}] ${line}`);
  const runDir = join(options.outDir, scenario.name);
  if (options.agent) await checkAgentSpec(options.agent);
  await mkdir(runDir, { recursive: true });

  const runId = newRunId();
  const recorder = new HistoryRecorder(
    {
      runId,
      scenario: scenario.name,
      deployment: deployment.name,
      backend,
      seed: options.seed,
      startedAt: new Date().toISOString(),
    },
    { history: join(runDir, 'history.jsonl'), faults: join(runDir, 'faults.jsonl') },
  );

  let reason: string | undefined;
  let ctx: ScenarioContext | undefined;
  try {
    await using cluster = await startBackend(backend, deployment, {
      runId,
      keepLogsIn: runDir,
      toxiproxyUrl: options.toxiproxyUrl,
      images: options.images,
      onProgress: progress,
    });
    await using observer = await Observer.connect(cluster, recorder);
    const bucket = await observer.createBucket();
    progress(
      `bucket ${deployment.bucket.name} ready at R=${deployment.bucket.replicas} in ${Math.round(bucket.elapsedMs)} ms`,
    );

    ctx = new ScenarioContext(
      cluster,
      recorder,
      observer,
      new SeededRandom(options.seed),
      progress,
      options.agent ? { spec: options.agent, runDir } : undefined,
    );
    try {
      await scenario.run(ctx);
    } catch (err) {
      if (!(err instanceof HarnessError)) throw err;
      reason = `${err.code}: ${err.message}`;
      progress(`could not decide: ${reason}`);
    } finally {
      await ctx.stopAgents();
    }

    progress('observing the end state');
    await observer.finalRead(ctx.finalReadKeys());
    await observer.recordReplicas();
    await observer.probeAgentCredentials();
  } finally {
    recorder.close();
  }

  const history: History = {
    meta: recorder.meta,
    records: recorder.records,
    faults: recorder.faults,
  };
  const checks = runCheckers(history, scenario.checks, scenario.checkOptions);
  const verdict: Verdict = reason ? 'unknown' : combineVerdicts(checks.map((c) => c.verdict));
  log('%s on %s: %s', scenario.name, deployment.name, verdict);
  return {
    name: scenario.name,
    runId,
    deployment: deployment.name,
    backend,
    seed: options.seed,
    verdict,
    ...(reason ? { reason } : {}),
    checks,
    ...(scenario.checkOptions ? { checkOptions: scenario.checkOptions } : {}),
    figures: ctx?.figures ?? {},
    notes: [
      ...(scenario.derive
        ? [`runs on ${deployment.name} derived: ${scenario.derive.describe}`]
        : []),
      ...(ctx?.notes ?? []),
    ],
    runDir,
    durationMs: Math.round(performance.now() - started),
  };
}
