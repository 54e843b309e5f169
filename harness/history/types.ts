/**
 * The history format: what every operation of a run saw, one JSON object per line of
 * `history.jsonl`. Checkers read only this (plus `faults.jsonl`), so a stored run can be judged
 * again later without starting anything. See docs/history-format.md.
 */

/** Bumped whenever a field changes meaning or a required field is added. */
export const HISTORY_FORMAT_VERSION = 1;

/** Operations that are invoked and completed. */
export type OperationName =
  | 'put'
  | 'create'
  | 'update'
  | 'delete'
  | 'get'
  | 'connect'
  | 'open-bucket'
  | 'watch'
  | 'probe'
  | AttemptName;

/**
 * Attempts a claim scenario makes to show what a user may or may not do: create a bucket,
 * subscribe to or send a request on a subject (`key` holds the subject), start a server.
 */
export type AttemptName = 'create-bucket' | 'subscribe' | 'request' | 'start-server';

/** Records that are observed rather than invoked. */
export type EventName = 'watch-event' | 'status' | 'process';

/** Records of the end-of-run observation. */
export type ObservationName = 'final-read' | 'replica';

export type CompletionType = 'ok' | 'fail' | 'info';
export type RecordType = 'meta' | 'invoke' | CompletionType | 'event' | 'observation';

/**
 * The class of an error, as a checker needs it. `authorization`: the server refused the
 * credentials. `permission`: the user is connected but a subject is denied (`subject` and
 * `operation` say which). `timeout`: no answer in time, the operation may still have happened.
 * `no-responders`: nobody listens on the subject (JetStream unavailable). `jetstream`: a
 * JetStream API error (`code` holds its numeric error code). `closed`: the connection was
 * closed for good. `connection`: could not connect (refused, reset). `other`: anything else.
 */
export type ErrorClass =
  | 'authorization'
  | 'permission'
  | 'timeout'
  | 'no-responders'
  | 'jetstream'
  | 'closed'
  | 'connection'
  | 'other';

export interface RecordedError {
  class: ErrorClass;
  /** The error's message, with any secret removed. */
  message: string;
  /** For `permission`: the denied subject. */
  subject?: string;
  /** For `permission`: which kind of access was denied. */
  operation?: 'publish' | 'subscription';
  /** For `jetstream`: the JetStream API error code (10039, 10005, ...); else an HTTP-like code. */
  code?: number;
}

interface RecordBase {
  /** Position in the file, from 0, dense. Evidence points at records by this index. */
  index: number;
  type: RecordType;
  /** Milliseconds since the run started, from a monotonic clock. */
  time: number;
  /** Who made the record: an agent id (`agent-1`), its watcher (`agent-1/watch`), `observer`. */
  process: string;
}

/** First record of every history. */
export interface MetaRecord extends RecordBase {
  type: 'meta';
  version: number;
  runId: string;
  scenario: string;
  deployment: string;
  backend: string;
  seed: number;
  /** Wall-clock start of the run, ISO 8601, for people; checkers use `time`. */
  startedAt: string;
}

export interface InvokeRecord extends RecordBase {
  type: 'invoke';
  op: OperationName;
  key?: string;
  /** For writes: the value written. Values are unique per run, so a read names its write. */
  value?: string;
  /** For `update`: the revision the write expects to replace. */
  expectedRevision?: number;
  /** For `probe` and `connect`: the site aimed at. */
  site?: string;
}

export interface CompletionRecord extends RecordBase {
  type: CompletionType;
  op: OperationName;
  /** Index of the matching `invoke` record. */
  invoke: number;
  key?: string;
  /** For a write, the value written; for a get, the value read (null: the key has no value). */
  value?: string | null;
  /** For a write, the revision acknowledged; for a get, the revision read (0: no value). */
  revision?: number;
  /** The server and site the client was connected to when the operation completed. */
  server?: string;
  site?: string;
  error?: RecordedError;
}

export interface WatchEventRecord extends RecordBase {
  type: 'event';
  op: 'watch-event';
  /** Which watch delivered it, when a process runs several. */
  watch: string;
  key: string;
  value: string | null;
  revision: number;
  operation: 'PUT' | 'DEL' | 'PURGE';
}

export type ConnectionStatus =
  | 'connected'
  | 'disconnect'
  | 'reconnecting'
  | 'reconnect'
  | 'error'
  | 'closed'
  | 'stale-connection'
  | 'ldm';

export interface StatusRecord extends RecordBase {
  type: 'event';
  op: 'status';
  status: ConnectionStatus;
  server?: string;
  site?: string;
  error?: RecordedError;
}

/**
 * The life of an agent the harness runs as a process or container of its own (an external
 * agent): when it started and when it exited. Recorded by the harness, which supervises it.
 */
export interface ProcessEventRecord extends RecordBase {
  type: 'event';
  op: 'process';
  state: 'started' | 'exited';
  /** How the agent runs: a command the harness spawned, or an image it ran. */
  kind: 'command' | 'image';
  /** The operating system's process id, on `started` of a command. */
  pid?: number;
  /** On `exited`: the exit code, null when a signal ended it. */
  exitCode?: number | null;
  /** On `exited`: the signal that ended it, if one did. */
  signal?: string | null;
  /** On `exited`: true when the harness had asked it to stop; false when it exited by itself. */
  stopped?: boolean;
}

/** End-of-run read of one key, by the observer, after the faults are healed. */
export interface FinalReadRecord extends RecordBase {
  type: 'observation';
  op: 'final-read';
  key: string;
  value: string | null;
  revision: number;
  /** Every revision of the key still in the bucket's history, oldest first, when known. */
  history?: { value: string | null; revision: number }[];
  error?: RecordedError;
}

/** End-of-run state of one replica of the bucket's stream. */
export interface ReplicaStateRecord extends RecordBase {
  type: 'observation';
  op: 'replica';
  stream: string;
  server: string;
  site: string;
  firstSeq: number;
  lastSeq: number;
  messages: number;
  leader: boolean;
  error?: RecordedError;
}

export type HistoryRecord =
  | MetaRecord
  | InvokeRecord
  | CompletionRecord
  | WatchEventRecord
  | StatusRecord
  | ProcessEventRecord
  | FinalReadRecord
  | ReplicaStateRecord;

/** Kinds of fault the harness can inject. */
export type FaultKind =
  | 'kill'
  | 'stop'
  | 'pause'
  | 'restart'
  | 'wipe'
  | 'partition'
  | 'isolate'
  | 'latency'
  | 'bandwidth'
  | 'reset-peer'
  | 'slicer'
  | 'config-change';

/** One line of `faults.jsonl`. Times are on the same clock as the history. */
export interface FaultRecord {
  index: number;
  kind: FaultKind;
  /** What the fault hit: a site, a server of a site, or a link (`site-1->site-2`). */
  target: { site?: string; server?: string; link?: string };
  /** When the harness started injecting the fault. */
  start: number;
  /** When the fault was verified to have taken effect; absent if it never was. */
  effective?: number;
  /** When the fault was healed or the server came back; absent if it lasted to the end. */
  end?: number;
  /** When the heal was verified (links back, site ready again). */
  healed?: number;
  /** Free-form details: attributes of a toxic, the signal sent. */
  details?: Record<string, unknown>;
}

/** A verdict, as Jepsen has it: `unknown` when the run could not decide. */
export type Verdict = 'pass' | 'fail' | 'unknown';

/** One finding behind a verdict, pointing at the records that show it. */
export interface Evidence {
  message: string;
  /** Indexes into the history. */
  records: number[];
  /** Indexes into the faults, where the finding is about a fault. */
  faults?: number[];
}

export interface CheckResult {
  name: string;
  verdict: Verdict;
  /** One line for people. */
  summary: string;
  evidence: Evidence[];
  /** Measured figures, named, for reports and release gates (rates, counts, milliseconds). */
  figures: Record<string, number>;
}

/** A stored run, as the checkers see it. */
export interface History {
  meta: MetaRecord;
  records: HistoryRecord[];
  faults: FaultRecord[];
}
