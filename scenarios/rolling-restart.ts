import type { Scenario } from '../harness/scenario/scenario.ts';

/**
 * Operations: a rolling restart, as an upgrade or a config rollout does it. Every server of
 * every site in turn is stopped gracefully and started again, and the next one waits until the
 * supercluster is whole again, while the agent works. No acknowledged write may be lost, and
 * the agent must be working after each restart; how long it could not, is reported.
 */
export const rollingRestart: Scenario = {
  name: 'rolling-restart',
  description:
    'stop and restart every server, one at a time, waiting for the supercluster to be whole ' +
    'before the next, while the agent works',
  checks: ['credential-continuity', 'acknowledged-writes', 'availability', 'expected-outcomes'],
  checkOptions: {
    expectations: [
      {
        id: 'agent-opens-bucket',
        what: "the deployment's agent opens the bucket",
        process: 'agent-1',
        ops: ['open-bucket'],
        outcome: 'ok',
      },
    ],
  },
  async run(ctx) {
    const agent = await ctx.startAgent('agent-1');
    if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;
    const started = ctx.now();
    for (const server of ctx.cluster.topology.servers) {
      const target = { site: server.site, server: server.ordinal };
      ctx.progress(`restarting ${server.id}`);
      const fault = await ctx.faults.inject('stop', target);
      await ctx.faults.heal(fault, target);
      const ok = agent.progress.ok;
      await ctx.waitForAgent(agent, `5 ok operations after restarting ${server.id}`, (p) => {
        return p.ok >= ok + 5;
      });
    }
    ctx.figures['serversRestarted'] = ctx.cluster.topology.servers.length;
    ctx.figures['rollingRestartMs'] = Math.round(ctx.now() - started);
  },
};
