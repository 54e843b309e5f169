import { setTimeout as timer } from 'node:timers/promises';
import type { KV } from 'nats';
import { connectWithSeed } from '../harness/agent/connection.ts';
import { AttemptOutcomeError, attempt, connectAs } from '../harness/claims/attempts.ts';
import { adrPermissions, agentUser, kvNeeds, resize, withUsers } from '../harness/claims/derive.ts';
import type { Expectation } from '../harness/checks/index.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioContext } from '../harness/scenario/scenario-context.ts';
import { userWithRole } from '../harness/topology/credentials.ts';
import type { Deployment } from '../harness/topology/deployment-schema.ts';

/** The large watch: enough 64 KiB values that the server asks for flow control replies. */
const BULK = { values: 300, bytes: 64 * 1024 };
/** How long a watch of the bulk values may take before it counts as stalled (~0.3 s here). */
const WATCH_DEADLINE_MS = 4_000;

/**
 * The users the scenario exercises, in the order a client meets each missing permission:
 * `TEST.*` only, the design record's list alone, then with each subject KV needs added in turn.
 * `agent-1` is the given deployment's own agent.
 */
const VARIANTS = ['test-only', 'adr-list', 'adr-inbox', 'adr-info', 'adr-direct'] as const;

function withVariants(d: Deployment): Deployment {
  const { account } = agentUser(d);
  const adr = adrPermissions(d.bucket.name);
  const need = kvNeeds(d.bucket.name);
  const user = (name: string, publish: string[], subscribe: string[]) => ({
    name,
    account,
    role: 'agent' as const,
    permissions: { publish: { allow: publish }, subscribe: { allow: subscribe } },
  });
  return withUsers(
    resize(d, { sites: 3, serversPerSite: 1, replicas: 1 }),
    user('test-only', ['TEST.*'], ['TEST.*']),
    user('adr-list', adr, adr),
    user('adr-inbox', adr, [...adr, need.inbox]),
    user('adr-info', [...adr, need.info], [...adr, need.inbox]),
    user('adr-direct', [...adr, need.info, need.directGet], [...adr, need.inbox]),
  );
}

const denied = (subject: string) => [{ class: 'permission' as const, subject }];

/** What must happen to each user; ids are what the permissions claim reads. */
const EXPECTATIONS: Expectation[] = [
  {
    id: 'test-only-fails-at-once',
    what: 'a user with TEST.* only cannot even open the bucket: its inbox is denied',
    process: 'test-only',
    ops: ['open-bucket'],
    outcome: 'refused',
    errors: denied('_INBOX.'),
  },
  {
    id: 'adr-list-denied-inbox',
    what: "the ADR's list alone: opening the bucket is denied the subscription to _INBOX.>",
    process: 'adr-list',
    ops: ['open-bucket'],
    outcome: 'refused',
    errors: denied('_INBOX.'),
  },
  {
    id: 'adr-inbox-denied-info',
    what: "the ADR's list + _INBOX.>: opening the bucket is denied publish to $JS.API.INFO",
    process: 'adr-inbox',
    ops: ['open-bucket'],
    outcome: 'refused',
    errors: denied('$JS.API.INFO'),
  },
  {
    id: 'adr-info-denied-direct-get',
    what: "the ADR's list + _INBOX.> + $JS.API.INFO: a get is denied $JS.API.DIRECT.GET",
    process: 'adr-info',
    ops: ['get'],
    outcome: 'refused',
    errors: denied('$JS.API.DIRECT.GET.'),
  },
  {
    id: 'adr-info-puts',
    what: "the ADR's list + _INBOX.> + $JS.API.INFO: opening the bucket and a put work",
    process: 'adr-info',
    ops: ['open-bucket', 'put'],
    outcome: 'ok',
  },
  {
    id: 'adr-direct-watch-stalls',
    what:
      `the ADR's list + _INBOX.> + $JS.API.INFO + direct get: a watch of ${BULK.values} ` +
      '64 KiB values stalls without a word (its $JS.FC replies are denied)',
    process: 'adr-direct',
    ops: ['watch'],
    outcome: 'refused',
    errors: [{ class: 'timeout' }],
  },
  {
    id: 'adr-direct-gets',
    what: "the ADR's list + _INBOX.> + $JS.API.INFO + direct get: open, put and get work",
    process: 'adr-direct',
    ops: ['open-bucket', 'put', 'get'],
    outcome: 'ok',
  },
  {
    id: 'given-runs-every-operation',
    what: `the deployment's agent opens, puts, gets and watches ${BULK.values} 64 KiB values`,
    process: 'agent-1',
    outcome: 'ok',
  },
];

/**
 * Subject permissions (ADR 019, issue 4 and the proposed list): on three sites of one server, each user
 * connects, opens the bucket, puts, gets and watches a few hundred 64 KiB values. `TEST.*` only
 * fails at once; the ADR's list fails, and adding what KV needs one subject at a time shows
 * each denied subject in turn, the last one a watch that stalls without an error. The
 * deployment's own agent must run every operation: it does with `harmony`'s set, and fails
 * with the ADR's list in `harmony-as-written`.
 */
export const subjectPermissions: Scenario = {
  name: 'subject-permissions',
  description:
    "TEST.* only, the ADR's list, the list plus each subject KV needs in turn, and the " +
    "deployment's agent: connect, open, put, get, watch 300 x 64 KiB",
  checks: ['expected-outcomes'],
  checkOptions: { expectations: EXPECTATIONS },
  derive: {
    describe:
      'three sites of one server, the bucket at R=1, and users beside the agent: TEST.* only, the ADR list ' +
      'alone, and the list plus _INBOX.>, $JS.API.INFO, direct get in turn',
    apply: withVariants,
  },
  async run(ctx) {
    ctx.keys = [...VARIANTS, 'agent-1'].map((process) => `perm.${process}`);
    await loadBulk(ctx);
    const agent = agentUser(ctx.cluster.deployment).name;
    for (const process of [...VARIANTS, 'agent-1']) {
      ctx.progress(`exercising KV as ${process}`);
      await exercise(ctx, process, process === 'agent-1' ? agent : process);
    }
  },
};

/** Writes the bulk values as the observer: setup, not recorded. */
async function loadBulk(ctx: ScenarioContext) {
  const { bucket } = ctx.cluster.deployment;
  const nc = await connectWithSeed({
    servers: ctx.cluster.servers.map((s) => s.directClientUrl),
    seedFile: userWithRole(ctx.cluster.credentials, 'observer').seedFile,
    name: 'bulk-loader',
    ignoreAuthErrorAbort: true,
  });
  try {
    const kv = await nc.jetstream({ timeout: 5000 }).views.kv(bucket.name, { bindOnly: true });
    const payload = new Uint8Array(BULK.bytes).fill(0x61);
    for (let i = 0; i < BULK.values; i++) await kv.put(`bulk.${i}`, payload);
  } finally {
    await nc.close();
  }
  ctx.notes.push(`${BULK.values} values of ${BULK.bytes / 1024} KiB written under bulk.> first`);
}

/**
 * Connect, open, put, get and watch as one user, each recorded; stops after a failed open. The
 * bucket exists and is reachable here, so a plain open binds to it and creates nothing.
 */
async function exercise(ctx: ScenarioContext, process: string, user: string) {
  const { bucket, client } = ctx.cluster.deployment;
  const nc = await connectAs(ctx, process, {
    user,
    servers: ctx.cluster.clientUrls(1),
    ignoreAuthErrorAbort: true,
    maxReconnectAttempts: 0,
  });
  if (!nc) return;
  const where = () => nc;
  const rec = ctx.recorder;
  try {
    const js = nc.jetstream({ timeout: client.requestTimeoutMs });
    const kv = await attempt(
      rec,
      process,
      'open-bucket',
      { key: bucket.name },
      // Opened as an ordinary client opens it: the bucket's stream allows direct gets, so gets
      // use them. (Binding with bindOnly would fall back to $JS.API.STREAM.MSG.GET.)
      () => js.views.kv(bucket.name),
      where,
    );
    if (!kv) return;
    const key = `perm.${process}`;
    const value = `${process}:1`;
    // Each step runs only when the one before worked: the first denial is what a user meets.
    const steps = [
      () => attempt(rec, process, 'put', { key, value }, () => kv.put(key, value), where),
      () => attempt(rec, process, 'get', { key }, () => kv.get(key), where),
      () =>
        attempt(rec, process, 'watch', { key: 'bulk.>' }, async () => {
          await watchBulk(ctx, kv, process);
          return true;
        }),
    ];
    for (const step of steps) if ((await step()) === undefined) return;
  } finally {
    await nc.close().catch(() => {});
  }
}

/** Watches the bulk values until all arrived or the deadline passed; a stall is a timeout. */
async function watchBulk(ctx: ScenarioContext, kv: KV, process: string): Promise<void> {
  const started = performance.now();
  const watcher = await kv.watch({ key: 'bulk.>' });
  let delivered = 0;
  const all = (async () => {
    for await (const _entry of watcher) if (++delivered >= BULK.values) return true;
    return false;
  })();
  const deadline = new AbortController();
  const complete = await Promise.race([
    all,
    timer(WATCH_DEADLINE_MS, false, { signal: deadline.signal }).catch(() => false),
  ]);
  deadline.abort();
  watcher.stop();
  const ms = Math.round(performance.now() - started);
  ctx.figures[`bulkDelivered[${process}]`] = delivered;
  if (complete) {
    ctx.figures[`bulkWatchMs[${process}]`] = ms;
    return;
  }
  throw new AttemptOutcomeError({
    class: 'timeout',
    message: `the watch delivered ${delivered} of ${BULK.values} values in ${ms} ms, then nothing`,
  });
}
