/**
 * Rotating a user's NKey the way a real rollout does it: one site's accounts file at a time,
 * each server told to reload its config, then the client's seed replaced in the secret store.
 * Each step is recorded as a `config-change` fault and verified before the rollout goes on: the
 * site accepts the key it should and refuses the one it should no longer accept.
 */
import { copyFile, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { createUser } from 'nkeys.js';
import { FaultNotEffectiveError } from '../faults/fault-errors.ts';
import type { FaultRecord } from '../history/types.ts';
import { logger } from '../logger.ts';
import type { ScenarioContext } from '../scenario/scenario-context.ts';
import { siteName } from '../topology/plan.ts';
import { pollUntil } from '../wait.ts';
import { ConfigReloadUnsupportedError, siteAccepts } from './site-config.ts';

const log = logger('faults');

/** What one step does to a site's accounts file. */
export type KeyChange = 'add-new' | 'replace' | 'remove-old';

/** A rotation of one user's key, from its old NKey to a new one generated for it. */
export class KeyRollout {
  private constructor(
    private readonly ctx: ScenarioContext,
    readonly user: string,
    private readonly keys: { old: string; next: string },
    private readonly seeds: { current: string; old: string; next: string },
  ) {}

  /**
   * Generates the user's next key (its seed in a file of mode 0600 beside the others) and keeps
   * a copy of the old seed, so each step can be verified with both.
   */
  static async prepare(ctx: ScenarioContext, user: string): Promise<KeyRollout> {
    if (!ctx.cluster.reload) throw new ConfigReloadUnsupportedError(ctx.cluster.backend);
    const key = ctx.cluster.credentials.get(user);
    if (!key) throw new Error(`no credentials for user ${user}`);
    const dir = ctx.cluster.workspace.secretsDir;
    const seeds = {
      current: key.seedFile,
      old: join(dir, `${user}.old.nk`),
      next: join(dir, `${user}.next.nk`),
    };
    await copyFile(seeds.current, seeds.old);
    await chmod(seeds.old, 0o600);
    const pair = createUser();
    await writeFile(seeds.next, new TextDecoder().decode(pair.getSeed()) + '\n', { mode: 0o600 });
    await chmod(seeds.next, 0o600);
    return new KeyRollout(ctx, user, { old: key.publicKey, next: pair.getPublicKey() }, seeds);
  }

  /** Changes one site's accounts file, reloads its servers and verifies the change. */
  async changeSite(site: number, change: KeyChange): Promise<FaultRecord> {
    const { ctx } = this;
    const file = join(ctx.cluster.workspace.secretsDir, `site-${site}-accounts.conf`);
    const fault = ctx.recorder.startFault({
      kind: 'config-change',
      target: { site: siteName(site) },
      details: { user: this.user, change },
    });
    await writeFile(file, this.edit(await readFile(file, 'utf8'), change), { mode: 0o600 });
    await ctx.cluster.reload!({ site });

    const accepts = [this.seeds.next];
    const refuses = change === 'add-new' ? [] : [this.seeds.old];
    try {
      await pollUntil(
        async () => {
          for (const seed of accepts) if (!(await this.accepted(site, seed))) return undefined;
          for (const seed of refuses) if (await this.accepted(site, seed)) return undefined;
          return true;
        },
        { timeoutMs: 10_000, intervalMs: 100, condition: `${siteName(site)} ${change} applied` },
      );
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new FaultNotEffectiveError(`config-change ${change}`, siteName(site), reason);
    }
    ctx.recorder.markFault(fault, 'effective');
    ctx.recorder.markFault(fault, 'end');
    log('%s: %s of %s verified', siteName(site), change, this.user);
    return fault;
  }

  /**
   * Puts the new seed where the client reads it (the secret store's file), as the secret store
   * does when it rotates a credential. A client reads it at its next connect. Written in place,
   * not renamed over: an agent container has this one file bind-mounted, and a mount keeps the
   * file it was given, so only an in-place write reaches it. A reader may catch the file empty
   * for a moment; the reference agent keeps its last seed then (agent/connection.ts).
   */
  async switchSeed(): Promise<void> {
    await writeFile(this.seeds.current, await readFile(this.seeds.next, 'utf8'), { mode: 0o600 });
    log('%s: seed replaced in the secret store', this.user);
  }

  private edit(text: string, change: KeyChange): string {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes(`"${this.keys.old}"`));
    if (at < 0 && change !== 'remove-old') {
      throw new Error(`the accounts file has no line for ${this.user}'s key`);
    }
    const withNext = (lines[at] ?? '').replace(this.keys.old, this.keys.next);
    if (change === 'add-new') lines.splice(at + 1, 0, withNext);
    if (change === 'replace') lines.splice(at, 1, withNext);
    if (change === 'remove-old' && at >= 0) lines.splice(at, 1);
    return lines.join('\n');
  }

  /**
   * Whether a site lets a client with this seed in (connect and one round trip).
   * LIMITATION: it asks the first running server of the site; on a site of several servers a
   * server that has not reloaded yet could still answer otherwise.
   */
  private accepted(site: number, seedFile: string): Promise<boolean> {
    return siteAccepts(this.ctx, site, seedFile);
  }
}
