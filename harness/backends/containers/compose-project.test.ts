import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, nkeyAuthenticator } from 'nats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dockerUp, skipWithoutDocker, testImages } from '../../testing/docker-gate.ts';
import { loadDeployment } from '../../topology/load-deployment.ts';
import { pollUntil } from '../../wait.ts';
import { waitForSupercluster } from '../readiness.ts';
import {
  renderComposeProject,
  topLevelComposeFile,
  type ComposeConnection,
} from './compose-project.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SEED = /\bS[UAONC][A-Z2-7]{56}\b/;

let dir: string;
let connection: ComposeConnection;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nats-chaos-compose-'));
  connection = await renderComposeProject((await loadDeployment('harmony')).deployment, dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nats-chaos render', () => {
  it('the repository docker-compose.yml is what the layout gives', async () => {
    const committed = await readFile(join(REPO, 'docker-compose.yml'), 'utf8');
    expect(
      committed,
      'run `npx tsx harness/backends/containers/compose-project.ts` to write it anew',
    ).toBe(topLevelComposeFile());
  });

  it('keeps seeds in 0600 files of secrets/ and out of every other file', async () => {
    for (const name of await readdir(join(dir, 'secrets'))) {
      expect(((await stat(join(dir, 'secrets', name))).mode & 0o777).toString(8)).toBe('600');
    }
    expect(((await stat(join(dir, 'secrets'))).mode & 0o777).toString(8)).toBe('700');
    expect(await readFile(connection.agentSeedFile, 'utf8')).toMatch(SEED);
    const others = [
      'docker-compose.yml',
      'toxiproxy.json',
      'connection.json',
      ...(await readdir(join(dir, 'config'))).map((f) => join('config', f)),
    ];
    for (const file of others) expect(await readFile(join(dir, file), 'utf8')).not.toMatch(SEED);
  });

  it('puts routes and gateways on their own proxies and advertises decoys', async () => {
    const config = await readFile(join(dir, 'config', 'site-2-n1.conf'), 'utf8');
    expect(config).toMatch(
      /routes: \["nats-route:\/\/10\.213\.4\.2:\d+", "nats-route:\/\/10\.213\.4\.2:\d+"\]/,
    );
    expect(config).toMatch(/advertise: "10\.213\.4\.2:19999"/);
    expect(config).toContain('client_advertise: "127.0.0.1:20003"');
    const proxies = JSON.parse(await readFile(join(dir, 'toxiproxy.json'), 'utf8')) as unknown[];
    expect(proxies).toHaveLength(9 + 9 * 8);
  });
});

/** docker-compose v1 on the rendered project, with a project name of this test's own. */
function compose(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(
    'docker-compose',
    ['-f', join(REPO, 'docker-compose.yml'), '-p', `nats-chaos-test-${process.pid}`, ...args],
    { encoding: 'utf8', env: { ...process.env, NATS_CHAOS_RENDER_DIR: dir, ...env } },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Ids of this test's compose project's containers or networks, as one string. */
function projectResources(list: string[]): string {
  const filter = `label=com.docker.compose.project=nats-chaos-test-${process.pid}`;
  const result = spawnSync('docker', [...list, '-q', '--filter', filter], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker ${list.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('docker-compose.yml', () => {
  let images: { nats: string; toxiproxy: string };
  beforeEach(skipWithoutDocker);
  beforeAll(async () => {
    if (dockerUp) images = await testImages();
  }, 120_000);
  afterAll(() => {
    if (dockerUp) compose(['down', '-v', '--remove-orphans']);
  });

  it('brings up a 3x3 where the agent writes and reads; down removes it', async () => {
    const env = {
      NATS_CHAOS_NATS_IMAGE: images.nats,
      NATS_CHAOS_TOXIPROXY_IMAGE: images.toxiproxy,
    };
    const config = compose(['config', '-q'], env);
    expect(config.status, config.output).toBe(0);
    const up = compose(['up', '-d'], env);
    expect(up.status, up.output).toBe(0);

    const servers = Object.entries(connection.monitorUrls).map(([name, monitorUrl]) => ({
      id: name,
      name,
      siteName: name.replace(/-n\d+$/, ''),
      monitorUrl,
    }));
    const ready = await waitForSupercluster(servers, 60_000);
    expect(ready.metaLeader).toBeTruthy();

    const observerSeed = await readFile(join(dir, 'secrets', 'observer.nk'));
    const observer = await connect({
      servers: connection.clientUrls['site-1'],
      authenticator: nkeyAuthenticator(new Uint8Array(observerSeed.subarray(0, 58))),
    });
    await pollUntil(
      () => observer.jetstream().views.kv('HARMONY', { replicas: 3, placementCluster: 'site-1' }),
      { timeoutMs: 30_000, intervalMs: 250, condition: 'bucket HARMONY at R=3' },
    );
    await observer.close();

    const agentSeed = await readFile(connection.agentSeedFile);
    const agent = await connect({
      servers: connection.clientUrls['site-2'],
      authenticator: nkeyAuthenticator(new Uint8Array(agentSeed.subarray(0, 58))),
    });
    const kv = await agent.jetstream().views.kv('HARMONY', { bindOnly: true });
    const revision = await kv.put('compose.key', 'written through the proxy');
    expect((await kv.get('compose.key'))?.revision).toBe(revision);
    // The agent reached site 2 through its client proxy, not a server's own address.
    expect(agent.info?.cluster).toBe('site-2');
    await agent.close();

    const down = compose(['down', '-v', '--remove-orphans']);
    expect(down.status, down.output).toBe(0);
    expect(projectResources(['ps', '-a'])).toBe('');
    expect(projectResources(['network', 'ls'])).toBe('');
  });
});
