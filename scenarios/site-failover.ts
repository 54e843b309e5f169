import type { Scenario } from '../harness/scenario/scenario.ts';

/**
 * The agent works against the site it prefers; every server of that site is killed at once.
 * The agent must fail over to another site with the same credentials and keep working, and
 * every write acknowledged before, during and after must be in the bucket at the end.
 */
export const siteFailover: Scenario = {
  name: 'site-failover',
  description:
    'SIGKILL every server of the site the agent is connected to (not the bucket home site), ' +
    'let the agent fail over, restart the site',
  checks: ['credential-continuity', 'acknowledged-writes'],
  async run(ctx) {
    const agent = await ctx.startAgent('agent-1');
    if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;

    const homeSite = ctx.cluster.deployment.bucket.homeSite;
    const site = Number(agent.site()?.replace('site-', ''));
    if (!site || site === homeSite) {
      ctx.notes.push(
        `agent-1 is on ${agent.site() ?? 'no site'}, not a site apart from the bucket's home`,
      );
      return;
    }

    ctx.progress(`killing every server of site-${site}, where agent-1 is connected`);
    const fault = await ctx.faults.inject('kill', { site });
    const okBefore = agent.progress.ok;
    const recovered = await ctx.waitForAgent(
      agent,
      'an ok operation after the kill',
      (p) => p.ok > okBefore && (p.lastOkAt ?? 0) > fault.effective!,
    );
    if (recovered) {
      ctx.figures['failoverMs'] = Math.round(agent.progress.lastOkAt! - fault.start);
      ctx.progress(
        `agent-1 working again on ${agent.site()} after ${ctx.figures['failoverMs']} ms`,
      );
      await ctx.waitForAgent(
        agent,
        '20 ok operations during the outage',
        (p) => p.ok >= okBefore + 20,
      );
    }

    ctx.progress(`restarting site-${site}`);
    await ctx.faults.heal(fault, { site });
    const okAfterHeal = agent.progress.ok;
    await ctx.waitForAgent(
      agent,
      '10 ok operations after the restart',
      (p) => p.ok >= okAfterHeal + 10,
    );
  },
};
