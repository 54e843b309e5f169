import { attempt, connectAs } from '../harness/claims/attempts.ts';
import { resize } from '../harness/claims/derive.ts';
import type { Expectation } from '../harness/checks/index.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import { userWithRole } from '../harness/topology/credentials.ts';
import { loseSite, recordReplicaSites, siteRoles } from './site-loss.ts';

const AGENT_OPENS: Expectation = {
  id: 'agent-opens-bucket',
  what: "the deployment's agent opens the bucket",
  process: 'agent-1',
  ops: ['open-bucket'],
  outcome: 'ok',
};

const HOME_LOSS_STOPS_KV: Expectation = {
  id: 'home-site-loss-stops-kv',
  what: "while the bucket's home site (site-1) is down, every read and write fails",
  process: 'agent-1',
  ops: ['put', 'get'],
  outcome: 'refused',
  duringFault: { kind: 'kill', site: 'site-1' },
};

/**
 * KV replication on three sites of one server (ADR 019, issue 3): the bucket at R=1, the
 * default the ADR warns about, lives in site-1 only; losing site-1 makes it unavailable, and
 * the scenario shows whether its data comes back with the site. Creating a bucket at R=3 on
 * this shape is refused: a stream's replicas must all fit in one site.
 */
export const kvReplicationSingleServers: Scenario = {
  name: 'kv-replication-single-servers',
  description:
    'three sites of one server: R=3 cannot be created; the R=1 bucket is unavailable while ' +
    'its site is down, and its acknowledged writes are there after the restart',
  checks: ['expected-outcomes', 'acknowledged-writes'],
  checkOptions: {
    expectations: [
      {
        id: 'r3-refused-on-single-servers',
        what: 'a bucket at R=3 cannot be created on three sites of one server',
        process: 'operator',
        ops: ['create-bucket'],
        outcome: 'refused',
        errors: [{ class: 'jetstream', code: 10005 }],
      },
      AGENT_OPENS,
      {
        ...HOME_LOSS_STOPS_KV,
        id: 'r1-unavailable-with-its-site',
        what: 'while site-1, holding the only replica, is down, every read and write fails',
      },
    ],
  },
  derive: {
    describe: 'three sites of one server, the bucket at R=1 in site-1',
    apply: (d) => resize(d, { sites: 3, serversPerSite: 1, replicas: 1 }),
  },
  async run(ctx) {
    const { bucket } = ctx.cluster.deployment;
    const operator = await connectAs(ctx, 'operator', {
      user: userWithRole(ctx.cluster.credentials, 'observer').user,
      servers: ctx.cluster.clientUrls(1),
      ignoreAuthErrorAbort: true,
    });
    if (operator) {
      const name = `${bucket.name}_R3`;
      ctx.progress(`creating bucket ${name} at R=3 on sites of one server`);
      const js = operator.jetstream({ timeout: 5000 });
      await attempt(ctx.recorder, 'operator', 'create-bucket', { key: name }, () =>
        js.views.kv(name, { replicas: 3 }),
      );
      await operator.close();
    }

    const roles = siteRoles(ctx);
    await recordReplicaSites(ctx);
    const agent = await ctx.startAgent('agent-1');
    if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;
    await loseSite(ctx, agent, roles.home, 'home');
  },
};

/**
 * KV replication at R=3 on the given three sites of three servers (ADR 019, the proposed
 * R=3): all replicas land in the bucket's home site. Losing another site changes nothing for
 * the agent; losing the home site makes every read and write fail until it returns; no
 * acknowledged write is lost.
 */
export const kvReplicationHomeSite: Scenario = {
  name: 'kv-replication-home-site',
  description:
    "R=3 on the given deployment: where the replicas are; lose a site that is not the bucket's " +
    'home, then the home site; no acknowledged write may be lost',
  checks: ['expected-outcomes', 'acknowledged-writes', 'availability'],
  checkOptions: {
    expectations: [
      AGENT_OPENS,
      {
        id: 'other-site-loss-changes-nothing',
        what: "while site-3 (neither the agent's nor the bucket's) is down, every read and write works",
        process: 'agent-1',
        ops: ['put', 'get'],
        outcome: 'ok',
        duringFault: { kind: 'kill', site: 'site-3' },
      },
      HOME_LOSS_STOPS_KV,
    ],
  },
  async run(ctx) {
    const roles = siteRoles(ctx);
    await recordReplicaSites(ctx);
    const agent = await ctx.startAgent('agent-1');
    if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;
    await loseSite(ctx, agent, roles.other, 'other');
    await loseSite(ctx, agent, roles.home, 'home');
  },
};
