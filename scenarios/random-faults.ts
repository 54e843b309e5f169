import { formatSchedule, planSchedule, type ScheduledFault } from '../harness/faults/schedule.ts';
import type { FaultRecord } from '../harness/history/types.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioContext } from '../harness/scenario/scenario-context.ts';
import { siteName } from '../harness/topology/plan.ts';

/** How many faults one run draws. */
const FAULTS = 3;

/**
 * A schedule of faults drawn from the run's seed: kill, stop, pause, partition or WAN latency
 * of one site at a time, each verified, held, healed. The same `--seed` replays the same
 * schedule. Whatever the schedule, the agent must keep its credentials and no acknowledged
 * write may be lost; losing the bucket's home site makes KV unavailable until it heals, which
 * the availability check reports.
 */
export const randomFaults: Scenario = {
  name: 'random-faults',
  description:
    'a seeded schedule of site faults (kill, stop, pause, partition, latency), one at a ' +
    'time; replay it with --seed',
  checks: ['credential-continuity', 'acknowledged-writes', 'availability'],
  async run(ctx) {
    const schedule = planSchedule(ctx.random.fork('schedule'), {
      sites: ctx.cluster.topology.sites.length,
      count: FAULTS,
    });
    ctx.notes.push(...formatSchedule(schedule));
    for (const line of formatSchedule(schedule)) ctx.progress(`schedule ${line}`);

    const agent = await ctx.startAgent('agent-1');
    if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;

    for (const entry of schedule) {
      await ctx.hold(entry.quietMs);
      ctx.progress(`${entry.kind} ${siteName(entry.site)} for ${entry.holdMs} ms`);
      const heal = await inject(ctx, entry);
      await ctx.hold(entry.holdMs);
      await heal();
      const ok = agent.progress.ok;
      await ctx.waitForAgent(agent, `10 ok operations after healing ${entry.kind}`, (p) => {
        return p.ok >= ok + 10;
      });
    }
  },
};

/** Injects one scheduled fault, verified; returns what heals it. */
async function inject(ctx: ScenarioContext, entry: ScheduledFault): Promise<() => Promise<void>> {
  const target = { site: entry.site };
  let fault: FaultRecord;
  switch (entry.kind) {
    case 'kill':
    case 'stop':
    case 'pause':
      fault = await ctx.faults.inject(entry.kind, target);
      return () => ctx.faults.heal(fault, target);
    case 'partition':
      fault = await ctx.network.partitionSite(entry.site);
      return () => ctx.network.heal(fault);
    case 'latency':
      fault = await ctx.network.degrade(
        'latency',
        { kind: 'gateway', site: entry.site },
        { latency: 100, jitter: 20 },
      );
      return () => ctx.network.heal(fault);
  }
}
