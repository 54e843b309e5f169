import { join } from 'node:path';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import { userWithRole } from '../topology/credentials.ts';
import { AGENT_CONTRACT_VERSION, type AgentSpec } from './agent-contract.ts';
import { BucketWatch } from './bucket-watch.ts';
import { ContainerRunner } from './container-runner.ts';
import { ExternalAgent } from './external-agent.ts';
import { ProcessRunner } from './process-runner.ts';

/** Where a scenario's external agents come from and where their logs go. */
export interface ExternalAgentSetup {
  spec: AgentSpec;
  /** The scenario's run directory: each agent's log is `<id>.log` there. */
  runDir: string;
}

/**
 * The external agents of one scenario run and the observer's watch of the bucket they share.
 * The watch starts with the first agent, so a run with the reference agent records none.
 */
export class ExternalAgents {
  private readonly started: ExternalAgent[] = [];
  private watch?: BucketWatch;

  constructor(
    private readonly setup: ExternalAgentSetup,
    private readonly cluster: StartedSupercluster,
    private readonly recorder: HistoryRecorder,
  ) {}

  /** Starts the user's agent as `id`, with the sites in failover order from `preferredSite`. */
  async start(id: string, preferredSite: number, keys: string[]): Promise<ExternalAgent> {
    const { spec, runDir } = this.setup;
    const { cluster, recorder } = this;
    this.watch ??= await BucketWatch.start(cluster, recorder);

    const { deployment } = cluster;
    const dir = join(cluster.workspace.dir, 'agents', id);
    const seedFile = userWithRole(cluster.credentials, 'agent').seedFile;
    const runner =
      spec.kind === 'command'
        ? new ProcessRunner(id, spec.command)
        : new ContainerRunner(id, spec.image, cluster.workspace.runId, { seedFile, dir });
    const agent = new ExternalAgent({
      contract: {
        version: AGENT_CONTRACT_VERSION,
        runId: cluster.workspace.runId,
        agentId: id,
        urls: cluster.clientUrls(preferredSite),
        seedFile,
        bucket: deployment.bucket.name,
        historyFile: join(dir, 'history.jsonl'),
        keys,
        client: {
          ignoreAuthErrorAbort: deployment.client.ignoreAuthErrorAbort,
          reconnectTimeWaitMs: deployment.client.reconnectTimeWaitMs,
          requestTimeoutMs: deployment.client.requestTimeoutMs,
        },
      },
      runner,
      dir,
      logFile: join(runDir, `${id}.log`),
      cluster,
      recorder,
      watch: this.watch,
    });
    this.started.push(agent);
    await agent.start();
    return agent;
  }

  /** The keys the observer's watch saw change: the final read covers them too. */
  watchedKeys(): string[] {
    return [...(this.watch?.keys ?? [])];
  }

  /** Problems with the agents' reports, one line per agent, for the scenario's notes. */
  notes(): string[] {
    return this.started.flatMap((a) => a.reportProblems() ?? []);
  }

  /** Stops every agent, then the watch; safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(this.started.map((a) => a.stop()));
    await this.watch?.stop();
  }
}
