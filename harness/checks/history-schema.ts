/**
 * Runtime shapes of history and fault records (format version 1), so a damaged or foreign file
 * is rejected at the line that breaks it instead of misleading a checker later. Each schema is
 * checked against its type in types.ts at compile time; the name lists are checked to cover
 * their unions, so a new operation, error class or fault kind cannot be forgotten here.
 */
import { z } from 'zod';
import type {
  CompletionRecord,
  ConnectionStatus,
  ErrorClass,
  FaultKind,
  FaultRecord,
  FinalReadRecord,
  HistoryRecord,
  InvokeRecord,
  MetaRecord,
  OperationName,
  ProcessEventRecord,
  ReplicaStateRecord,
  StatusRecord,
  WatchEventRecord,
} from '../history/types.ts';

/** Fails to compile unless `T` is `never`: used to prove a name list covers its union. */
type Covered<T extends never> = T;

const OPERATION_NAMES = [
  'put',
  'create',
  'update',
  'delete',
  'get',
  'connect',
  'open-bucket',
  'watch',
  'probe',
  'create-bucket',
  'subscribe',
  'request',
  'start-server',
] as const satisfies readonly OperationName[];
/** Compile-time proof that the list names every operation. */
export type OperationNamesCovered = Covered<
  Exclude<OperationName, (typeof OPERATION_NAMES)[number]>
>;

/** Every class an operation's error may have. */
export const ERROR_CLASSES = [
  'authorization',
  'permission',
  'timeout',
  'no-responders',
  'jetstream',
  'closed',
  'connection',
  'other',
] as const satisfies readonly ErrorClass[];
/** Compile-time proof that the list names every error class. */
export type ErrorClassesCovered = Covered<Exclude<ErrorClass, (typeof ERROR_CLASSES)[number]>>;

const CONNECTION_STATUSES = [
  'connected',
  'disconnect',
  'reconnecting',
  'reconnect',
  'error',
  'closed',
  'stale-connection',
  'ldm',
] as const satisfies readonly ConnectionStatus[];
/** Compile-time proof that the list names every status. */
export type ConnectionStatusesCovered = Covered<
  Exclude<ConnectionStatus, (typeof CONNECTION_STATUSES)[number]>
>;

/** Every fault kind a history may record, for schemas that validate one. */
export const FAULT_KINDS = [
  'kill',
  'stop',
  'pause',
  'restart',
  'wipe',
  'partition',
  'isolate',
  'latency',
  'bandwidth',
  'reset-peer',
  'slicer',
  'config-change',
] as const satisfies readonly FaultKind[];
/** Compile-time proof that the list names every fault kind. */
export type FaultKindsCovered = Covered<Exclude<FaultKind, (typeof FAULT_KINDS)[number]>>;

const count = z.number().int().nonnegative();
const time = z.number().nonnegative();

const recordedError = z.looseObject({
  class: z.enum(ERROR_CLASSES),
  message: z.string(),
  subject: z.string().optional(),
  operation: z.enum(['publish', 'subscription']).optional(),
  code: z.number().optional(),
});

// Unknown fields are kept (loose objects): adding an optional field does not bump the version.
const base = { index: count, time, process: z.string() };

const meta = z.looseObject({
  ...base,
  type: z.literal('meta'),
  version: z.number().int().positive(),
  runId: z.string(),
  scenario: z.string(),
  deployment: z.string(),
  backend: z.string(),
  seed: z.number(),
  startedAt: z.string(),
}) satisfies z.ZodType<MetaRecord>;

const invoke = z.looseObject({
  ...base,
  type: z.literal('invoke'),
  op: z.enum(OPERATION_NAMES),
  key: z.string().optional(),
  value: z.string().optional(),
  expectedRevision: count.optional(),
  site: z.string().optional(),
}) satisfies z.ZodType<InvokeRecord>;

const completion = z.looseObject({
  ...base,
  type: z.enum(['ok', 'fail', 'info']),
  op: z.enum(OPERATION_NAMES),
  invoke: count,
  key: z.string().optional(),
  value: z.string().nullable().optional(),
  revision: count.optional(),
  server: z.string().optional(),
  site: z.string().optional(),
  error: recordedError.optional(),
}) satisfies z.ZodType<CompletionRecord>;

const watchEvent = z.looseObject({
  ...base,
  type: z.literal('event'),
  op: z.literal('watch-event'),
  watch: z.string(),
  key: z.string(),
  value: z.string().nullable(),
  revision: count,
  operation: z.enum(['PUT', 'DEL', 'PURGE']),
}) satisfies z.ZodType<WatchEventRecord>;

const status = z.looseObject({
  ...base,
  type: z.literal('event'),
  op: z.literal('status'),
  status: z.enum(CONNECTION_STATUSES),
  server: z.string().optional(),
  site: z.string().optional(),
  error: recordedError.optional(),
}) satisfies z.ZodType<StatusRecord>;

const processEvent = z.looseObject({
  ...base,
  type: z.literal('event'),
  op: z.literal('process'),
  state: z.enum(['started', 'exited']),
  kind: z.enum(['command', 'image']),
  pid: count.optional(),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  stopped: z.boolean().optional(),
}) satisfies z.ZodType<ProcessEventRecord>;

const finalRead = z.looseObject({
  ...base,
  type: z.literal('observation'),
  op: z.literal('final-read'),
  key: z.string(),
  value: z.string().nullable(),
  revision: count,
  history: z.array(z.object({ value: z.string().nullable(), revision: count })).optional(),
  error: recordedError.optional(),
}) satisfies z.ZodType<FinalReadRecord>;

const replica = z.looseObject({
  ...base,
  type: z.literal('observation'),
  op: z.literal('replica'),
  stream: z.string(),
  server: z.string(),
  site: z.string(),
  firstSeq: count,
  lastSeq: count,
  messages: count,
  leader: z.boolean(),
  error: recordedError.optional(),
}) satisfies z.ZodType<ReplicaStateRecord>;

/** The schema for a record, chosen by its `type` and, for events and observations, its `op`. */
const RECORD_SCHEMAS: Record<string, z.ZodType<HistoryRecord>> = {
  meta,
  invoke,
  ok: completion,
  fail: completion,
  info: completion,
  'event/watch-event': watchEvent,
  'event/status': status,
  'event/process': processEvent,
  'observation/final-read': finalRead,
  'observation/replica': replica,
};

/** The result of checking one parsed JSON value: the record, or why it is not one. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Checks that a parsed JSON value is a history record of format version 1. */
export function checkRecord(value: unknown): Checked<HistoryRecord> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problem: 'not a JSON object' };
  }

  const { type, op } = value as { type?: unknown; op?: unknown };
  const grouped = type === 'event' || type === 'observation';
  const selector = grouped ? `${String(type)}/${String(op)}` : String(type);
  const schema = RECORD_SCHEMAS[selector];
  if (schema === undefined) {
    const what = grouped ? `${String(type)} op ${JSON.stringify(op)}` : JSON.stringify(type);
    return { ok: false, problem: `unknown record type ${what}` };
  }

  return fromZod(schema.safeParse(value));
}

const fault = z.looseObject({
  index: count,
  kind: z.enum(FAULT_KINDS),
  target: z.looseObject({
    site: z.string().optional(),
    server: z.string().optional(),
    link: z.string().optional(),
  }),
  start: time,
  effective: time.optional(),
  end: time.optional(),
  healed: time.optional(),
  details: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<FaultRecord>;

/** Checks that a parsed JSON value is a line of `faults.jsonl`. */
export function checkFault(value: unknown): Checked<FaultRecord> {
  return fromZod(fault.safeParse(value));
}

function fromZod<T>(result: z.ZodSafeParseResult<T>): Checked<T> {
  if (result.success) return { ok: true, value: result.data };

  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `field ${issue.path.join('.')}: ` : '';
  return { ok: false, problem: `${where}${issue?.message ?? 'invalid record'}` };
}
