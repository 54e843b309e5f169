/**
 * Rolling a changed accounts file out to one site while the supercluster runs: the file is
 * rendered from a deployment (the given one with drift at that site, or the given one again to
 * undo it), the site's servers reload, and the change is verified before the scenario goes
 * on. Each change is a `config-change` fault from the rollout until it is undone.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectWithSeed } from '../agent/connection.ts';
import { FaultNotEffectiveError } from '../faults/fault-errors.ts';
import type { FaultRecord } from '../history/types.ts';
import type { ScenarioContext } from '../scenario/scenario-context.ts';
import type { Deployment } from '../topology/deployment-schema.ts';
import { siteName } from '../topology/plan.ts';
import { HarnessError } from '../errors.ts';
import { renderAccountsFile } from '../topology/render-config.ts';
import { pollUntil } from '../wait.ts';

/** The backend cannot make its servers re-read their config. */
export class ConfigReloadUnsupportedError extends HarnessError {
  readonly code = 'CONFIG_RELOAD_UNSUPPORTED';
  constructor(readonly backend: string) {
    super(
      `the ${backend} backend cannot reload a server's config; use --backend process or containers`,
    );
    this.name = 'ConfigReloadUnsupportedError';
  }
}

/**
 * Writes `site`'s accounts file as `deployment` renders it, reloads the site and waits until
 * `verify` says the change is in effect. Returns the fault, still open: `undo` ends it.
 */
export async function rollOutToSite(
  ctx: ScenarioContext,
  site: number,
  deployment: Deployment,
  change: string,
  verify: () => Promise<boolean>,
): Promise<FaultRecord> {
  const fault = ctx.recorder.startFault({
    kind: 'config-change',
    target: { site: siteName(site) },
    details: { change },
  });
  await apply(ctx, site, deployment, change, verify);
  ctx.recorder.markFault(fault, 'effective');
  return fault;
}

/** Renders the site's file from the given deployment again, reloads and verifies; ends `fault`. */
export async function undoAtSite(
  ctx: ScenarioContext,
  site: number,
  fault: FaultRecord,
  verify: () => Promise<boolean>,
): Promise<void> {
  ctx.recorder.markFault(fault, 'end');
  await apply(ctx, site, ctx.cluster.deployment, `undo ${fault.details?.['change']}`, verify);
  ctx.recorder.markFault(fault, 'healed');
}

async function apply(
  ctx: ScenarioContext,
  site: number,
  deployment: Deployment,
  change: string,
  verify: () => Promise<boolean>,
) {
  if (!ctx.cluster.reload) throw new ConfigReloadUnsupportedError(ctx.cluster.backend);
  const file = join(ctx.cluster.workspace.secretsDir, `site-${site}-accounts.conf`);
  await writeFile(file, renderAccountsFile(deployment, site, ctx.cluster.credentials), {
    mode: 0o600,
  });
  await ctx.cluster.reload({ site });
  try {
    await pollUntil(async () => ((await verify()) ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 100,
      condition: `${siteName(site)}: ${change} in effect`,
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new FaultNotEffectiveError(`config-change ${change}`, siteName(site), reason);
  }
}

/** Whether a site lets a user in (connect and one round trip), dialling its servers directly. */
export async function siteAccepts(
  ctx: ScenarioContext,
  site: number,
  seedFile: string,
): Promise<boolean> {
  const servers = ctx.cluster.servers
    .filter((s) => s.plan.site === site && s.status() === 'running')
    .map((s) => s.directClientUrl);
  try {
    const nc = await connectWithSeed({
      servers,
      seedFile,
      name: `config-check-${siteName(site)}`,
      ignoreAuthErrorAbort: false,
      maxReconnectAttempts: 0,
    });
    await nc.flush();
    await nc.close();
    return true;
  } catch {
    return false;
  }
}
