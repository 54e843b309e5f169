import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { onTestFinished } from 'vitest';
import { generateCredentials, type RunCredentials } from '../topology/credentials.ts';
import type { Deployment } from '../topology/deployment-schema.ts';
import { loadDeployment } from '../topology/load-deployment.ts';
import { planTopology, type ServerPlan } from '../topology/plan.ts';
import { renderAccountsFile, renderServerConfig } from '../topology/render-config.ts';

/** A deployment's configs as the process backend writes them, in a temp dir of the test. */
export interface RenderedSites {
  readonly dir: string;
  readonly deployment: Deployment;
  /** One config per server, `config/site-N-nM.conf`, in site order. */
  readonly configs: string[];
  /** The accounts file of site N (from 1), `secrets/site-N-accounts.conf`, mode 0600. */
  accountsFile(site: number): string;
  /** The users' public NKeys; their seeds stay in mode 0600 files in the secrets dir. */
  readonly keys: RunCredentials;
}

/**
 * Renders every server of a shipped deployment the way the process backend does: a config per
 * server that includes its site's accounts file from the secrets dir by a relative path, fresh
 * NKeys with their seeds in mode 0600 files. Servers dial each other directly (no proxies), so
 * the gateway URLs are the gateways' listen addresses. Nothing is started; the ports are only
 * written down. The dir is removed when the test finishes.
 */
export async function renderSites(name: string): Promise<RenderedSites> {
  const { deployment } = await loadDeployment(name);
  const dir = await mkdtemp(join(tmpdir(), `nats-chaos-lint-rendered-${name}-`));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const configDir = join(dir, 'config');
  const secretsDir = join(dir, 'secrets');
  await mkdir(configDir);
  const keys = await generateCredentials(deployment, secretsDir);

  const accountsFile = (site: number) => join(secretsDir, `site-${site}-accounts.conf`);
  for (let site = 1; site <= deployment.sites.count; site++) {
    await writeFile(accountsFile(site), renderAccountsFile(deployment, site, keys), {
      mode: 0o600,
    });
  }

  const { servers } = planTopology(deployment);
  const port = (server: ServerPlan, kind: 'client' | 'cluster' | 'gateway' | 'monitor') =>
    24_000 +
    servers.indexOf(server) * 10 +
    ['client', 'cluster', 'gateway', 'monitor'].indexOf(kind);
  const configs: string[] = [];
  for (const server of servers) {
    const others = servers.filter((s) => s.site !== server.site);
    const config = renderServerConfig({
      deployment,
      server,
      addresses: {
        bindHost: '127.0.0.1',
        clientPort: port(server, 'client'),
        clusterPort: port(server, 'cluster'),
        gatewayPort: port(server, 'gateway'),
        monitorPort: port(server, 'monitor'),
        routes: servers
          .filter((s) => s.site === server.site && s !== server)
          .map((s) => `nats-route://127.0.0.1:${port(s, 'cluster')}`),
        gateways: Object.fromEntries(
          [...new Set(others.map((s) => s.siteName))].map((site) => [
            site,
            others
              .filter((s) => s.siteName === site)
              .map((s) => `nats://127.0.0.1:${port(s, 'gateway')}`),
          ]),
        ),
      },
      storeDir: join(dir, 'store', server.name),
      accountsInclude: relative(configDir, accountsFile(server.site)),
    });
    const file = join(configDir, `${server.name}.conf`);
    await writeFile(file, config);
    configs.push(file);
  }
  return { dir, deployment, configs, accountsFile, keys };
}

/**
 * Copies rendered configs to a new temp dir and applies `edit` to the text of each file named
 * (paths relative to the rendered dir, such as `secrets/site-3-accounts.conf`): a drifted copy.
 */
export async function driftedCopy(
  sites: RenderedSites,
  edits: Record<string, (text: string) => string>,
): Promise<RenderedSites> {
  const dir = await mkdtemp(join(tmpdir(), 'nats-chaos-lint-drifted-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await cp(sites.dir, dir, { recursive: true });
  for (const [path, edit] of Object.entries(edits)) {
    const file = join(dir, path);
    const before = await readFile(file, 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`edit of ${path} changed nothing: fix the test`);
    // Writing over the file keeps its mode: the accounts files stay 0600.
    await writeFile(file, after);
  }
  const moved = (file: string) => join(dir, relative(sites.dir, file));
  return {
    ...sites,
    dir,
    configs: sites.configs.map(moved),
    accountsFile: (site) => moved(sites.accountsFile(site)),
  };
}
