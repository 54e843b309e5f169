/**
 * A builder of small, valid histories for tests of checkers and scenarios: records get dense
 * indexes and increasing times, completions point at their invokes, so a test states only the
 * operations that matter to it.
 *
 * @example
 * const b = new HistoryBuilder();
 * b.put('agent-1', 'k', 'agent-1:1', 1);
 * const read = b.get('agent-2', 'k', 'agent-1:1', 1);
 * b.finalRead('k', 'agent-1:1', 1);
 * const history = b.build();
 */
import {
  HISTORY_FORMAT_VERSION,
  type CompletionRecord,
  type CompletionType,
  type ConnectionStatus,
  type FaultRecord,
  type FinalReadRecord,
  type History,
  type HistoryRecord,
  type InvokeRecord,
  type MetaRecord,
  type OperationName,
  type ProcessEventRecord,
  type RecordedError,
  type ReplicaStateRecord,
  type StatusRecord,
  type WatchEventRecord,
} from '../history/types.ts';

/** Fields the builder fills in itself. */
type Filled = 'index' | 'type' | 'time' | 'process' | 'op';

/** Fields of an invoke a test may set. */
export type InvokeFields = Partial<Omit<InvokeRecord, Filled>>;
/** Fields of a completion a test may set. */
export type CompletionFields = Partial<Omit<CompletionRecord, Filled | 'invoke'>>;

/** The two records of an operation the builder wrote in one go. */
export interface BuiltOperation {
  invoke: number;
  completion: number;
}

/** How a `HistoryBuilder` starts. */
export interface HistoryBuilderOptions {
  /** Milliseconds the clock moves after each record; default 10. */
  step?: number;
  meta?: Partial<Omit<MetaRecord, 'index' | 'type' | 'time'>>;
}

/** Builds a `History` record by record. See the module comment for an example. */
export class HistoryBuilder {
  readonly #records: HistoryRecord[] = [];
  readonly #faults: FaultRecord[] = [];
  readonly #step: number;
  #time = 0;

  constructor(options: HistoryBuilderOptions = {}) {
    this.#step = options.step ?? 10;
    this.#append({
      process: 'harness',
      version: HISTORY_FORMAT_VERSION,
      runId: 'test-run',
      scenario: 'test',
      deployment: 'test',
      backend: 'test',
      seed: 1,
      startedAt: '2025-01-01T00:00:00.000Z',
      ...options.meta,
      type: 'meta',
    });
  }

  /** The time the next record gets, ms since the run started. */
  get now(): number {
    return this.#time;
  }

  /** Index the next record gets. */
  get nextIndex(): number {
    return this.#records.length;
  }

  /** Moves the clock to `time`; it never goes back, as the recorder's monotonic clock. */
  at(time: number): this {
    if (time < this.#time) throw new RangeError(`time ${time} is before now (${this.#time})`);
    this.#time = time;
    return this;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): this {
    return this.at(this.#time + ms);
  }

  /** Records an invoke; returns its index, which its completion points at. */
  invoke(process: string, op: OperationName, fields: InvokeFields = {}): number {
    return this.#append({ ...fields, type: 'invoke', process, op });
  }

  /** Records the completion of the invoke at `invoke`, copying its process, op, key and value. */
  complete(invoke: number, type: CompletionType, fields: CompletionFields = {}): number {
    const start = this.#records[invoke];
    if (start?.type !== 'invoke') throw new RangeError(`record ${invoke} is not an invoke`);
    const copied = { key: start.key, ...(start.value === undefined ? {} : { value: start.value }) };
    return this.#append({
      ...copied,
      ...fields,
      type,
      invoke,
      process: start.process,
      op: start.op,
    });
  }

  /** Completes the invoke at `invoke` as `ok`. */
  ok(invoke: number, fields: CompletionFields = {}): number {
    return this.complete(invoke, 'ok', fields);
  }

  /** Completes the invoke at `invoke` as `fail`, with its error. */
  fail(invoke: number, error: RecordedError, fields: CompletionFields = {}): number {
    return this.complete(invoke, 'fail', { ...fields, error });
  }

  /** Completes the invoke at `invoke` as `info`: outcome unknown. */
  info(invoke: number, fields: CompletionFields = {}): number {
    return this.complete(invoke, 'info', fields);
  }

  /** An acknowledged write (`put`, `create` or `update`) of `value` at `revision`. */
  write(
    process: string,
    op: 'put' | 'create' | 'update',
    key: string,
    value: string,
    revision: number,
    fields: CompletionFields = {},
  ): BuiltOperation {
    const invoke = this.invoke(process, op, { key, value });
    return { invoke, completion: this.ok(invoke, { revision, ...fields }) };
  }

  /** An acknowledged `put` of `value` at `revision`. */
  put(process: string, key: string, value: string, revision: number, fields?: CompletionFields) {
    return this.write(process, 'put', key, value, revision, fields);
  }

  /** An acknowledged `get` that read `value` at `revision` (null and 0: no value). */
  get(
    process: string,
    key: string,
    value: string | null,
    revision: number,
    fields: CompletionFields = {},
  ): BuiltOperation {
    const invoke = this.invoke(process, 'get', { key });
    return { invoke, completion: this.ok(invoke, { value, revision, ...fields }) };
  }

  /** A delivery of a watch; `watch` defaults to `w`, `operation` to PUT (DEL for null). */
  watch(
    process: string,
    key: string,
    value: string | null,
    revision: number,
    fields: Partial<Pick<WatchEventRecord, 'watch' | 'operation'>> = {},
  ): number {
    return this.#append({
      watch: 'w',
      operation: value === null ? 'DEL' : 'PUT',
      ...fields,
      type: 'event',
      op: 'watch-event',
      process,
      key,
      value,
      revision,
    });
  }

  /** A connection status change of `process`. */
  status(
    process: string,
    status: ConnectionStatus,
    fields: Partial<Omit<StatusRecord, Filled | 'status'>> = {},
  ): number {
    return this.#append({ ...fields, type: 'event', op: 'status', process, status });
  }

  /** An external agent's process starting or exiting, as the harness supervising it saw it. */
  processEvent(
    process: string,
    state: ProcessEventRecord['state'],
    fields: Partial<Omit<ProcessEventRecord, Filled | 'state'>> = {},
  ): number {
    return this.#append({
      kind: 'command',
      ...fields,
      type: 'event',
      op: 'process',
      process,
      state,
    });
  }

  /** The observer's final read of `key`. */
  finalRead(
    key: string,
    value: string | null,
    revision: number,
    fields: Partial<Omit<FinalReadRecord, Filled | 'key' | 'value' | 'revision'>> = {},
  ): number {
    return this.#append({
      ...fields,
      type: 'observation',
      op: 'final-read',
      process: 'observer',
      key,
      value,
      revision,
    });
  }

  /** The observer's view of one replica of the bucket's stream. */
  replica(fields: Omit<ReplicaStateRecord, Filled>): number {
    return this.#append({ ...fields, type: 'observation', op: 'replica', process: 'observer' });
  }

  /** Records a fault; `start` defaults to now. Returns the fault's index. */
  fault(fault: Omit<FaultRecord, 'index' | 'start'> & { start?: number }): number {
    const index = this.#faults.length;
    this.#faults.push({ ...fault, index, start: fault.start ?? this.#time });
    return index;
  }

  /** The history so far, as a copy the builder will not change afterwards. */
  build(): History {
    const records = structuredClone(this.#records);
    return { meta: records[0] as MetaRecord, records, faults: structuredClone(this.#faults) };
  }

  #append(record: DistributiveOmit<HistoryRecord, 'index' | 'time'>): number {
    const index = this.#records.length;
    this.#records.push({ ...record, index, time: this.#time } as HistoryRecord);
    this.#time += this.#step;
    return index;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
