import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../wait.ts';
import { resolveNatsServerBinary } from '../process/nats-binary.ts';
import {
  containerImages,
  DEFAULT_NATS_IMAGE,
  DEFAULT_TOXIPROXY_IMAGE,
  LOCAL_IMAGE_LABEL,
  LOCAL_NATS_IMAGE,
  LOCAL_TOXIPROXY_IMAGE,
} from './images.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./build-images.ts', import.meta.url));
const NO_DOCKER = 'no Docker engine answers `docker info`; start one (`nohup dockerd &`)';
const dockerUp = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; a non-zero exit is a result, not a throw. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: REPO_ROOT, env, encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout: stdout.toString('latin1'), stderr: stderr.toString() });
    });
  });
}

async function docker(...args: string[]): Promise<string> {
  const result = await run('docker', args);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

const buildScript = (env?: NodeJS.ProcessEnv) =>
  run(process.execPath, ['--import', 'tsx', SCRIPT], env);

describe('containerImages', () => {
  it('takes the images from the environment, else the official ones', () => {
    expect(containerImages({})).toEqual({
      nats: DEFAULT_NATS_IMAGE,
      toxiproxy: DEFAULT_TOXIPROXY_IMAGE,
    });
    const env = { NATS_CHAOS_NATS_IMAGE: LOCAL_NATS_IMAGE, NATS_CHAOS_TOXIPROXY_IMAGE: '' };
    expect(containerImages(env)).toEqual({
      nats: LOCAL_NATS_IMAGE,
      toxiproxy: DEFAULT_TOXIPROXY_IMAGE,
    });
  });

  it('npm run images exits 2 and says how to start Docker when none answers', async () => {
    const env = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const result = await buildScript(env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DOCKER_UNAVAILABLE');
    expect(result.stderr).toContain('dockerd');
  });
});

describe('local images', () => {
  const containers: string[] = [];
  let built: Ran;

  beforeAll(async () => {
    if (dockerUp) built = await buildScript();
  }, 60_000);

  beforeEach(({ skip }) => {
    if (dockerUp) return;
    if (process.env['CI'] === 'true') throw new Error(`CI=true, but ${NO_DOCKER}`);
    skip(NO_DOCKER);
  });

  afterAll(async () => {
    if (containers.length > 0) await docker('rm', '-f', ...containers).catch(() => {});
  });

  /** Starts a container that afterAll removes, also when the test fails. */
  async function start(args: string[]): Promise<string> {
    const id = await docker('run', '-d', ...args);
    containers.push(id);
    return id;
  }

  async function hostPort(id: string, port: number): Promise<string> {
    const mapped = (await docker('port', id, `${port}/tcp`)).split('\n')[0]!;
    return `127.0.0.1:${mapped.split(':').pop()}`;
  }

  async function timedStop(id: string): Promise<number> {
    const before = performance.now();
    await docker('stop', id);
    return performance.now() - before;
  }

  it('builds both images, labelled as local, and a second run rebuilds neither', async () => {
    expect(built.code, built.stderr).toBe(0);
    for (const image of [LOCAL_NATS_IMAGE, LOCAL_TOXIPROXY_IMAGE]) {
      const labels = JSON.parse(
        await docker('image', 'inspect', '-f', '{{json .Config.Labels}}', image),
      );
      expect(labels[LOCAL_IMAGE_LABEL]).toBe('local');
    }

    const again = await buildScript();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`up to date: ${LOCAL_NATS_IMAGE}`);
    expect(again.stdout).toContain(`up to date: ${LOCAL_TOXIPROXY_IMAGE}`);
  });

  it('has a /tmp of mode 1777 in both images', async () => {
    for (const image of [LOCAL_NATS_IMAGE, LOCAL_TOXIPROXY_IMAGE]) {
      const id = await docker('create', image);
      containers.push(id);
      // `docker cp` writes a tar stream; the first header's mode field is /tmp's.
      const tar = (await run('docker', ['cp', `${id}:/tmp`, '-'])).stdout;
      expect(parseInt(tar.slice(100, 107), 8) & 0o7777, image).toBe(0o1777);
    }
  });

  it('runs the host nats-server: --version', async () => {
    const { version } = resolveNatsServerBinary();
    const result = await run('docker', ['run', '--rm', LOCAL_NATS_IMAGE, '--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`nats-server: ${version}`);
  });

  it('runs nats-server from a bind-mounted config, JetStream in /data, and stops quickly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nats-chaos-images-test-'));
    try {
      const config = join(dir, 'server.conf');
      await writeFile(config, 'http_port: 8222\njetstream { store_dir: /data }\n');
      const id = await start([
        ...['-p', '127.0.0.1::8222', '-v', `${config}:/etc/nats/server.conf:ro`],
        ...[LOCAL_NATS_IMAGE, '-c', '/etc/nats/server.conf'],
      ]);
      const monitor = `http://${await hostPort(id, 8222)}`;
      await pollUntil(async () => ((await fetch(`${monitor}/healthz`)).ok ? true : undefined), {
        timeoutMs: 10_000,
        condition: 'nats-server container serving /healthz',
      });
      const jsz = (await (await fetch(`${monitor}/jsz`)).json()) as {
        config: { store_dir: string };
      };
      expect(jsz.config.store_dir).toBe('/data/jetstream');
      expect(await timedStop(id)).toBeLessThan(2_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the Toxiproxy API, proxies listening on 0.0.0.0, and stops quickly', async () => {
    const id = await start([
      '-p',
      '127.0.0.1::8474',
      '-p',
      '127.0.0.1::20000',
      LOCAL_TOXIPROXY_IMAGE,
    ]);
    const api = `http://${await hostPort(id, 8474)}`;
    const { value: version } = await pollUntil(
      async () => {
        const response = await fetch(`${api}/version`);
        return response.ok ? ((await response.json()) as unknown) : undefined;
      },
      { timeoutMs: 10_000, condition: 'toxiproxy container answering /version' },
    );
    expect(version).toHaveProperty('version');

    // A proxy in front of the API itself: reaching the API through it from the host shows that
    // it listens on every interface of the container, not just its loopback.
    const proxy = { name: 'self', listen: '0.0.0.0:20000', upstream: '127.0.0.1:8474' };
    const created = await fetch(`${api}/proxies`, { method: 'POST', body: JSON.stringify(proxy) });
    expect(created.status).toBe(201);
    const through = await fetch(`http://${await hostPort(id, 20000)}/version`);
    expect(await through.json()).toEqual(version);

    expect(await timedStop(id)).toBeLessThan(2_000);
    expect(await docker('inspect', '-f', '{{.State.ExitCode}}', id)).toBe('0');
  });
});
