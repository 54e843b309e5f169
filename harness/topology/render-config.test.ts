import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveNatsServerBinary, testServerConfig } from '../backends/process/nats-binary.ts';
import { generateCredentials } from './credentials.ts';
import { loadDeployment } from './load-deployment.ts';
import { planTopology } from './plan.ts';
import { renderAccountsFile, renderServerConfig } from './render-config.ts';

const SEED = /\bS[UAONC][A-Z2-7]{56}\b/;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Renders every server of a deployment into a temp dir with made-up ports. */
async function renderAll(name: string) {
  const { deployment } = await loadDeployment(name);
  const dir = await mkdtemp(join(tmpdir(), 'nats-chaos-render-'));
  dirs.push(dir);
  const secrets = join(dir, 'secrets');
  const keys = await generateCredentials(deployment, secrets);
  const { servers } = planTopology(deployment);
  for (let site = 1; site <= deployment.sites.count; site++) {
    await writeFile(join(secrets, `site-${site}.conf`), renderAccountsFile(deployment, site, keys));
  }
  await mkdir(join(dir, 'config'));
  const files = [];
  for (const [i, server] of servers.entries()) {
    const port = (kind: number) => 20000 + i * 10 + kind;
    const config = renderServerConfig({
      deployment,
      server,
      addresses: {
        bindHost: '127.0.0.1',
        clientPort: port(0),
        clusterPort: port(1),
        gatewayPort: port(2),
        monitorPort: port(3),
        routes: servers
          .filter((o) => o.site === server.site && o !== server)
          .map((_, j) => `nats-route://127.0.0.1:${30000 + j}`),
        gateways: { 'site-x': ['nats://127.0.0.1:40000'] },
      },
      storeDir: join(dir, 'store', server.name),
      accountsInclude: `../secrets/site-${server.site}.conf`,
    });
    const file = join(dir, 'config', `${server.name}.conf`);
    await writeFile(file, config);
    files.push(file);
  }
  return { deployment, dir, secrets, keys, files };
}

describe('rendered configs', () => {
  const binary = resolveNatsServerBinary().path;

  it.each(['harmony', 'harmony-as-written'])(
    '%s: every server config passes nats-server -t',
    async (name) => {
      const { files, deployment } = await renderAll(name);
      expect(files).toHaveLength(deployment.sites.count * deployment.sites.serversPerSite);
      for (const file of files) {
        const result = testServerConfig(binary, file);
        expect(result.output, file).toContain('configuration file');
        expect(result.ok, `${file}: ${result.output}`).toBe(true);
      }
    },
  );

  it('nats-server -t rejects a config whose include is missing', async () => {
    const { files, secrets } = await renderAll('harmony');
    await rm(join(secrets, 'site-1.conf'));
    expect(testServerConfig(binary, files[0]!).ok).toBe(false);
  });

  it('keeps seeds out of configs, in files of mode 0600', async () => {
    const { files, secrets, keys } = await renderAll('harmony');
    for (const file of files) expect(await readFile(file, 'utf8')).not.toMatch(SEED);
    for (let site = 1; site <= 3; site++) {
      expect(await readFile(join(secrets, `site-${site}.conf`), 'utf8')).not.toMatch(SEED);
    }
    for (const key of keys.values()) {
      expect((await stat(key.seedFile)).mode & 0o777).toBe(0o600);
      expect(await readFile(key.seedFile, 'utf8')).toMatch(SEED);
    }
  });

  it('renders ping settings short enough to notice a dead link within seconds', async () => {
    const { files } = await renderAll('harmony');
    const text = await readFile(files[0]!, 'utf8');
    expect(text).toContain('ping_interval: "1s"');
    expect(text).toContain('ping_max: 2');
    expect(text).toContain('server_tags: ["site:site-1", "server:site-1-n1"]');
  });
});
