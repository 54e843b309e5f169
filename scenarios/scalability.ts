import { resize } from '../harness/claims/derive.ts';
import { isCompletion } from '../harness/checks/records.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';

/** The site added to the given three. */
const NEW_SITE = 4;

/**
 * Scalability (ADR 019, consequences): "we can add Site-4 by copying the HARMONY account
 * definition". A fourth site whose accounts file is a copy of the others' joins the
 * supercluster; the agent works there, and its credentials are probed at every site.
 */
export const scalability: Scenario = {
  name: 'scalability',
  description: 'a fourth site with a copy of the account definition joins; the agent works on it',
  checks: ['credential-continuity', 'acknowledged-writes', 'expected-outcomes'],
  checkOptions: {
    expectations: [
      {
        id: 'agent-works-on-new-site',
        what: "the deployment's agent opens the bucket and every put and get works from site-4",
        process: 'agent-1',
        ops: ['open-bucket', 'put', 'get'],
        outcome: 'ok',
      },
    ],
  },
  derive: {
    describe:
      'four sites of one server, the fourth with the same accounts file as the others, the ' +
      'bucket at R=1 in site-1, the agent on site-4',
    apply: (d) => {
      const four = resize(d, { sites: NEW_SITE, serversPerSite: 1, replicas: 1 });
      return { ...four, client: { ...four.client, preferredSite: NEW_SITE } };
    },
  },
  async run(ctx) {
    // The supercluster is ready when the run starts: every site has its gateways.
    ctx.figures['sites'] = ctx.cluster.topology.sites.length;
    const agent = await ctx.startAgent('agent-1');
    if (!(await ctx.waitForAgent(agent, '30 ok operations', (p) => p.ok >= 30))) return;
    await ctx.observer.probeAgentCredentials();
    const ok = ctx.history().records.filter(isCompletion);
    ctx.figures['okOnNewSite'] = ok.filter(
      (r) => r.process === agent.id && r.type === 'ok' && r.site === `site-${NEW_SITE}`,
    ).length;
  },
};
