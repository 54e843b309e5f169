import { connect, type NatsConnection } from 'nats';
import { AttemptOutcomeError, attempt, connectAs, siteUrls } from '../harness/claims/attempts.ts';
import { agentUser, resize, withAccount, withDrift, withUsers } from '../harness/claims/derive.ts';
import type { Expectation } from '../harness/checks/index.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioContext } from '../harness/scenario/scenario-context.ts';
import { newRunId } from '../harness/backends/run-workspace.ts';
import { startBackend, type BackendName } from '../harness/backends/start-backend.ts';
import type { StartedSupercluster } from '../harness/backends/supercluster.ts';

/** Another tenant: an account of its own with JetStream, a user, and a bucket. */
const OTHER = { account: 'OTHER', user: 'other-tenant', bucket: 'OTHER' };
/** The site whose config lacks the non-system accounts, in a second supercluster. */
const DRIFTED_SITE = 3;
/** How long a denial may take to come back from the server. */
const DENIAL_DEADLINE_MS = 2_000;

const refusedAnonymous = (site: number): Expectation => ({
  id: `anonymous-refused-site-${site}`,
  what: `site-${site} refuses a client without credentials`,
  process: `anonymous@site-${site}`,
  ops: ['connect'],
  outcome: 'refused',
  errors: [{ class: 'authorization' }],
});

const EXPECTATIONS: Expectation[] = [
  {
    id: 'agent-cannot-subscribe-sys',
    what: 'the agent cannot subscribe to $SYS.>',
    process: 'agent-1',
    ops: ['subscribe'],
    outcome: 'refused',
    errors: [{ class: 'permission' }],
  },
  {
    id: 'agent-cannot-request-sys',
    what: 'the agent cannot send a request to $SYS.REQ.SERVER.PING',
    process: 'agent-1',
    ops: ['request'],
    outcome: 'refused',
    errors: [{ class: 'permission' }, { class: 'no-responders' }],
  },
  {
    id: 'agent-cannot-reach-other-account',
    what: "the agent cannot open another account's bucket",
    process: 'agent-1',
    ops: ['open-bucket'],
    outcome: 'refused',
  },
  {
    id: 'other-tenant-has-data',
    what: 'the other account really holds a bucket with a value',
    process: OTHER.user,
    ops: ['create-bucket', 'put'],
    outcome: 'ok',
  },
  refusedAnonymous(1),
  refusedAnonymous(2),
  refusedAnonymous(3),
];

/**
 * Security (ADR 019, consequences): in its own account the agent cannot see or interfere with
 * system traffic. The agent subscribes to `$SYS.>`, requests `$SYS.REQ.SERVER.PING` and opens
 * another account's bucket; a client without credentials connects to every site. Then the same
 * deployment starts again with site 3's config lacking its non-system accounts (drift), and a
 * client without credentials connects to each of its sites: measured on nats-server 2.9, a site
 * left with only system-account users lets it into the global account. That is reported as a
 * figure for the claim, not judged as a check, because it is how the server behaves.
 */
export const security: Scenario = {
  name: 'security',
  description:
    "the agent subscribes to $SYS.>, requests $SYS.REQ, reads another account's bucket; " +
    'anonymous clients connect to every site, also one whose config lacks the agent account',
  checks: ['expected-outcomes'],
  checkOptions: { expectations: EXPECTATIONS },
  derive: {
    describe:
      `three sites of one server, the bucket at R=1, another account ${OTHER.account} with a ` +
      'user and JetStream',
    apply: (d) => {
      const resized = resize(d, { sites: 3, serversPerSite: 1, replicas: 1 });
      const jetstream = d.accounts[agentUser(d).account]?.jetstream;
      const withOther = withUsers(withAccount(resized, OTHER.account, { jetstream }), {
        name: OTHER.user,
        account: OTHER.account,
        role: 'admin',
      });
      return withOther;
    },
  },
  async run(ctx) {
    await storeOtherTenantData(ctx);
    const agent = await connectAs(ctx, 'agent-1', {
      user: agentUser(ctx.cluster.deployment).name,
      servers: siteUrls(ctx.cluster, [1]),
      ignoreAuthErrorAbort: true,
    });
    if (agent) {
      await tryAsAgent(ctx, agent);
      await agent.close().catch(() => {});
    }
    for (const site of [1, 2, 3]) await connectAnonymously(ctx, ctx.cluster, site, '');
    await anonymousAtDriftedSite(ctx);
  },
};

/**
 * Starts the same deployment again with site 3's config lacking every non-system account, and
 * connects without credentials to each of its sites. It is a supercluster of its own because a
 * site without the agent's account must not hold the JetStream meta leader of the one the
 * bucket lives in: measured here, bucket requests then go unanswered.
 */
async function anonymousAtDriftedSite(ctx: ScenarioContext) {
  const given = ctx.cluster.deployment;
  const drifted = withDrift(given, DRIFTED_SITE, {
    omitAccounts: Object.keys(given.accounts).filter((a) => a !== given.systemAccount),
  });
  ctx.progress(`starting the deployment again with site-${DRIFTED_SITE} lacking its accounts`);
  await using cluster = await startBackend(ctx.cluster.backend as BackendName, drifted, {
    runId: newRunId(),
  });
  for (const site of [1, 2, 3]) {
    const admitted = await connectAnonymously(ctx, cluster, site, 'drifted-');
    ctx.figures[`anonymousAdmitted[drifted-site-${site}]`] = admitted ? 1 : 0;
  }
}

/** The other tenant creates its bucket and stores a value: something for the agent to reach. */
async function storeOtherTenantData(ctx: ScenarioContext) {
  const nc = await connectAs(ctx, OTHER.user, {
    user: OTHER.user,
    servers: siteUrls(ctx.cluster, [1]),
    ignoreAuthErrorAbort: true,
  });
  if (!nc) return;
  const js = nc.jetstream({ timeout: 5000 });
  const kv = await attempt(ctx.recorder, OTHER.user, 'create-bucket', { key: OTHER.bucket }, () =>
    js.views.kv(OTHER.bucket, { replicas: 1 }),
  );
  if (kv) {
    await attempt(ctx.recorder, OTHER.user, 'put', { key: 'secret', value: 'other:1' }, () =>
      kv.put('secret', 'other:1'),
    );
  }
  await nc.close();
}

async function tryAsAgent(ctx: ScenarioContext, nc: NatsConnection) {
  const rec = ctx.recorder;
  ctx.progress('the agent subscribes to $SYS.>, requests $SYS.REQ, reads another bucket');
  await attempt(rec, 'agent-1', 'subscribe', { key: '$SYS.>' }, () =>
    subscribeOrDenied(nc, '$SYS.>'),
  );
  await attempt(rec, 'agent-1', 'request', { key: '$SYS.REQ.SERVER.PING' }, () =>
    nc.request('$SYS.REQ.SERVER.PING', undefined, { timeout: DENIAL_DEADLINE_MS }),
  );
  // Looking the bucket's stream up is what opening it asks the server. (A plain open would
  // create an empty bucket of that name in the agent's own account when none is found.)
  await attempt(rec, 'agent-1', 'open-bucket', { key: OTHER.bucket }, async () => {
    const jsm = await nc.jetstreamManager({ timeout: DENIAL_DEADLINE_MS });
    return jsm.streams.info(`KV_${OTHER.bucket}`);
  });
  // A get through a bound bucket reports a missing stream as "no value": record what it read.
  const js = nc.jetstream({ timeout: DENIAL_DEADLINE_MS });
  const entry = await attempt(rec, 'agent-1', 'get', { key: 'secret' }, async () => {
    const kv = await js.views.kv(OTHER.bucket, { bindOnly: true });
    return kv.get('secret');
  });
  ctx.figures['otherTenantValueRead'] = entry?.string() === 'other:1' ? 1 : 0;
}

/**
 * Subscribes and waits for the server's verdict: a permission error closes the subscription
 * within the deadline, or the subscription stands (and the attempt is `ok`).
 */
async function subscribeOrDenied(nc: NatsConnection, subject: string): Promise<void> {
  let denied: Error | undefined;
  const sub = nc.subscribe(subject, {
    callback: (err) => {
      if (err) denied = err;
    },
  });
  await nc.flush();
  const started = performance.now();
  while (!denied && !sub.isClosed() && performance.now() - started < DENIAL_DEADLINE_MS) {
    await nc.flush();
  }
  sub.unsubscribe();
  if (denied) throw denied;
  if (sub.isClosed()) {
    throw new AttemptOutcomeError({ class: 'other', message: `subscription to ${subject} closed` });
  }
}

/** Connects to one site without credentials; true when the site let the client in. */
async function connectAnonymously(
  ctx: ScenarioContext,
  cluster: StartedSupercluster,
  site: number,
  label: string,
): Promise<boolean> {
  const process = `anonymous@${label}site-${site}`;
  let nc: NatsConnection | undefined;
  const connectBare = async () => {
    nc = await connect({
      servers: siteUrls(cluster, [site]),
      name: process,
      reconnect: false,
      maxReconnectAttempts: 0,
      ignoreClusterUpdates: true,
      timeout: DENIAL_DEADLINE_MS,
    });
    await nc.flush();
  };
  await attempt(ctx.recorder, process, 'connect', { site: `site-${site}` }, connectBare, () => nc);
  const admitted = nc !== undefined && !(nc as NatsConnection).isClosed();
  await (nc as NatsConnection | undefined)?.close().catch(() => {});
  return admitted;
}
