import { attempt, connectAs } from '../harness/claims/attempts.ts';
import { resize, withUsers } from '../harness/claims/derive.ts';
import type { Expectation } from '../harness/checks/index.ts';
import { newRunId } from '../harness/backends/run-workspace.ts';
import { startBackend, type BackendName } from '../harness/backends/start-backend.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioContext } from '../harness/scenario/scenario-context.ts';
import type { Deployment } from '../harness/topology/deployment-schema.ts';

/** The user the scenario adds to the system account, to act as an agent there. */
const SYS_AGENT = 'sys-agent';

const EXPECTATIONS: Expectation[] = [
  {
    id: 'sys-user-cannot-create-bucket',
    what: 'an agent in the system account cannot create the bucket: JetStream is not enabled there',
    process: SYS_AGENT,
    ops: ['create-bucket'],
    outcome: 'refused',
    errors: [{ class: 'jetstream', code: 10039 }, { class: 'no-responders' }],
  },
  {
    id: 'sys-jetstream-refused',
    what: 'a server whose system account has JetStream enabled does not start',
    process: 'harness',
    ops: ['start-server'],
    outcome: 'refused',
    errors: [{ class: 'other', message: 'JetStream on the system account' }],
  },
];

/**
 * The system account trap (ADR 019, issue 1): an agent user in the system account tries to
 * create the bucket and is refused, because JetStream is not enabled for that account; and the
 * remedy that comes to mind, JetStream on the system account, stops the server from starting.
 */
export const systemAccount: Scenario = {
  name: 'system-account',
  description:
    'an agent in the system account creates the bucket (refused: 10039); a server with ' +
    'JetStream on the system account does not start',
  checks: ['expected-outcomes'],
  checkOptions: { expectations: EXPECTATIONS },
  derive: {
    describe:
      'three sites of one server, the bucket at R=1, and a user in the system account without ' +
      'subject permissions, so only the account can refuse it',
    apply: (d) =>
      withUsers(resize(d, { sites: 3, serversPerSite: 1, replicas: 1 }), {
        name: SYS_AGENT,
        account: d.systemAccount,
        role: 'admin',
      }),
  },
  async run(ctx) {
    const { bucket } = ctx.cluster.deployment;
    ctx.progress(`creating the bucket as ${SYS_AGENT}, a user of the system account`);
    const nc = await connectAs(ctx, SYS_AGENT, {
      user: SYS_AGENT,
      servers: ctx.cluster.clientUrls(1),
      ignoreAuthErrorAbort: true,
      maxReconnectAttempts: 0,
    });
    if (nc) {
      const js = nc.jetstream({ timeout: ctx.cluster.deployment.client.requestTimeoutMs });
      await attempt(
        ctx.recorder,
        SYS_AGENT,
        'create-bucket',
        { key: bucket.name },
        () => js.views.kv(bucket.name, { replicas: 1 }),
        () => nc,
      );
      await nc.close().catch(() => {});
    }
    await startWithJetStreamOnSys(ctx);
  },
};

/** Starts the same deployment with JetStream on the system account, recording how it ends. */
async function startWithJetStreamOnSys(ctx: ScenarioContext) {
  const given = ctx.cluster.deployment;
  const jetstream = Object.values(given.accounts).find((a) => a.jetstream)?.jetstream ?? {
    maxMemory: '64M',
    maxFile: '256M',
  };
  // Not validated on purpose: the schema refuses exactly this; the server's answer is measured.
  const withSysJetStream: Deployment = {
    ...given,
    accounts: { ...given.accounts, [given.systemAccount]: { jetstream } },
  };
  ctx.progress(`starting the deployment with JetStream enabled on ${given.systemAccount}`);
  await attempt(ctx.recorder, 'harness', 'start-server', { key: given.systemAccount }, async () => {
    const cluster = await startBackend(ctx.cluster.backend as BackendName, withSysJetStream, {
      runId: newRunId(),
      startTimeoutMs: 20_000,
    });
    await cluster.shutdown();
  });
}
