import type { NatsConnection } from 'nats';
import { connectWithSeed } from '../harness/agent/connection.ts';
import { startAgentAs } from '../harness/claims/attempts.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioContext } from '../harness/scenario/scenario-context.ts';
import { userWithRole } from '../harness/topology/credentials.ts';
import { siteName } from '../harness/topology/plan.ts';
import { pollUntil } from '../harness/wait.ts';
import { loseSite, siteRoles } from './site-loss.ts';

/**
 * The hardened answer to R=3 across sites: the bucket stays in its home site, and a mirror of
 * its stream lives in each other site, answering direct gets for the bucket. The agent reads
 * with direct gets; when the home site is killed, reads go on from the mirrors and writes fail
 * (a mirror cannot take writes, and none is promoted) until the home site returns.
 */
export const kvMirrors: Scenario = {
  name: 'kv-replication-mirrors',
  description:
    "a mirror of the bucket in each other site; kill the bucket's home site while the agent " +
    'reads with direct gets: reads go on, writes fail',
  checks: ['expected-outcomes', 'acknowledged-writes'],
  checkOptions: {
    expectations: [
      {
        id: 'agent-opens-bucket',
        what: "the deployment's agent opens the bucket",
        process: 'agent-1',
        ops: ['open-bucket'],
        outcome: 'ok',
      },
      {
        id: 'mirror-reads-survive-home-loss',
        what: 'while the home site (site-1) is down, reads through direct get still work',
        process: 'agent-1',
        ops: ['get'],
        outcome: 'some-ok',
        duringFault: { kind: 'kill', site: 'site-1' },
      },
      {
        id: 'writes-fail-without-home',
        what: 'while the home site (site-1) is down, every write fails',
        process: 'agent-1',
        ops: ['put'],
        outcome: 'refused',
        duringFault: { kind: 'kill', site: 'site-1' },
      },
    ],
  },
  async run(ctx) {
    const roles = siteRoles(ctx);
    await createMirrors(ctx, [roles.agent, roles.other]);
    const agent = await startAgentAs(ctx, 'agent-1', { directGet: true });
    if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;
    await loseSite(ctx, agent, roles.home, 'home');
  },
};

/** Creates a mirror of the bucket's stream in each site and waits until each holds a marker. */
async function createMirrors(ctx: ScenarioContext, sites: number[]) {
  const { bucket, sites: shape } = ctx.cluster.deployment;
  const origin = `KV_${bucket.name}`;
  const nc: NatsConnection = await connectWithSeed({
    servers: ctx.cluster.servers.map((s) => s.directClientUrl),
    seedFile: userWithRole(ctx.cluster.credentials, 'observer').seedFile,
    name: 'mirror-maker',
    ignoreAuthErrorAbort: true,
  });
  try {
    const jsm = await nc.jetstreamManager({ timeout: 5000 });
    const names = sites.map((site) => `${origin}_MIRROR_${site}`);
    for (const [i, site] of sites.entries()) {
      await jsm.streams.add({
        name: names[i]!,
        mirror: { name: origin },
        num_replicas: Math.min(3, shape.serversPerSite),
        placement: { cluster: siteName(site), tags: [] },
        max_msgs_per_subject: bucket.history,
        allow_direct: true,
        mirror_direct: true,
      });
    }
    const kv = await nc.jetstream({ timeout: 5000 }).views.kv(bucket.name, { bindOnly: true });
    await kv.put('mirror.marker', 'observer:marker');
    for (const name of names) {
      await pollUntil(
        async () => ((await jsm.streams.info(name)).state.messages > 0 ? true : undefined),
        { timeoutMs: 20_000, intervalMs: 200, condition: `${name} holds the marker` },
      );
    }
    ctx.notes.push(`mirrors ${names.join(', ')} in ${sites.map(siteName).join(', ')}`);
  } finally {
    await nc.close();
  }
}
