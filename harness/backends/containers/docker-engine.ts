import type Dockerode from 'dockerode';
import { HarnessError } from '../../errors.ts';
import { logger } from '../../logger.ts';

const log = logger('containers');

// testcontainers reaches for helper images (Ryuk, alpine) unless told otherwise, and none can
// be pulled on an air-gapped machine: the harness reaps by its own labels instead. Set before
// testcontainers is first loaded; a user's own settings win.
process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';

/** Every container and network the harness creates carries these labels. */
export const LABEL = 'org.nats-chaos';
export const RUN_LABEL = 'org.nats-chaos.run';
/** The harness process that owns the run: a run whose owner is gone is reaped. */
export const OWNER_LABEL = 'org.nats-chaos.owner';

/** No Docker engine answers: containers cannot run, nor images be built. */
export class DockerUnavailableError extends HarnessError {
  readonly code = 'DOCKER_UNAVAILABLE';
  constructor(
    problem: string,
    /** What needed Docker, and what to do instead, for the message. */
    needs = 'the container backend',
    otherwise = 'or use --backend process',
  ) {
    super(
      `${needs} needs a Docker engine, and none answers (${problem}): install Docker (Debian: ` +
        'apt-get install docker.io), start it in the background (`nohup dockerd ' +
        `>/var/log/dockerd.log 2>&1 &\`), wait until \`docker info\` succeeds, ${otherwise}`,
    );
    this.name = 'DockerUnavailableError';
  }
}

/** An image is neither present nor pullable. */
export class ImageUnavailableError extends HarnessError {
  readonly code = 'IMAGE_UNAVAILABLE';
  constructor(
    readonly image: string,
    readonly setting: string,
    problem: string,
  ) {
    super(
      `image ${image} is not on this machine and could not be pulled (${problem}): build the ` +
        `local images with \`npm run images\` and set ${setting} to one of them, or make the ` +
        'registry reachable',
    );
    this.name = 'ImageUnavailableError';
  }
}

/** What the container backend talks to: testcontainers, and dockerode for what it lacks. */
export interface DockerEngine {
  testcontainers: typeof import('testcontainers');
  docker: Dockerode;
}

let engine: Promise<DockerEngine> | undefined;

/** Connects to the Docker engine once per process; throws DockerUnavailableError without one. */
export function dockerEngine(): Promise<DockerEngine> {
  engine ??= (async () => {
    const testcontainers = await import('testcontainers');
    try {
      const client = await testcontainers.getContainerRuntimeClient();
      return { testcontainers, docker: client.container.dockerode };
    } catch (err) {
      engine = undefined;
      throw new DockerUnavailableError(err instanceof Error ? err.message : String(err));
    }
  })();
  return engine;
}

/** True when a Docker engine answers; for tests that need one. */
export async function dockerAvailable(): Promise<boolean> {
  return dockerEngine().then(
    () => true,
    () => false,
  );
}

/** Makes sure an image is present: pulls it when missing, or says what to do. */
export async function ensureImage(image: string, setting: string): Promise<void> {
  const { docker } = await dockerEngine();
  const present = await docker
    .getImage(image)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (present) return;
  log('pulling %s', image);
  try {
    const stream = await docker.pull(image);
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))),
    );
  } catch (err) {
    throw new ImageUnavailableError(
      image,
      setting,
      err instanceof Error ? err.message : String(err),
    );
  }
}

/** Labels for a resource of a run. */
export function runLabels(runId: string): Record<string, string> {
  return { [LABEL]: 'true', [RUN_LABEL]: runId, [OWNER_LABEL]: String(process.pid) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The harness process that owns each run that has containers, by run id. */
export async function containerOwners(): Promise<Map<string, number>> {
  const { docker } = await dockerEngine();
  const containers = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [LABEL] }),
  });
  const owners = new Map<string, number>();
  for (const c of containers) {
    const runId = c.Labels[RUN_LABEL];
    const pid = Number(c.Labels[OWNER_LABEL]);
    if (runId && Number.isInteger(pid)) owners.set(runId, pid);
  }
  return owners;
}

/**
 * Removes containers and networks of the harness: those of one run, all of them, or (the
 * default) those whose owning harness process is gone, which is what a killed run leaves.
 * Returns the run ids removed.
 */
export async function removeRunResources(
  which: { runId: string } | 'all' | 'stale' = 'stale',
): Promise<string[]> {
  const { docker } = await dockerEngine();
  const filters = JSON.stringify({
    label: typeof which === 'object' ? [`${RUN_LABEL}=${which.runId}`] : [LABEL],
  });
  const pick = (labels: Record<string, string> | undefined) => {
    if (!labels || which !== 'stale') return true;
    const owner = Number(labels[OWNER_LABEL]);
    return owner !== process.pid && !alive(owner);
  };

  const runs = new Set<string>();
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers
      .filter((c) => pick(c.Labels))
      .map(async (c) => {
        runs.add(c.Labels[RUN_LABEL] ?? '?');
        await docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => {});
      }),
  );
  const networks = await docker.listNetworks({ filters });
  for (const n of networks.filter((n) => pick(n.Labels))) {
    runs.add(n.Labels?.[RUN_LABEL] ?? '?');
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => {});
  }
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes.filter((v) => pick(v.Labels))) {
    runs.add(v.Labels?.[RUN_LABEL] ?? '?');
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => {});
  }
  if (runs.size > 0) log('removed what runs %s left', [...runs].join(', '));
  return [...runs];
}
