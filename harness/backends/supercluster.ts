import type { Deployment } from '../topology/deployment-schema.ts';
import type { RunCredentials } from '../topology/credentials.ts';
import type { ServerPlan, TopologyPlan } from '../topology/plan.ts';
import type { RunWorkspace } from './run-workspace.ts';
import type { ReadinessReport } from './readiness.ts';
import type { ProxyMesh } from '../faults/proxy-mesh.ts';

/** A site (all its servers) or one server of it; sites and servers are numbered from 1. */
export interface FaultTarget {
  site: number;
  server?: number;
}

export type ServerStatus = 'running' | 'paused' | 'stopped';

/** A server of a started supercluster, with the addresses clients and the harness use. */
export interface RunningServer {
  plan: ServerPlan;
  /** nats:// URL agents dial: through the server's client proxy when the mesh is on. */
  clientUrl: string;
  /** The server's own client port, for the harness's observer and probes, never proxied. */
  directClientUrl: string;
  /** http:// base URL of its monitoring endpoints. */
  monitorUrl: string;
  status(): ServerStatus;
}

/**
 * A supercluster that is running. Whatever backend started it, scenarios drive it through
 * this: fault its servers, wait for it to be ready, and dispose of it. Disposing stops every
 * server and removes the run's temp dir, also when a test throws.
 */
export interface StartedSupercluster extends AsyncDisposable {
  readonly backend: string;
  readonly deployment: Deployment;
  readonly topology: TopologyPlan;
  readonly workspace: RunWorkspace;
  readonly credentials: RunCredentials;
  readonly servers: RunningServer[];
  /** The proxies on every link, when the supercluster runs behind them. */
  readonly mesh?: ProxyMesh;
  /** How long the start took, by phase. */
  readonly readiness: ReadinessReport;

  /** The servers a target names. */
  select(target: FaultTarget): RunningServer[];
  /** Client URLs of one site, or of all sites with `first` first: the agent's failover list. */
  clientUrls(first?: number): string[];

  /** SIGKILL the target's servers and wait until they are gone. */
  kill(target: FaultTarget): Promise<void>;
  /** Graceful shutdown of the target's servers. */
  stop(target: FaultTarget): Promise<void>;
  /** Freeze the target's servers (SIGSTOP or container pause). */
  pause(target: FaultTarget): Promise<void>;
  resume(target: FaultTarget): Promise<void>;
  /** Empty the JetStream store of the target's stopped servers: a lost disk. */
  wipe(target: FaultTarget): Promise<void>;
  /** Start the target's stopped servers again, with the same config and store. */
  restart(target: FaultTarget): Promise<void>;

  /**
   * Make the target's servers re-read their config (SIGHUP), after the harness changed a
   * site's accounts file. Absent on backends that cannot do it.
   */
  reload?(target: FaultTarget): Promise<void>;

  /** Wait until the running servers form a supercluster again. */
  waitReady(timeoutMs?: number): Promise<ReadinessReport>;

  /** Stop everything and clean up; safe to call twice. */
  shutdown(): Promise<StoppedSupercluster>;
}

/** What is left after a supercluster stopped: where its logs were copied to, if anywhere. */
export interface StoppedSupercluster {
  runId: string;
  logsCopiedTo?: string;
}
