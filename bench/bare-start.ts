import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The baseline for start-up: spawn nats-server on a set of already rendered configs and poll
 * the same readiness (/gatewayz outbound and inbound counts, one meta leader in /jsz) with
 * plain fetch, nothing of the harness in between.
 */
export async function bareStart(
  binary: string,
  /** A copy of the harness's config and secrets dirs. */
  workspace: string,
  /** The harness workspace the configs were rendered for; store paths are moved off it. */
  renderedFor: string,
  servers: { name: string; monitorUrl: string; site: string }[],
): Promise<{ readyMs: number; stop: () => Promise<void> }> {
  // A copy of the workspace with empty stores, so each try starts from nothing like the harness.
  const dir = await mkdtemp(join(tmpdir(), 'nats-chaos-bare-'));
  await cp(join(workspace, 'secrets'), join(dir, 'secrets'), { recursive: true });
  await cp(join(workspace, 'config'), join(dir, 'config'), { recursive: true });
  for (const file of await readdir(join(dir, 'config'))) {
    const path = join(dir, 'config', file);
    await writeFile(path, (await readFile(path, 'utf8')).replaceAll(renderedFor, dir));
  }
  const started = performance.now();
  const children: ChildProcess[] = servers.map((s) =>
    spawn(binary, ['-c', join(dir, 'config', `${s.name}.conf`)], { stdio: 'ignore' }),
  );
  await pollBareReadiness(servers, started);
  const readyMs = performance.now() - started;
  return {
    readyMs,
    stop: async () => {
      await Promise.all(
        children.map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGKILL')))),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls, with plain fetch and nothing of the harness, until every server has an outbound
 * gateway to every other site, the inbound gateways add up, and all agree on one meta leader:
 * the readiness the harness waits for. Gives up 60 s after `started`.
 */
export async function pollBareReadiness(
  servers: { monitorUrl: string; site: string }[],
  started: number,
): Promise<void> {
  const sites = new Set(servers.map((s) => s.site)).size;
  const get = (url: string) =>
    fetch(url, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.json() as Promise<Record<string, unknown>>)
      .catch(() => undefined);
  for (;;) {
    if (performance.now() - started > 60_000) throw new Error('bare start: not ready in 60 s');
    const gw = await Promise.all(servers.map((s) => get(`${s.monitorUrl}/gatewayz`)));
    const outboundOk = gw.every(
      (g) => Object.keys((g?.['outbound_gateways'] as object) ?? {}).length === sites - 1,
    );
    const inbound = gw.reduce(
      (n, g) =>
        n +
        Object.values((g?.['inbound_gateways'] as Record<string, unknown[]>) ?? {}).flat().length,
      0,
    );
    if (outboundOk && inbound >= servers.length * (sites - 1)) {
      const js = await Promise.all(servers.map((s) => get(`${s.monitorUrl}/jsz`)));
      const leaders = js.map(
        (j) => (j?.['meta_cluster'] as { leader?: string } | undefined)?.leader ?? '',
      );
      if (leaders[0] && leaders.every((l) => l === leaders[0])) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
