import type { StartedSupercluster } from '../backends/supercluster.ts';
import { ReferenceAgent, type AgentProgress } from '../agent/reference-agent.ts';
import { ExternalAgents, type ExternalAgentSetup } from '../agent/external-agents.ts';
import type { Observer } from '../agent/observer.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { NetworkFaults } from '../faults/network-faults.ts';
import { ServerFaults } from '../faults/server-faults.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { History } from '../history/types.ts';
import { userWithRole } from '../topology/credentials.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { pollUntil } from '../wait.ts';

/** The keys every workload uses unless a scenario says otherwise. */
export const DEFAULT_KEYS = Array.from({ length: 8 }, (_, i) => `key.${i}`);

export interface AgentOverrides {
  /** Site whose servers the agent tries first; the deployment's preferred site by default. */
  preferredSite?: number;
  keys?: string[];
  watch?: boolean;
  paceMs?: number;
  writeRatio?: number;
}

/**
 * What a scenario sees of an agent, whichever runs: the reference agent, or the user's own
 * (`--agent-cmd`), judged from outside.
 */
export interface ScenarioAgent {
  readonly id: string;
  readonly progress: AgentProgress;
  /** The site the agent is connected to now, if any. */
  site(): string | undefined;
  stop(): Promise<void>;
}

/**
 * What a scenario works with: the started supercluster, the history recorder, the observer,
 * server faults, and agents it starts (stopped by the runner whatever happens).
 */
export class ScenarioContext {
  readonly agents: ScenarioAgent[] = [];
  readonly faults: ServerFaults;
  /** Figures the scenario measures, reported beside the checks. */
  readonly figures: Record<string, number> = {};
  readonly notes: string[] = [];
  keys = DEFAULT_KEYS;
  private networkFaults?: NetworkFaults;
  private readonly external?: ExternalAgents;

  constructor(
    readonly cluster: StartedSupercluster,
    readonly recorder: HistoryRecorder,
    readonly observer: Observer,
    readonly random: SeededRandom,
    readonly progress: (line: string) => void,
    /** When set, `startAgent` runs the user's agent in place of the reference agent. */
    externalAgent?: ExternalAgentSetup,
  ) {
    this.faults = new ServerFaults(cluster, recorder);
    if (externalAgent) this.external = new ExternalAgents(externalAgent, cluster, recorder);
  }

  /** Faults on links (partitions, degradations); throws MeshMissingError without the mesh. */
  get network(): NetworkFaults {
    this.networkFaults ??= new NetworkFaults(this.cluster, this.recorder);
    return this.networkFaults;
  }

  /** The history recorded so far, for figures a scenario measures as it goes. */
  history(): History {
    return {
      meta: this.recorder.meta,
      records: this.recorder.records,
      faults: this.recorder.faults,
    };
  }

  /** The current time on the history's clock, ms. */
  now(): number {
    return this.recorder.now();
  }

  /**
   * Keeps a verified fault in place for its planned time. This is the schedule's duration, not
   * a wait for something to happen: what must happen is waited on with `waitForAgent`.
   */
  async hold(ms: number): Promise<void> {
    await delay(ms);
  }

  /**
   * Starts an agent as the deployment's agent user: the reference agent, or the user's own when
   * the run has one. The user's agent gets the site order and the keys; `watch`, `paceMs` and
   * `writeRatio` are the reference agent's settings and do not reach it.
   */
  async startAgent(id: string, overrides: AgentOverrides = {}): Promise<ScenarioAgent> {
    const { deployment } = this.cluster;
    if (this.external) {
      const preferred = overrides.preferredSite ?? deployment.client.preferredSite;
      const agent = await this.external.start(id, preferred, overrides.keys ?? this.keys);
      this.agents.push(agent);
      return agent;
    }
    const agent = new ReferenceAgent({
      id,
      client: {
        servers: this.cluster.clientUrls(
          overrides.preferredSite ?? deployment.client.preferredSite,
        ),
        seedFile: userWithRole(this.cluster.credentials, 'agent').seedFile,
        ignoreAuthErrorAbort: deployment.client.ignoreAuthErrorAbort,
        reconnectTimeWaitMs: deployment.client.reconnectTimeWaitMs,
      },
      bucket: deployment.bucket.name,
      requestTimeoutMs: deployment.client.requestTimeoutMs,
      keys: overrides.keys ?? this.keys,
      watch: overrides.watch ?? true,
      paceMs: overrides.paceMs,
      writeRatio: overrides.writeRatio,
      random: this.random.fork(id),
      recorder: this.recorder,
    });
    this.agents.push(agent);
    await agent.start();
    return agent;
  }

  /**
   * Waits until `agent` has made progress the predicate accepts. Returns false, without
   * throwing, when the agent could not start or its connection closed: the history then shows
   * why, and the checkers judge it.
   */
  async waitForAgent(
    agent: ScenarioAgent,
    what: string,
    predicate: (p: AgentProgress) => boolean,
    timeoutMs = 30_000,
  ): Promise<boolean> {
    try {
      await pollUntil(
        async () => {
          if (agent.progress.startFailed || agent.progress.closed) return false;
          return predicate(agent.progress) ? true : undefined;
        },
        { timeoutMs, intervalMs: 50, condition: `${agent.id}: ${what}` },
      ).then(({ value }) => {
        if (!value) throw new Error('stopped');
      });
      return true;
    } catch {
      this.notes.push(`${agent.id} did not reach '${what}' within ${timeoutMs} ms`);
      return false;
    }
  }

  /** Stops every agent (and the observer's watch of external ones); safe to call twice. */
  async stopAgents(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await this.external?.stop();
    this.notes.push(...(this.external?.notes() ?? []));
  }

  /** The keys the end-of-run read covers: the workload's, and any an external agent wrote. */
  finalReadKeys(): string[] {
    return [...new Set([...this.keys, ...(this.external?.watchedKeys() ?? [])])];
  }
}
