import {
  KvWatchInclude,
  type KV,
  type KvEntry,
  type NatsConnection,
  type QueuedIterator,
} from 'nats';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { OperationName } from '../history/types.ts';
import { logger } from '../logger.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { classifyError, completionFor } from './classify-error.ts';
import { pace } from './pace.ts';
import { connectWithSeed, connectedTo, type ClientSettings } from './connection.ts';
import { recordStatusEvents } from './status-events.ts';

const log = logger('agent');

export interface AgentOptions {
  /** Process id in the history: `agent-1`. */
  id: string;
  client: Omit<ClientSettings, 'name'>;
  bucket: string;
  /** JetStream request timeout, ms: a put or get without an answer by then is `info`. */
  requestTimeoutMs: number;
  /** The keys the workload writes and reads. */
  keys: string[];
  /** Share of operations that are writes, 0 to 1. */
  writeRatio?: number;
  /** Pause between operations, ms (0: only a yield to the event loop): the workload's pace. */
  paceMs?: number;
  /** Also watch every key and record each delivery. */
  watch?: boolean;
  /**
   * Read with direct gets, which any replica or mirror of the bucket may answer (binding alone
   * leaves gets to the stream's leader).
   */
  directGet?: boolean;
  random: SeededRandom;
  recorder: HistoryRecorder;
}

/** What the workload has done so far, for scenarios that wait on progress. */
export interface AgentProgress {
  ok: number;
  failed: number;
  /** Time (history clock) of the last operation that completed `ok`. */
  lastOkAt?: number;
  /** The connection was closed for good (a lockout when it follows authorization errors). */
  closed: boolean;
  /** The workload could not start: connect, opening the bucket or the watch failed. */
  startFailed: boolean;
}

/**
 * The project's reference Harmony agent: an NKey user that connects to every site with the
 * preferred one first, opens the KV bucket, and runs a put/get (and watch) workload, recording
 * every operation it invokes and how it completed. It never creates the bucket: opening binds
 * to the existing one, because a plain open would silently create an empty R=1 bucket when the
 * real one is unreachable.
 */
export class ReferenceAgent {
  readonly progress: AgentProgress = { ok: 0, failed: 0, closed: false, startFailed: false };
  private nc?: NatsConnection;
  private kv?: KV;
  private watcher?: QueuedIterator<KvEntry>;
  private running = false;
  private loop?: Promise<void>;
  private counter = 0;

  constructor(private readonly options: AgentOptions) {}

  get id(): string {
    return this.options.id;
  }

  /** The site the agent is connected to now, if any. */
  site(): string | undefined {
    return this.nc ? connectedTo(this.nc).site : undefined;
  }

  /** Connects, opens the bucket and the watch, and starts the workload loop. */
  async start(): Promise<void> {
    const { id, recorder } = this.options;
    const nc = await this.operation('connect', {}, async () => {
      const conn = await connectWithSeed({ ...this.options.client, name: id });
      return { result: conn };
    });
    if (!nc) {
      this.progress.startFailed = true;
      return;
    }
    this.nc = nc;
    recordStatusEvents(nc, id, recorder, () => (this.progress.closed = true));

    this.kv = await this.operation('open-bucket', { key: this.options.bucket }, async () => {
      const js = nc.jetstream({ timeout: this.options.requestTimeoutMs });
      const direct = this.options.directGet ? { allow_direct: true } : {};
      return { result: await js.views.kv(this.options.bucket, { bindOnly: true, ...direct }) };
    });
    if (!this.kv) {
      this.progress.startFailed = true;
      return;
    }
    if (this.options.watch) await this.startWatch(this.kv);

    this.running = true;
    this.loop = this.runLoop(this.kv);
    log('%s workload started on %s', id, connectedTo(nc).server ?? '?');
  }

  /**
   * Drops the connection and connects again, as a client does when told its credentials were
   * rotated: the next connect reads the seed file anew.
   */
  async reconnect(): Promise<void> {
    if (this.nc && !this.nc.isClosed()) await this.nc.reconnect();
  }

  /** Stops the workload, waits for the operation in flight, and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.watcher?.stop();
    if (this.nc && !this.nc.isClosed()) await this.nc.close().catch(() => {});
    log(
      '%s stopped after %d ok, %d failed operations',
      this.id,
      this.progress.ok,
      this.progress.failed,
    );
  }

  private async runLoop(kv: KV) {
    const { random, keys } = this.options;
    const writeRatio = this.options.writeRatio ?? 0.6;
    while (this.running) {
      const key = random.pick(keys);
      if (random.float() < writeRatio) {
        const value = `${this.id}:${++this.counter}`;
        await this.operation('put', { key, value }, async () => ({
          result: true,
          revision: await kv.put(key, value),
        }));
      } else {
        await this.operation('get', { key }, async () => {
          const entry = await kv.get(key);
          const value = entry && entry.operation === 'PUT' ? entry.string() : null;
          return { result: true, value, revision: entry?.revision ?? 0 };
        });
      }
      await pace(this.options.paceMs ?? 20);
    }
  }

  private async startWatch(kv: KV) {
    const watchId = `${this.id}/watch`;
    this.watcher = await this.operation('watch', { key: '>' }, async () => ({
      result: await kv.watch({ key: '>', include: KvWatchInclude.AllHistory }),
    }));
    if (!this.watcher) return;
    const watcher = this.watcher;
    void (async () => {
      for await (const entry of watcher) {
        this.options.recorder.append({
          type: 'event',
          op: 'watch-event',
          process: watchId,
          watch: watchId,
          key: entry.key,
          value: entry.operation === 'PUT' ? entry.string() : null,
          revision: entry.revision,
          operation: entry.operation,
        });
      }
    })().catch(() => {});
  }

  /**
   * Invokes one operation and records its invoke and its one completion. Returns the result,
   * or undefined when it failed.
   */
  private async operation<T>(
    op: OperationName,
    fields: { key?: string; value?: string },
    run: () => Promise<{ result: T; value?: string | null; revision?: number }>,
  ): Promise<T | undefined> {
    const { recorder, id } = this.options;
    const invoke = recorder.invoke(id, op, fields);
    try {
      const outcome = await run();
      const where = this.nc ? connectedTo(this.nc) : {};
      recorder.complete(invoke, 'ok', {
        ...where,
        ...(fields.value !== undefined ? { value: fields.value } : {}),
        ...(outcome.value !== undefined ? { value: outcome.value } : {}),
        ...(outcome.revision !== undefined ? { revision: outcome.revision } : {}),
      });
      this.progress.ok++;
      this.progress.lastOkAt = recorder.now();
      return outcome.result;
    } catch (err) {
      const error = classifyError(err);
      const where = this.nc ? connectedTo(this.nc) : {};
      recorder.complete(invoke, completionFor(error), { ...where, value: fields.value, error });
      this.progress.failed++;
      return undefined;
    }
  }
}
