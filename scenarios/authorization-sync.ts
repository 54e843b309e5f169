import type { NatsConnection } from 'nats';
import { connectedTo } from '../harness/agent/connection.ts';
import { connectAs, siteUrls, startAgentAs } from '../harness/claims/attempts.ts';
import { agentUser, resize, withDrift } from '../harness/claims/derive.ts';
import type { Expectation } from '../harness/checks/index.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioContext } from '../harness/scenario/scenario-context.ts';
import { pollUntil } from '../harness/wait.ts';

/** The agent's site, the drifted site it fails over to first, and the site that still works. */
const SITES = { agent: 2, drifted: 3, other: 1 };
/** How long a client gets to settle after the kill: lock out, or work on another site. */
const SETTLE_MS = 15_000;

/** How site 3 drifted: the agent user left out of its config, or given another key there. */
export type AuthorizationDrift = 'missing-user' | 'other-key';

const EXPECTATIONS: Expectation[] = [
  {
    id: 'drifted-site-refuses-agent',
    what: "site-3 refuses the agent's credentials (the drift is in effect)",
    process: 'probe-site-3',
    ops: ['connect'],
    outcome: 'refused',
    errors: [{ class: 'authorization' }],
  },
  {
    id: 'default-client-locked-out',
    what: 'a client with nats.js defaults that fails over to site-3 is locked out for good',
    process: 'client-default',
    outcome: 'locked-out',
  },
  {
    id: 'hardened-client-survives',
    what: 'a client with ignoreAuthErrorAbort is not locked out, and works on site-1',
    process: 'client-hardened',
    outcome: 'not-locked-out',
  },
  {
    id: 'agent-not-locked-out',
    what: "the deployment's agent is not locked out when site-2 fails",
    process: 'agent-1',
    outcome: 'not-locked-out',
  },
  {
    id: 'agent-works-during-outage',
    what: "the deployment's agent keeps working while site-2 is down",
    process: 'agent-1',
    ops: ['put', 'get'],
    outcome: 'some-ok',
    duringFault: { kind: 'kill', site: 'site-2' },
  },
];

/**
 * Multi-site authorization sync (ADR 019, issue 2): site 3's config lacks the agent user, or
 * has another key for it. The agent works on site 2, whose servers are killed; its failover
 * list tries site 3 first, then site 1. Beside the deployment's agent, two bare clients with
 * the same list show both nats.js settings: the default gives up after two authorization
 * errors in a row and never comes back; `ignoreAuthErrorAbort` keeps going and lands on site 1.
 */
export function authorizationSync(drift: AuthorizationDrift): Scenario {
  return {
    name: `authorization-sync-${drift}`,
    description:
      `site-3 ${drift === 'missing-user' ? 'lacks the agent user' : 'has another key for the agent'}; ` +
      'kill site-2 under the agent, whose failover list tries site-3 first',
    checks: ['expected-outcomes', 'acknowledged-writes'],
    checkOptions: { expectations: EXPECTATIONS },
    derive: {
      describe:
        `three sites of two servers, the bucket at R=1 in site-1, and site-3's config ` +
        (drift === 'missing-user' ? 'without the agent user' : 'with another key for the agent'),
      apply: (d) =>
        withDrift(
          resize(d, { sites: 3, serversPerSite: 2, replicas: 1 }),
          SITES.drifted,
          drift === 'missing-user'
            ? { omitUsers: [agentUser(d).name] }
            : { rotatedUsers: [agentUser(d).name] },
        ),
    },
    run: (ctx) => failOverToDriftedSite(ctx),
  };
}

async function failOverToDriftedSite(ctx: ScenarioContext) {
  const user = agentUser(ctx.cluster.deployment).name;
  const servers = siteUrls(ctx.cluster, [SITES.agent, SITES.drifted, SITES.other]);
  const probe = await connectAs(ctx, `probe-site-${SITES.drifted}`, {
    user,
    servers: siteUrls(ctx.cluster, [SITES.drifted]),
    ignoreAuthErrorAbort: true,
    maxReconnectAttempts: 0,
  });
  await probe?.close();

  const agent = await startAgentAs(ctx, 'agent-1', { servers });
  const clients: Record<string, NatsConnection | undefined> = {};
  for (const [id, ignoreAuthErrorAbort] of [
    ['client-default', false],
    ['client-hardened', true],
  ] as const) {
    clients[id] = await connectAs(ctx, id, { user, servers, ignoreAuthErrorAbort });
  }
  await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20, 15_000);

  ctx.progress(`killing site-${SITES.agent}; the failover list tries site-${SITES.drifted} next`);
  const fault = await ctx.faults.inject('kill', { site: SITES.agent });
  const okBefore = agent.progress.ok;
  for (const [id, nc] of Object.entries(clients)) {
    const settled = await settle(nc);
    if (settled.closed)
      ctx.figures[`lockoutAfterMs[${id}]`] = Math.round(ctx.now() - fault.effective!);
    if (settled.site) ctx.figures[`failoverMs[${id}]`] = Math.round(ctx.now() - fault.effective!);
    ctx.notes.push(
      `${id}: ${settled.closed ? 'closed for good' : `working on ${settled.site ?? 'no site'}`}`,
    );
  }
  if (
    await ctx.waitForAgent(
      agent,
      'an ok operation after the kill',
      (p) => p.ok > okBefore,
      SETTLE_MS,
    )
  ) {
    ctx.figures['failoverMs[agent-1]'] = Math.round(agent.progress.lastOkAt! - fault.effective!);
    ctx.notes.push(`agent-1 working again on ${agent.site()}`);
  }

  ctx.progress(`restarting site-${SITES.agent}`);
  await ctx.faults.heal(fault, { site: SITES.agent });
  const locked = clients['client-default'];
  ctx.figures['defaultClientBackAfterRestart'] = locked && !locked.isClosed() ? 1 : 0;
  const okAfter = agent.progress.ok;
  await ctx.waitForAgent(agent, '10 ok operations after the restart', (p) => p.ok >= okAfter + 10);
  for (const nc of Object.values(clients)) await nc?.close().catch(() => {});
}

/** Waits until a client is closed for good or on the site that works, or the deadline. */
async function settle(nc: NatsConnection | undefined): Promise<{ closed: boolean; site?: string }> {
  if (!nc) return { closed: true };
  const settled = await pollUntil<{ closed: boolean; site?: string }>(
    async () => {
      if (nc.isClosed()) return { closed: true };
      const { site } = connectedTo(nc);
      // The last INFO names the server last dialled, also one that then refused the client:
      // only site-1 accepts it, so only site-1 says it is working again.
      return site === `site-${SITES.other}` ? { closed: false, site } : undefined;
    },
    { timeoutMs: SETTLE_MS, intervalMs: 50, condition: 'client closed or on another site' },
  ).catch(() => undefined);
  return settled?.value ?? { closed: false };
}
