import { createInterface } from 'node:readline';
import type { StartedTestContainer } from 'testcontainers';
import { dockerEngine, ensureImage, runLabels } from '../backends/containers/docker-engine.ts';
import { logger } from '../logger.ts';
import type { AgentRunner, AgentRunnerHooks } from './agent-runner.ts';

const log = logger('external-agent');

/** Files of the contract a container needs: mounted at the same paths as on the host. */
export interface ContainerMounts {
  /** The agent's seed file: mounted read-only. */
  seedFile: string;
  /** The agent's folder (contract.json, the report file): mounted read-write. */
  dir: string;
}

/**
 * Runs the agent as a container of the user's image, through testcontainers, on the host's
 * network: the client URLs the harness hands out (loopback addresses of the client proxies,
 * with either backend) reach the servers from there as they do from the harness. The seed file
 * and the agent's folder are mounted at their host paths, so the contract needs no translation.
 * The container carries the run's labels, so `nats-chaos down` and the next run reap it if the
 * harness dies. Its exit code is the container's (128 + n after signal n).
 */
export class ContainerRunner implements AgentRunner {
  readonly kind = 'image';
  private container?: StartedTestContainer;
  private exited: Promise<void> = Promise.resolve();
  private gone = false;

  constructor(
    private readonly id: string,
    private readonly image: string,
    private readonly runId: string,
    private readonly mounts: ContainerMounts,
  ) {}

  async start(env: Record<string, string>, hooks: AgentRunnerHooks): Promise<{ pid?: number }> {
    const { testcontainers, docker } = await dockerEngine();
    await ensureImage(this.image, '--agent-image');
    const { seedFile, dir } = this.mounts;
    const container = await new testcontainers.GenericContainer(this.image)
      .withName(`nats-chaos-${this.runId}-${this.id}`)
      .withLabels(runLabels(this.runId))
      .withNetworkMode('host')
      .withEnvironment(env)
      .withBindMounts([
        { source: seedFile, target: seedFile, mode: 'ro' },
        { source: dir, target: dir, mode: 'rw' },
      ])
      .withLogConsumer((stream) => {
        const lines = createInterface({ input: stream, crlfDelay: Infinity });
        lines.on('line', (line) => hooks.onLine('output', line));
      })
      // No wait strategy of its own: with no published port, started is all there is to wait
      // for, since an agent need not listen or log anything.
      .start();
    this.container = container;
    this.exited = docker
      .getContainer(container.getId())
      .wait()
      .then(
        (result: { StatusCode?: number }) => result.StatusCode ?? null,
        () => null,
      )
      .then((exitCode) => {
        this.gone = true;
        hooks.onExit({ exitCode, signal: null });
      });
    log('%s: container %s of %s', this.id, container.getId().slice(0, 12), this.image);
    return {};
  }

  async stop(graceMs: number): Promise<void> {
    const container = this.container;
    if (!container) return;
    if (!this.gone) {
      // docker stop: SIGTERM, then SIGKILL after the timeout. Kept until its exit is read.
      await container.stop({ timeout: graceMs, remove: false }).catch(() => {});
    }
    await this.exited;
    const { docker } = await dockerEngine();
    await docker
      .getContainer(container.getId())
      .remove({ force: true, v: true })
      .catch((err: unknown) => log('%s: removing its container: %s', this.id, String(err)));
  }
}
