import { spawnSync } from 'node:child_process';
import { buildImages } from '../backends/containers/build-images.ts';
import { LOCAL_NATS_IMAGE, LOCAL_TOXIPROXY_IMAGE } from '../backends/containers/images.ts';

/** Whether a Docker engine answers, checked once per test file. */
export const dockerUp =
  spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

const NO_DOCKER = 'no Docker engine answers `docker info`; start one (`nohup dockerd &`)';

/**
 * For a `beforeEach`: skips a container test where there is no Docker engine, with the reason;
 * under CI=true a missing engine fails instead, so CI never passes by skipping.
 */
export function skipWithoutDocker({ skip }: { skip: (note?: string) => void }): void {
  if (dockerUp) return;
  if (process.env['CI'] === 'true') throw new Error(`CI=true, but ${NO_DOCKER}`);
  skip(NO_DOCKER);
}

/**
 * The images container tests run: the environment's when set, else the local images, built
 * (or found up to date) first, so the tests pull nothing.
 */
export async function testImages(): Promise<{ nats: string; toxiproxy: string }> {
  const nats = process.env['NATS_CHAOS_NATS_IMAGE'] || LOCAL_NATS_IMAGE;
  const toxiproxy = process.env['NATS_CHAOS_TOXIPROXY_IMAGE'] || LOCAL_TOXIPROXY_IMAGE;
  if (nats === LOCAL_NATS_IMAGE || toxiproxy === LOCAL_TOXIPROXY_IMAGE) await buildImages();
  return { nats, toxiproxy };
}

/**
 * Names of containers, networks and volumes labelled with a run id (or any harness run). A
 * docker command that fails throws: an empty list must mean nothing is there.
 */
export function labelledResources(runId?: string): string[] {
  const filter = `label=org.nats-chaos${runId ? `.run=${runId}` : ''}`;
  const list = (args: string[], field: string) => {
    const result = spawnSync('docker', [...args, '--filter', filter, '--format', `{{.${field}}}`], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.split('\n').filter(Boolean);
  };
  return [
    ...list(['ps', '-a'], 'Names'),
    ...list(['network', 'ls'], 'Name'),
    ...list(['volume', 'ls'], 'Name'),
  ];
}
