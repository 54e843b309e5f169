import type { Scenario } from '../harness/scenario/scenario.ts';
import { loseSite, siteRoles } from './site-loss.ts';

/**
 * Resilience (ADR 019, consequences): "agents can fail over to any site and find their
 * credentials and data". Each site is lost in turn while the agent works, first its own, then
 * the third site, then the bucket's home; at each loss the agent's credentials are probed at
 * every surviving site. It finds its credentials everywhere; it finds its data except while
 * the bucket's home site is down, which is measured here as the truth it is.
 */
export const resilience: Scenario = {
  name: 'resilience',
  description:
    "lose the agent's site, the third site, then the bucket's home, one at a time; probe the " +
    "agent's credentials at the surviving sites each time",
  checks: ['credential-continuity', 'acknowledged-writes', 'expected-outcomes'],
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
        id: 'agent-site-loss-fails-over',
        what: "while the agent's site (site-2) is down, it works on another site",
        process: 'agent-1',
        ops: ['put', 'get'],
        outcome: 'some-ok',
        duringFault: { kind: 'kill', site: 'site-2' },
      },
      {
        id: 'other-site-loss-finds-data',
        what: 'while site-3 is down, every read and write works',
        process: 'agent-1',
        ops: ['put', 'get'],
        outcome: 'ok',
        duringFault: { kind: 'kill', site: 'site-3' },
      },
      {
        id: 'home-site-loss-loses-data',
        what: "while the bucket's home site (site-1) is down, every read and write fails",
        process: 'agent-1',
        ops: ['put', 'get'],
        outcome: 'refused',
        duringFault: { kind: 'kill', site: 'site-1' },
      },
    ],
  },
  async run(ctx) {
    const roles = siteRoles(ctx);
    const agent = await ctx.startAgent('agent-1');
    if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;
    for (const [site, role] of [
      [roles.agent, 'agent'],
      [roles.other, 'other'],
      [roles.home, 'home'],
    ] as const) {
      await loseSite(ctx, agent, site, role, { probe: true });
    }
  },
};
