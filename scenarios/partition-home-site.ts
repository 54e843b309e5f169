import type { Scenario } from '../harness/scenario/scenario.ts';
import { countWindow } from '../harness/scenario/window-figures.ts';
import { siteName } from '../harness/topology/plan.ts';

/**
 * The bucket's home site (where all its replicas live) is cut from the other two sites while
 * one agent works on each side of the cut. Every write acknowledged on either side must survive
 * the heal; the scenario reports which side could write during the cut. Measured on nats-server
 * 2.9: the isolated home site keeps accepting writes, because the stream's leader and quorum
 * are all there, while the majority side gets 503s: a supercluster majority does not help a
 * stream whose replicas live in one site.
 */
export const partitionHomeSite: Scenario = {
  name: 'partition-home-site',
  description:
    "cut the bucket's home site from the other sites, both ways, while one agent writes on " +
    'each side; heal; report which side could write',
  checks: ['credential-continuity', 'acknowledged-writes', 'availability'],
  async run(ctx) {
    const home = ctx.cluster.deployment.bucket.homeSite;
    const away = home === 1 ? 2 : 1;
    const homeAgent = await ctx.startAgent('agent-home', { preferredSite: home });
    const awayAgent = await ctx.startAgent('agent-away', { preferredSite: away });
    for (const agent of [homeAgent, awayAgent]) {
      if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;
    }

    ctx.progress(`partitioning ${siteName(home)}, the bucket's home, from the other sites`);
    const fault = await ctx.network.partitionSite(home);
    const failedAway = awayAgent.progress.failed;
    const okHome = homeAgent.progress.ok;
    // Both outcomes are facts to report, not conditions to pass: wait until each side has
    // shown what it can do (the home side 20 more ok, the other side 5 failures or 20 ok).
    await ctx.waitForAgent(
      homeAgent,
      '20 ok operations during the cut',
      (p) => p.ok >= okHome + 20,
    );
    const okAway = awayAgent.progress.ok;
    await ctx.waitForAgent(
      awayAgent,
      '5 failed or 20 ok operations during the cut',
      (p) => p.failed >= failedAway + 5 || p.ok >= okAway + 20,
    );

    ctx.progress(`healing the partition of ${siteName(home)}`);
    await ctx.network.heal(fault);
    const cut = { from: fault.effective!, to: fault.end! };
    for (const [side, agent] of [
      ['home', homeAgent],
      ['away', awayAgent],
    ] as const) {
      const writes = countWindow(ctx.history(), { process: agent.id, kind: 'write', ...cut });
      ctx.figures[`${side}SideWritesOkDuringCut`] = writes.ok;
      ctx.figures[`${side}SideWritesFailedDuringCut`] = writes.failed + writes.unknown;
    }
    const { homeSideWritesOkDuringCut: h, awaySideWritesOkDuringCut: a } = ctx.figures;
    ctx.notes.push(
      `during the cut the home side (${siteName(home)}) acknowledged ${h} writes and the ` +
        `other side (${siteName(away)}) ${a}: ` +
        (h! > 0 && a === 0
          ? 'only the side holding the replicas could write'
          : 'both sides wrote, or neither did'),
    );

    for (const agent of [homeAgent, awayAgent]) {
      const ok = agent.progress.ok;
      await ctx.waitForAgent(agent, '10 ok operations after the heal', (p) => p.ok >= ok + 10);
    }
  },
};
