/**
 * Losing one site at a time while the agent works: the building block of the replication and
 * resilience claims. Each loss is a SIGKILL of every server of the site, verified, held until
 * the agent has shown what it can do without the site, then healed by a restart.
 */
import { isReplica } from '../harness/checks/records.ts';
import type { ScenarioAgent, ScenarioContext } from '../harness/scenario/scenario-context.ts';
import { countWindow } from '../harness/scenario/window-figures.ts';
import { siteName } from '../harness/topology/plan.ts';

/** The sites of a deployment by what they are to the agent and the bucket. */
export interface SiteRoles {
  /** Where the bucket's replicas live. */
  home: number;
  /** Where the agent works first. */
  agent: number;
  /** A site that is neither. */
  other: number;
}

/**
 * The roles of a three-site deployment's sites. The expectations of the site-loss scenarios
 * name sites as the shipped deployments have them (home site-1, agent site-2, other site-3);
 * a deployment of another shape is noted, so a reader knows the names do not fit.
 */
export function siteRoles(ctx: ScenarioContext): SiteRoles {
  const { bucket, client, sites } = ctx.cluster.deployment;
  const home = bucket.homeSite;
  const agent = client.preferredSite;
  const other = [...Array(sites.count).keys()]
    .map((i) => i + 1)
    .find((s) => s !== home && s !== agent)!;
  if (home !== 1 || agent !== 2 || other !== 3) {
    ctx.notes.push(
      `the expectations name home site-1, agent site-2, other site-3; this deployment has ` +
        `home ${siteName(home)}, agent ${siteName(agent)}, other ${siteName(other)}`,
    );
  }
  return { home, agent, other };
}

/** Records where the bucket's replicas are and reports in how many sites (`replicaSites`). */
export async function recordReplicaSites(ctx: ScenarioContext): Promise<void> {
  await ctx.observer.recordReplicas();
  const sites = new Set(
    ctx
      .history()
      .records.filter(isReplica)
      .map((r) => r.site),
  );
  ctx.figures['replicaSites'] = sites.size;
  ctx.notes.push(`the bucket's replicas are in ${[...sites].sort().join(', ') || 'no site seen'}`);
}

/**
 * Kills every server of `site`, waits until the agent has made 15 more ok operations or had 5
 * more fail (what it can do without the site), optionally probes the agent's credentials at
 * every surviving site, restarts the site and waits for 10 ok operations after. Figures, with
 * the site's role as the label: `writesOk[...]`, `readsOk[...]` and their failures during the
 * loss, `firstOkWithoutSiteMs[...]` from the verified kill to the agent's first ok operation
 * without the site (its failover, when it was the agent's site), and `recoveryMs[...]` from the
 * restart to the agent's first ok operation after it.
 */
export async function loseSite(
  ctx: ScenarioContext,
  agent: ScenarioAgent,
  site: number,
  role: string,
  options: { probe?: boolean } = {},
): Promise<void> {
  ctx.progress(`killing ${siteName(site)} (${role})`);
  const fault = await ctx.faults.inject('kill', { site });
  const { ok, failed } = agent.progress;
  await ctx.waitForAgent(
    agent,
    `15 ok or 5 failed operations without ${siteName(site)}`,
    (p) => p.ok >= ok + 15 || p.failed >= failed + 5,
    20_000,
  );
  if (options.probe) await ctx.observer.probeAgentCredentials();

  const window = { from: fault.effective!, to: ctx.now() };
  const firstOk = ctx
    .history()
    .records.find((r) => r.type === 'ok' && r.process === agent.id && r.time >= window.from);
  if (firstOk && firstOk.time < window.to) {
    ctx.figures[`firstOkWithoutSiteMs[${role}]`] = Math.round(firstOk.time - window.from);
  }
  for (const kind of ['write', 'read'] as const) {
    const counts = countWindow(ctx.history(), { process: agent.id, kind, ...window });
    ctx.figures[`${kind}sOk[${role}]`] = counts.ok;
    ctx.figures[`${kind}sFailed[${role}]`] = counts.failed + counts.unknown;
  }

  ctx.progress(`restarting ${siteName(site)}`);
  await ctx.faults.heal(fault, { site });
  const okAfter = agent.progress.ok;
  if (
    await ctx.waitForAgent(agent, '10 ok operations after the restart', (p) => p.ok >= okAfter + 10)
  ) {
    const firstOk = ctx
      .history()
      .records.find((r) => r.type === 'ok' && r.process === agent.id && r.time >= fault.end!);
    if (firstOk) ctx.figures[`recoveryMs[${role}]`] = Math.round(firstOk.time - fault.end!);
  }
}
