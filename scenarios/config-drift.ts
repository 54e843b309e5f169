import { attempt, siteUrls, startAgentAs } from '../harness/claims/attempts.ts';
import { agentUser, resize, withDrift } from '../harness/claims/derive.ts';
import { rollOutToSite, siteAccepts, undoAtSite } from '../harness/claims/site-config.ts';
import { connectWithSeed } from '../harness/agent/connection.ts';
import type { Expectation } from '../harness/checks/index.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioAgent, ScenarioContext } from '../harness/scenario/scenario-context.ts';
import { countWindow } from '../harness/scenario/window-figures.ts';
import { lockoutWindow } from './credential-rotation.ts';

/** The site whose config is rolled out first; the agent works there. */
const EARLY_SITE = 3;

const refusedAtEarlySite = (id: string, what: string): Expectation => ({
  id,
  what,
  process: `probe-${id}`,
  ops: ['connect'],
  outcome: 'refused',
  errors: [{ class: 'authorization' }],
});

const EXPECTATIONS: Expectation[] = [
  {
    id: 'agent-opens-bucket',
    what: "the deployment's agent opens the bucket",
    process: 'agent-1',
    ops: ['open-bucket'],
    outcome: 'ok',
  },
  refusedAtEarlySite(
    'user-missing',
    'while site-3 runs a config without the agent user, it refuses the agent',
  ),
  refusedAtEarlySite(
    'account-missing',
    'while the HARMONY account does not exist yet at site-3, it refuses the agent',
  ),
  {
    id: 'agent-not-locked-out',
    what: 'the agent, cut off at site-3, is not locked out',
    process: 'agent-1',
    outcome: 'not-locked-out',
  },
  {
    id: 'agent-works-elsewhere',
    what: 'while site-3 lacks the agent user, the agent works on another site',
    process: 'agent-1',
    ops: ['put', 'get'],
    outcome: 'some-ok',
    duringFault: { kind: 'config-change', site: 'site-3' },
  },
];

/**
 * Configuration drift and the management step (ADR 019, consequences and cons), on three sites
 * of one server with the agent working on site 3. First site 3's config is rolled out before
 * the others with the agent user left out, and rolled back; then site 3 runs without the
 * HARMONY account, as before the management step reached it, and gets it back. The scenario
 * shows what the agent sees: at once, not only at a failover, its connection is cut, and it
 * works on another site if its client keeps trying.
 */
export const configDrift: Scenario = {
  name: 'config-drift',
  description:
    "site-3's config rolled out first without the agent user, then without the HARMONY " +
    'account, while the agent works there; each rolled back',
  checks: ['expected-outcomes', 'acknowledged-writes'],
  checkOptions: { expectations: EXPECTATIONS },
  derive: {
    describe: 'three sites of one server, the bucket at R=1 in site-1',
    apply: (d) => resize(d, { sites: 3, serversPerSite: 1, replicas: 1 }),
  },
  async run(ctx) {
    const given = ctx.cluster.deployment;
    const user = agentUser(given);
    const seedFile = ctx.cluster.credentials.get(user.name)!.seedFile;
    const agent = await startAgentAs(ctx, 'agent-1', {
      servers: siteUrls(ctx.cluster, [EARLY_SITE, 2, 1]),
    });
    // The drift is rolled out whether the agent works or not: what the site refuses is measured
    // either way, what the agent sees only when it works.
    const working = await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20);

    const steps: [string, { omitUsers?: string[]; omitAccounts?: string[] }][] = [
      ['user-missing', { omitUsers: [user.name] }],
      ['account-missing', { omitAccounts: [user.account] }],
    ];
    for (const [id, drift] of steps) {
      ctx.progress(`site-${EARLY_SITE}: rolled out first, ${id}`);
      const since = ctx.now();
      const refused = async () => !(await siteAccepts(ctx, EARLY_SITE, seedFile));
      const fault = await rollOutToSite(
        ctx,
        EARLY_SITE,
        withDrift(given, EARLY_SITE, drift),
        id,
        refused,
      );
      await probe(ctx, `probe-${id}`, seedFile);
      if (working) {
        await showWhatAgentDoes(ctx, agent);
        const during = { from: fault.effective!, to: ctx.now() };
        const ops = countWindow(ctx.history(), { process: agent.id, kind: 'write', ...during });
        ctx.figures[`writesOk[${id}]`] = ops.ok;
        ctx.figures[`cutOffMs[${id}]`] = lockoutWindow(ctx.history(), agent.id, since);
      }

      ctx.progress(`site-${EARLY_SITE}: the rest of the rollout, ${id} undone`);
      await undoAtSite(ctx, EARLY_SITE, fault, () => siteAccepts(ctx, EARLY_SITE, seedFile));
    }
    const ok = agent.progress.ok;
    if (working)
      await ctx.waitForAgent(agent, '10 ok operations at the end', (p) => p.ok >= ok + 10);
  },
};

/** Connects with the agent's credentials to the early site alone, recorded. */
async function probe(ctx: ScenarioContext, process: string, seedFile: string) {
  await attempt(ctx.recorder, process, 'connect', { site: `site-${EARLY_SITE}` }, async () => {
    const nc = await connectWithSeed({
      servers: siteUrls(ctx.cluster, [EARLY_SITE]),
      seedFile,
      name: process,
      ignoreAuthErrorAbort: false,
      maxReconnectAttempts: 0,
    });
    await nc.close();
  });
}

/** Waits until the agent made 10 more ok operations or had 3 more fail. */
async function showWhatAgentDoes(ctx: ScenarioContext, agent: ScenarioAgent) {
  const { ok, failed } = agent.progress;
  await ctx.waitForAgent(
    agent,
    '10 ok or 3 failed operations',
    (p) => p.ok >= ok + 10 || p.failed >= failed + 3,
    10_000,
  );
}
