/**
 * Attempts a claim scenario makes as some user (connect, open or create a bucket, subscribe,
 * send a request), each recorded as an operation with how it ended, so an expectation such as
 * "a SYS user cannot create the bucket" is judged from the history like any workload.
 */
import type { NatsConnection } from 'nats';
import { classifyError, completionFor } from '../agent/classify-error.ts';
import { connectWithSeed, connectedTo } from '../agent/connection.ts';
import { ReferenceAgent } from '../agent/reference-agent.ts';
import { recordStatusEvents } from '../agent/status-events.ts';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { InvokeRecord, OperationName, RecordedError } from '../history/types.ts';
import type { AgentOverrides, ScenarioContext } from '../scenario/scenario-context.ts';

/** An attempt that ended in a way nats.js does not report as an error (a watch that stalled). */
export class AttemptOutcomeError extends Error {
  constructor(readonly recorded: RecordedError) {
    super(recorded.message);
    this.name = 'AttemptOutcomeError';
  }
}

/**
 * Records one attempt by `process`: its invoke, then `ok` with what `run` returns, or the
 * error it threw, classified (`fail` for a refusal, `info` when it may have happened).
 * Returns the result, or undefined when it did not succeed.
 */
export async function attempt<T>(
  recorder: HistoryRecorder,
  process: string,
  op: OperationName,
  fields: Partial<Pick<InvokeRecord, 'key' | 'value' | 'site'>>,
  run: () => Promise<T>,
  nc?: () => NatsConnection | undefined,
): Promise<T | undefined> {
  const invoke = recorder.invoke(process, op, fields);
  const where = () => {
    const conn = nc?.();
    return conn ? connectedTo(conn) : {};
  };
  try {
    const result = await run();
    recorder.complete(invoke, 'ok', { ...where(), ...valueOf(fields) });
    return result;
  } catch (err) {
    const error = err instanceof AttemptOutcomeError ? err.recorded : classifyError(err);
    recorder.complete(invoke, completionFor(error), { ...where(), ...valueOf(fields), error });
    return undefined;
  }
}

const valueOf = (fields: { value?: string }) =>
  fields.value === undefined ? {} : { value: fields.value };

/** Client URLs of the given sites' servers, in the order of `sites`: a failover list. */
export function siteUrls(cluster: StartedSupercluster, sites: readonly number[]): string[] {
  return sites.flatMap((site) =>
    cluster.servers.filter((s) => s.plan.site === site).map((s) => s.clientUrl),
  );
}

/** How a claim client connects: as which user, where, and with which nats.js setting. */
export interface ClientAs {
  /** A user of the deployment, by name. */
  user: string;
  servers: string[];
  ignoreAuthErrorAbort: boolean;
  /** Keep reconnecting forever (-1, the default) or give up after this many tries. */
  maxReconnectAttempts?: number;
}

/**
 * Connects as a user of the run, recorded as a `connect` of `process`, with the connection's
 * status events (errors, reconnects, its close) recorded as well, so a lockout shows. Returns
 * undefined when the connect was refused.
 */
export async function connectAs(
  ctx: ScenarioContext,
  process: string,
  client: ClientAs,
): Promise<NatsConnection | undefined> {
  const key = ctx.cluster.credentials.get(client.user);
  if (!key) throw new Error(`no credentials for user ${client.user}`);
  let conn: NatsConnection | undefined;
  const connect = async () => {
    conn = await connectWithSeed({
      servers: client.servers,
      seedFile: key.seedFile,
      name: process,
      ignoreAuthErrorAbort: client.ignoreAuthErrorAbort,
      maxReconnectAttempts: client.maxReconnectAttempts,
    });
    return conn;
  };
  await attempt(ctx.recorder, process, 'connect', {}, connect, () => conn);
  if (conn) recordStatusEvents(conn, process, ctx.recorder, () => {});
  return conn;
}

/**
 * Starts a reference agent as another user of the deployment, or with another failover list
 * or client setting; the runner stops it with the others.
 */
export async function startAgentAs(
  ctx: ScenarioContext,
  id: string,
  client: Partial<ClientAs> & { directGet?: boolean },
  overrides: AgentOverrides = {},
): Promise<ReferenceAgent> {
  const { deployment } = ctx.cluster;
  const user = client.user ?? deployment.users.find((u) => u.role === 'agent')!.name;
  const key = ctx.cluster.credentials.get(user);
  if (!key) throw new Error(`no credentials for user ${user}`);
  const agent = new ReferenceAgent({
    id,
    client: {
      servers:
        client.servers ??
        ctx.cluster.clientUrls(overrides.preferredSite ?? deployment.client.preferredSite),
      seedFile: key.seedFile,
      ignoreAuthErrorAbort: client.ignoreAuthErrorAbort ?? deployment.client.ignoreAuthErrorAbort,
      reconnectTimeWaitMs: deployment.client.reconnectTimeWaitMs,
    },
    bucket: deployment.bucket.name,
    requestTimeoutMs: deployment.client.requestTimeoutMs,
    keys: overrides.keys ?? ctx.keys,
    watch: overrides.watch ?? true,
    directGet: client.directGet,
    paceMs: overrides.paceMs,
    writeRatio: overrides.writeRatio,
    random: ctx.random.fork(id),
    recorder: ctx.recorder,
  });
  ctx.agents.push(agent);
  await agent.start();
  return agent;
}
