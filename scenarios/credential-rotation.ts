import { startAgentAs } from '../harness/claims/attempts.ts';
import { agentUser, resize } from '../harness/claims/derive.ts';
import { KeyRollout } from '../harness/claims/key-rollout.ts';
import type { History } from '../harness/history/types.ts';
import { isCompletion, isStatus } from '../harness/checks/records.ts';
import type { Scenario } from '../harness/scenario/scenario.ts';
import type { ScenarioContext } from '../harness/scenario/scenario-context.ts';
import type { ReferenceAgent } from '../harness/agent/reference-agent.ts';

/** How the agent's key is rotated. */
export type RotationOrder = 'site-by-site' | 'add-then-remove';

/**
 * How long the secret store takes to hand the agent its new seed after the last site changed:
 * the planned delay of the rollout, not a wait for anything.
 */
const SEED_DELIVERY_MS = 2_000;

/**
 * Credential rotation (ADR 019: credentials in the secret store mounted at each site): the
 * agent's NKey is replaced while it works, on three sites of one server.
 * - `site-by-site`, as a rollout does it by default: each site's accounts file gets the new key
 *   instead of the old one and reloads, one site after the other, and the secret store hands
 *   the agent its new seed after the last. The agent is locked out from the moment no site
 *   accepts its old key until it has the new one; the window is measured.
 * - `add-then-remove`, the order that avoids it: the new key is added beside the old one at
 *   every site, the agent switches to it, then the old key is removed site by site.
 */
export function credentialRotation(order: RotationOrder): Scenario {
  const siteBySite = order === 'site-by-site';
  return {
    name: `credential-rotation-${order}`,
    description: siteBySite
      ? "replace the agent's key site by site, then hand it the new seed; measure the lockout"
      : "add the agent's new key at every site, switch the agent to it, remove the old key",
    checks: siteBySite
      ? ['expected-outcomes', 'acknowledged-writes']
      : ['credential-continuity', 'acknowledged-writes', 'expected-outcomes'],
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
          id: 'agent-not-locked-out',
          what: 'the agent comes back by itself once it has the new seed',
          process: 'agent-1',
          outcome: 'not-locked-out',
        },
      ],
    },
    derive: {
      describe: 'three sites of one server, the bucket at R=1 in site-1',
      apply: (d) => resize(d, { sites: 3, serversPerSite: 1, replicas: 1 }),
    },
    run: (ctx) => rotate(ctx, order),
  };
}

async function rotate(ctx: ScenarioContext, order: RotationOrder) {
  const agent = await startAgentAs(ctx, 'agent-1', {});
  if (!(await ctx.waitForAgent(agent, '20 ok operations', (p) => p.ok >= 20))) return;
  const rollout = await KeyRollout.prepare(ctx, agentUser(ctx.cluster.deployment).name);
  const sites = ctx.cluster.topology.sites.map((_, i) => i + 1);
  const started = ctx.now();

  if (order === 'site-by-site') {
    for (const site of sites) {
      ctx.progress(`site-${site}: the agent's old key replaced by the new one`);
      await rollout.changeSite(site, 'replace');
      await showWhatAgentDoes(ctx, agent);
    }
    await ctx.hold(SEED_DELIVERY_MS);
    ctx.progress('the secret store hands the agent its new seed');
    await rollout.switchSeed();
  } else {
    for (const site of sites) {
      ctx.progress(`site-${site}: the agent's new key added beside the old one`);
      await rollout.changeSite(site, 'add-new');
    }
    ctx.progress('the agent switches to its new seed');
    await rollout.switchSeed();
    await agent.reconnect();
    await showWhatAgentDoes(ctx, agent);
    for (const site of sites) {
      ctx.progress(`site-${site}: the agent's old key removed`);
      await rollout.changeSite(site, 'remove-old');
      await showWhatAgentDoes(ctx, agent);
    }
  }
  const ok = agent.progress.ok;
  await ctx.waitForAgent(agent, '10 ok operations after the rotation', (p) => p.ok >= ok + 10);
  ctx.figures['rotationMs'] = Math.round(ctx.now() - started);
  ctx.figures['lockoutWindowMs'] = lockoutWindow(ctx.history(), agent.id, started);
  ctx.notes.push(
    `longest time without an ok operation around an authorization error: ${ctx.figures['lockoutWindowMs']} ms`,
  );
}

/** Waits until the agent made 5 more ok operations or had 3 more fail, whichever comes first. */
async function showWhatAgentDoes(ctx: ScenarioContext, agent: ReferenceAgent) {
  const { ok, failed } = agent.progress;
  await ctx.waitForAgent(
    agent,
    '5 ok or 3 failed operations',
    (p) => p.ok >= ok + 5 || p.failed >= failed + 3,
    10_000,
  );
}

/**
 * The longest stretch without an ok operation of `process` that holds one of its
 * authorization errors, from `since` on: how long rotating its key locked it out. 0 when it
 * met no authorization error; up to the end of the history when it never worked again.
 */
export function lockoutWindow(history: History, process: string, since: number): number {
  const own = history.records.filter(
    (r) => r.time >= since && (r.process === process || r.process.startsWith(`${process}/`)),
  );
  const oks = own.filter((r) => r.type === 'ok').map((r) => r.time);
  const end = history.records.at(-1)?.time ?? since;
  let longest = 0;
  for (const r of own) {
    const error = isCompletion(r) || isStatus(r) ? r.error : undefined;
    if (error?.class !== 'authorization') continue;
    const before = oks.filter((t) => t <= r.time).at(-1) ?? since;
    const after = oks.find((t) => t > r.time) ?? end;
    longest = Math.max(longest, after - before);
  }
  return Math.round(longest);
}
