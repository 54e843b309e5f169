import { KvWatchInclude, type KvEntry, type NatsConnection, type QueuedIterator } from 'nats';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import { logger } from '../logger.ts';
import { userWithRole } from '../topology/credentials.ts';
import { connectWithSeed } from './connection.ts';

const log = logger('bucket-watch');

/** The process and watch name of the observer's deliveries in the history. */
export const OBSERVER_WATCH = 'observer/watch';

/**
 * The observer's own watch of the whole bucket, on its own connection with the observer's
 * credentials, dialling servers directly (not through the faults). It records every change as a
 * `watch-event` of `observer`, so what an external agent wrote is in the history even when the
 * agent reports nothing, and an agent's claimed write can be held against what was stored.
 */
export class BucketWatch {
  /** Changes delivered so far, and the history time of the last one. */
  deliveries = 0;
  lastDeliveryAt?: number;
  /** Every key the watch saw change. */
  readonly keys = new Set<string>();
  private readonly done: Promise<void>;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly watcher: QueuedIterator<KvEntry>,
    private readonly recorder: HistoryRecorder,
  ) {
    this.done = this.record();
  }

  /** Connects as the observer and starts watching every key, with the bucket's history. */
  static async start(
    cluster: StartedSupercluster,
    recorder: HistoryRecorder,
  ): Promise<BucketWatch> {
    const home = cluster.deployment.bucket.homeSite;
    const nc = await connectWithSeed({
      servers: [...cluster.servers]
        .sort((a, b) => Number(b.plan.site === home) - Number(a.plan.site === home))
        .map((s) => s.directClientUrl),
      seedFile: userWithRole(cluster.credentials, 'observer').seedFile,
      name: OBSERVER_WATCH,
      ignoreAuthErrorAbort: true,
    });
    try {
      const kv = await nc
        .jetstream({ timeout: 5000 })
        .views.kv(cluster.deployment.bucket.name, { bindOnly: true });
      const watcher = await kv.watch({ key: '>', include: KvWatchInclude.AllHistory });
      return new BucketWatch(nc, watcher, recorder);
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
  }

  private async record(): Promise<void> {
    try {
      for await (const entry of this.watcher) {
        this.recorder.append({
          type: 'event',
          op: 'watch-event',
          process: 'observer',
          watch: OBSERVER_WATCH,
          key: entry.key,
          value: entry.operation === 'PUT' ? entry.string() : null,
          revision: entry.revision,
          operation: entry.operation,
        });
        this.keys.add(entry.key);
        this.deliveries++;
        this.lastDeliveryAt = this.recorder.now();
      }
    } catch (err) {
      log('observer watch ended: %s', err instanceof Error ? err.message : String(err));
    }
  }

  /** Stops the watch and closes its connection. Safe to call twice. */
  async stop(): Promise<void> {
    this.watcher.stop();
    await this.done;
    if (!this.nc.isClosed()) await this.nc.close().catch(() => {});
    log('observer watch stopped after %d deliveries', this.deliveries);
  }
}
