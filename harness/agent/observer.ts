import { type KV, type NatsConnection } from 'nats';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import { jsz } from '../backends/monitoring.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import { userWithRole } from '../topology/credentials.ts';
import { siteName } from '../topology/plan.ts';
import { pollUntil } from '../wait.ts';
import { classifyError } from './classify-error.ts';
import { connectWithSeed, connectedTo } from './connection.ts';

const PROCESS = 'observer';

/**
 * The harness's own client in the bucket's account, with full permissions: it creates the
 * bucket before the workload and, after the faults, reads every key and each replica's state
 * into the history. It is not the agent and does not share its permissions, so what it sees
 * is the truth the agent's operations are checked against.
 */
export class Observer implements AsyncDisposable {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly cluster: StartedSupercluster,
    private readonly recorder: HistoryRecorder,
  ) {}

  static async connect(cluster: StartedSupercluster, recorder: HistoryRecorder): Promise<Observer> {
    const home = cluster.deployment.bucket.homeSite;
    const nc = await connectWithSeed({
      // The observer dials servers directly: it sees the truth, not what the faults allow.
      servers: [...cluster.servers]
        .sort((a, b) => Number(b.plan.site === home) - Number(a.plan.site === home))
        .map((s) => s.directClientUrl),
      seedFile: userWithRole(cluster.credentials, 'observer').seedFile,
      name: PROCESS,
      ignoreAuthErrorAbort: true,
    });
    return new Observer(nc, cluster, recorder);
  }

  /**
   * Creates the deployment's bucket with its replicas, placed in its home site. Retries until
   * the deadline: right after the meta leader is elected, placement can fail for a moment.
   */
  async createBucket(timeoutMs = 30_000): Promise<{ elapsedMs: number }> {
    const { bucket } = this.cluster.deployment;
    const js = this.nc.jetstream({ timeout: 5000 });
    const { elapsedMs } = await pollUntil(
      async () =>
        js.views.kv(bucket.name, {
          replicas: bucket.replicas,
          history: bucket.history,
          placementCluster: siteName(bucket.homeSite),
        }),
      {
        timeoutMs,
        intervalMs: 250,
        condition: `bucket ${bucket.name} created at R=${bucket.replicas}`,
      },
    );
    return { elapsedMs };
  }

  private async bucket(): Promise<KV> {
    return this.nc.jetstream({ timeout: 5000 }).views.kv(this.cluster.deployment.bucket.name, {
      bindOnly: true,
    });
  }

  /**
   * Reads every key, with its history, into `final-read` records. Retries while the bucket is
   * unavailable, up to the deadline; a key that cannot be read is recorded with its error.
   */
  async finalRead(keys: string[], timeoutMs = 30_000): Promise<void> {
    let kv: KV | undefined;
    try {
      ({ value: kv } = await pollUntil(() => this.bucket(), {
        timeoutMs,
        condition: 'bucket readable',
      }));
    } catch (err) {
      for (const key of keys) this.recordUnreadable(key, err);
      return;
    }
    for (const key of keys) {
      try {
        const history: { value: string | null; revision: number }[] = [];
        for await (const e of await kv.history({ key })) {
          history.push({ value: e.operation === 'PUT' ? e.string() : null, revision: e.revision });
        }
        const last = history.at(-1);
        this.recorder.append({
          type: 'observation',
          op: 'final-read',
          process: PROCESS,
          key,
          value: last?.value ?? null,
          revision: last?.revision ?? 0,
          history,
        });
      } catch (err) {
        this.recordUnreadable(key, err);
      }
    }
  }

  private recordUnreadable(key: string, err: unknown) {
    this.recorder.append({
      type: 'observation',
      op: 'final-read',
      process: PROCESS,
      key,
      value: null,
      revision: 0,
      error: classifyError(err),
    });
  }

  /** Records each replica of the bucket's stream, per server, from that server's `/jsz`. */
  async recordReplicas(): Promise<void> {
    const { bucket } = this.cluster.deployment;
    const stream = `KV_${bucket.name}`;
    for (const server of this.cluster.servers) {
      if (server.status() !== 'running') continue;
      const reply = await jsz(server.monitorUrl, true).catch(() => undefined);
      const detail = reply?.account_details
        ?.find((a) => a.name === bucket.account)
        ?.stream_detail?.find((s) => s.name === stream);
      if (!detail) continue;
      this.recorder.append({
        type: 'observation',
        op: 'replica',
        process: PROCESS,
        stream,
        server: server.plan.name,
        site: server.plan.siteName,
        firstSeq: detail.state.first_seq,
        lastSeq: detail.state.last_seq,
        messages: detail.state.messages,
        leader: detail.cluster?.leader === server.plan.name,
      });
    }
  }

  /**
   * Probes the agent's credentials at every site with a running server: connect with the
   * agent's seed to that site alone, and round-trip to the server.
   */
  async probeAgentCredentials(ignoreAuthErrorAbort = true): Promise<void> {
    const agent = userWithRole(this.cluster.credentials, 'agent');
    for (const site of this.cluster.topology.sites) {
      const servers = this.cluster.servers.filter(
        (s) => s.plan.siteName === site && s.status() === 'running',
      );
      if (servers.length === 0) continue;
      const invoke = this.recorder.invoke(PROCESS, 'probe', { site });
      let nc: NatsConnection | undefined;
      try {
        nc = await connectWithSeed({
          servers: servers.map((s) => s.directClientUrl),
          seedFile: agent.seedFile,
          name: `probe-${site}`,
          ignoreAuthErrorAbort,
          maxReconnectAttempts: 0,
        });
        await nc.flush();
        this.recorder.complete(invoke, 'ok', connectedTo(nc));
      } catch (err) {
        this.recorder.complete(invoke, 'fail', { site, error: classifyError(err) });
      } finally {
        await nc?.close().catch(() => {});
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close().catch(() => {});
  }
}
