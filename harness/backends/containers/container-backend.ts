import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ProxyMesh } from '../../faults/proxy-mesh.ts';
import { ServerStartError } from '../../errors.ts';
import { logger } from '../../logger.ts';
import type { Deployment } from '../../topology/deployment-schema.ts';
import { generateCredentials, type RunCredentials } from '../../topology/credentials.ts';
import { planTopology, type ServerPlan, type TopologyPlan } from '../../topology/plan.ts';
import { renderAccountsFile, renderServerConfig } from '../../topology/render-config.ts';
import { pollUntil } from '../../wait.ts';
import { isServing } from '../monitoring.ts';
import { freePorts } from '../ports.ts';
import { waitForSupercluster, type ReadinessReport } from '../readiness.ts';
import { createRunWorkspace, removeRunWorkspace, type RunWorkspace } from '../run-workspace.ts';
import { onInterrupt } from '../shutdown-hooks.ts';
import { keepRenderedConfigs } from '../run-artifacts.ts';
import { wipeStore } from '../store-wipe.ts';
import type {
  FaultTarget,
  RunningServer,
  ServerStatus,
  StartedSupercluster,
  StoppedSupercluster,
} from '../supercluster.ts';
import { IN_CONTAINER, SERVER_PORTS } from './container-layout.ts';
import { ContainerNetwork } from './container-network.ts';
import { dockerEngine, ensureImage, removeRunResources, runLabels } from './docker-engine.ts';
import { containerImages } from './images.ts';

const log = logger('container-backend');

export interface ContainerBackendOptions {
  runId?: string;
  startTimeoutMs?: number;
  /** Copy server logs here when the supercluster shuts down (the run directory). */
  keepLogsIn?: string;
  onProgress?: (line: string) => void;
  /** Image names; default from containerImages() (environment, else the official images). */
  images?: { nats?: string; toxiproxy?: string };
}

/** A server container; its published ports can change when it restarts, so they are read anew. */
class ContainerServer implements RunningServer {
  container!: Dockerode.Container;
  clientUrl = '';
  private ports = { client: 0, monitor: 0 };
  private state: ServerStatus = 'stopped';

  constructor(
    readonly plan: ServerPlan,
    readonly storeDir: string,
  ) {}

  get directClientUrl(): string {
    return `nats://127.0.0.1:${this.ports.client}`;
  }

  get monitorUrl(): string {
    return `http://127.0.0.1:${this.ports.monitor}`;
  }

  status(): ServerStatus {
    return this.state;
  }

  setState(state: ServerStatus) {
    this.state = state;
  }

  /** Reads the host ports Docker published for the container's client and monitor ports. */
  async readPorts(): Promise<void> {
    const info = await this.container.inspect();
    const host = (port: number) => Number(info.NetworkSettings.Ports[`${port}/tcp`]?.[0]?.HostPort);
    this.ports = { client: host(SERVER_PORTS.client), monitor: host(SERVER_PORTS.monitor) };
  }
}

/** How many lines of a container's first output a failed start may quote. */
const FAILURE_LOG_LINES = 5;
/** How many of its last lines a starting container's output keeps. */
const START_OUTPUT_LINES = 200;

/**
 * A container's output from its start, kept until it is ready, so that a container that
 * exits at once can be explained: testcontainers removes a container that never got ready,
 * and its logs with it.
 */
class StartOutput {
  private readonly lines: string[] = [];
  private stream?: Readable;

  readonly consume = (stream: Readable) => {
    this.stream = stream;
    stream.on('data', (chunk) => {
      this.lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l.trim() !== ''),
      );
      this.lines.splice(0, Math.max(0, this.lines.length - START_OUTPUT_LINES));
    });
    stream.on('error', () => undefined);
  };

  /** Stops reading: once the server is ready its log goes to the run directory instead. */
  close() {
    this.stream?.destroy();
  }

  /**
   * Why the server did not start: nats-server's fatal line, else its last words, else `err`.
   * When the container exited before testcontainers attached to its output (it was still
   * waiting for the ports), the container is still there and its logs are read instead.
   */
  async failure(plan: ServerPlan, err: unknown, container: Dockerode.Container): Promise<Error> {
    this.close();
    if (this.lines.length === 0) {
      const logs = await container
        .logs({ stdout: true, stderr: true, follow: false })
        .then((b) => demultiplex(b as unknown as Buffer))
        .catch(() => '');
      this.lines.push(...logs.split('\n').filter((l) => l.trim() !== ''));
    }
    const fatal = this.lines.find((l) => l.includes('[FTL]'));
    const reason = fatal ?? this.lines.slice(-FAILURE_LOG_LINES).join(' | ');
    if (!reason) return err instanceof Error ? err : new Error(String(err));
    return new ServerStartError(plan.id, reason.trim());
  }
}

/**
 * Starts every server of a deployment as a container through testcontainers, each on a network
 * of its own, with the Toxiproxy container as the only way between them, and waits until the
 * supercluster is ready. Reaps what killed earlier runs left, first.
 */
export async function startContainerSupercluster(
  deployment: Deployment,
  options: ContainerBackendOptions = {},
): Promise<StartedSupercluster> {
  await dockerEngine();
  await removeRunResources('stale');
  const workspace = await createRunWorkspace(options.runId);
  const cluster = new ContainerSupercluster(
    deployment,
    planTopology(deployment),
    workspace,
    // An image flag left unset (undefined) must not hide the environment's or the default.
    {
      nats: options.images?.nats ?? containerImages().nats,
      toxiproxy: options.images?.toxiproxy ?? containerImages().toxiproxy,
    },
    options,
  );
  try {
    await cluster.boot();
    return cluster;
  } catch (err) {
    await cluster.shutdown();
    throw err;
  }
}

class ContainerSupercluster implements StartedSupercluster {
  readonly backend = 'containers';
  servers: ContainerServer[] = [];
  credentials: RunCredentials = new Map();
  readiness!: ReadinessReport;
  private network?: ContainerNetwork;
  private unregisterInterrupt?: () => void;
  private shutDown?: Promise<StoppedSupercluster>;
  private readonly progress: (line: string) => void;

  constructor(
    readonly deployment: Deployment,
    readonly topology: TopologyPlan,
    readonly workspace: RunWorkspace,
    private readonly images: { nats: string; toxiproxy: string },
    private readonly options: ContainerBackendOptions,
  ) {
    this.progress = options.onProgress ?? (() => {});
  }

  get mesh(): ProxyMesh | undefined {
    return this.network?.mesh;
  }

  async boot(): Promise<void> {
    this.unregisterInterrupt = onInterrupt(() => this.shutdown());
    const { runId } = this.workspace;
    await ensureImage(this.images.nats, 'NATS_CHAOS_NATS_IMAGE (or --nats-image)');
    this.credentials = await generateCredentials(this.deployment, this.workspace.secretsDir);
    this.progress(
      `run ${runId}: starting the proxy container and ${this.topology.servers.length} networks`,
    );
    this.network = await ContainerNetwork.open(this.topology, runId, this.images.toxiproxy);

    this.progress(
      `run ${runId}: starting ${this.topology.servers.length} servers in ` +
        `${this.topology.sites.length} sites (containers)`,
    );
    this.servers = await Promise.all(this.topology.servers.map((plan) => this.start(plan)));

    this.progress('waiting for gateways and the JetStream meta leader');
    this.readiness = await waitForSupercluster(
      this.servers.map(monitored),
      this.options.startTimeoutMs ?? 90_000,
    );
    this.progress(
      `ready: gateways ${Math.round(this.readiness.gatewaysMs)} ms, meta leader ` +
        `${this.readiness.metaLeader} after ${Math.round(this.readiness.metaLeaderMs)} ms`,
    );
  }

  /** Renders a server's config and starts its container through testcontainers. */
  private async start(plan: ServerPlan): Promise<ContainerServer> {
    const { docker } = await dockerEngine();
    const network = this.network!;
    const ws = this.workspace;
    const server = new ContainerServer(plan, join(ws.storeDir, plan.name));
    await mkdir(server.storeDir, { recursive: true });
    const configFile = join(ws.configDir, `${plan.name}.conf`);
    const accountsFile = join(ws.secretsDir, `site-${plan.site}-accounts.conf`);
    await writeFile(
      accountsFile,
      renderAccountsFile(this.deployment, plan.site, this.credentials),
      {
        mode: 0o600,
      },
    );
    await writeFile(
      configFile,
      renderServerConfig({
        deployment: this.deployment,
        server: plan,
        addresses: network.addresses(plan),
        storeDir: IN_CONTAINER.store,
        accountsInclude: IN_CONTAINER.accountsInclude,
      }),
    );

    // Host ports chosen here, not by Docker: Docker picks new ones at every restart, and a
    // client that dialled the old ones (the observer, a watch) could not find the server again.
    const [clientPort, monitorPort] = await freePorts(2, '0.0.0.0');
    const output = new StartOutput();
    const name = `nats-chaos-${ws.runId}-${plan.name}`;
    const { GenericContainer, Wait } = (await dockerEngine()).testcontainers;
    const started = await new GenericContainer(this.images.nats)
      .withName(name)
      .withLabels(runLabels(ws.runId))
      .withCommand(['-c', IN_CONTAINER.config])
      .withNetworkMode(network.networkOf(plan))
      .withNetworkAliases(plan.name)
      .withExposedPorts(
        { container: SERVER_PORTS.client, host: clientPort! },
        { container: SERVER_PORTS.monitor, host: monitorPort! },
      )
      .withBindMounts([
        { source: configFile, target: IN_CONTAINER.config, mode: 'ro' },
        { source: accountsFile, target: IN_CONTAINER.accounts, mode: 'ro' },
        { source: server.storeDir, target: IN_CONTAINER.store },
      ])
      // The default wait needs a shell the NATS image does not have.
      .withWaitStrategy(Wait.forHttp('/healthz', SERVER_PORTS.monitor))
      .withStartupTimeout(30_000)
      .withLogConsumer(output.consume)
      .start()
      .catch(async (err: unknown) => {
        throw await output.failure(plan, err, docker.getContainer(name));
      });
    output.close();
    server.container = docker.getContainer(started.getId());
    await server.readPorts();
    server.setState('running');
    server.clientUrl = `nats://${network.clientAddress(plan)}`;
    return server;
  }

  /** Starts a stopped server's container again and waits until it answers /healthz. */
  private async startAgain(server: ContainerServer): Promise<void> {
    await server.container.start();
    await server.readPorts();
    server.setState('running');
    await pollUntil(async () => ((await isServing(server.monitorUrl)) ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 100,
      condition: `${server.plan.id} serving /healthz`,
    });
  }

  select(target: FaultTarget): ContainerServer[] {
    return this.servers.filter(
      (s) =>
        s.plan.site === target.site &&
        (target.server === undefined || s.plan.ordinal === target.server),
    );
  }

  clientUrls(first?: number): string[] {
    const rank = (site: number) => (site === first ? 0 : site);
    return [...this.servers]
      .sort((a, b) => rank(a.plan.site) - rank(b.plan.site))
      .map((s) => s.clientUrl);
  }

  async kill(target: FaultTarget): Promise<void> {
    await this.each(target, 'running', 'stopped', (s) => s.container.kill());
  }

  async stop(target: FaultTarget): Promise<void> {
    await this.each(target, 'running', 'stopped', (s) => s.container.stop({ t: 10 }));
  }

  async pause(target: FaultTarget): Promise<void> {
    await this.each(target, 'running', 'paused', (s) => s.container.pause());
  }

  async resume(target: FaultTarget): Promise<void> {
    await this.each(target, 'paused', 'running', (s) => s.container.unpause());
  }

  async restart(target: FaultTarget): Promise<void> {
    const stopped = this.select(target).filter((s) => s.status() === 'stopped');
    await Promise.all(stopped.map((s) => this.startAgain(s)));
  }

  /**
   * SIGHUP to the target's running containers: nats-server re-reads its config and the accounts
   * file mounted from the secrets dir, which the harness rewrites in place (the same inode), so
   * the container sees the new text through its bind mount.
   */
  async reload(target: FaultTarget): Promise<void> {
    const running = this.select(target).filter((s) => s.status() === 'running');
    await Promise.all(running.map((s) => s.container.kill({ signal: 'SIGHUP' })));
  }

  async wipe(target: FaultTarget): Promise<void> {
    for (const s of this.select(target)) await wipeStore(s, s.storeDir);
  }

  private async each(
    target: FaultTarget,
    from: ServerStatus,
    to: ServerStatus,
    act: (s: ContainerServer) => Promise<unknown>,
  ) {
    const servers = this.select(target).filter((s) => s.status() === from);
    await Promise.all(servers.map(async (s) => (await act(s), s.setState(to))));
  }

  async waitReady(timeoutMs = 90_000): Promise<ReadinessReport> {
    const live = this.servers.filter((s) => s.status() === 'running');
    return waitForSupercluster(live.map(monitored), timeoutMs);
  }

  shutdown(): Promise<StoppedSupercluster> {
    this.shutDown ??= this.doShutdown();
    return this.shutDown;
  }

  private async doShutdown(): Promise<StoppedSupercluster> {
    this.unregisterInterrupt?.();
    let logsCopiedTo: string | undefined;
    if (this.options.keepLogsIn && this.servers.length > 0) {
      logsCopiedTo = join(this.options.keepLogsIn, 'logs');
      await mkdir(logsCopiedTo, { recursive: true });
      for (const s of this.servers) {
        const text = await s.container.logs({ stdout: true, stderr: true, follow: false }).then(
          (b) => demultiplex(b as unknown as Buffer),
          () => '',
        );
        await writeFile(join(logsCopiedTo, `${s.plan.name}.log`), text);
      }
      await keepRenderedConfigs(this.workspace, this.options.keepLogsIn);
    }
    await Promise.all(
      this.servers.map((s) => s.container.remove({ force: true, v: true }).catch(() => {})),
    );
    await this.network?.[Symbol.asyncDispose]();
    // Whatever the steps above missed (a container created as the start failed) goes by label.
    await removeRunResources({ runId: this.workspace.runId }).catch(() => []);
    if (!process.env['NATS_CHAOS_KEEP_WORKSPACE']) await removeRunWorkspace(this.workspace);
    log('run %s: containers and networks removed', this.workspace.runId);
    return { runId: this.workspace.runId, logsCopiedTo };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }
}

function monitored(s: RunningServer) {
  return { id: s.plan.id, name: s.plan.name, siteName: s.plan.siteName, monitorUrl: s.monitorUrl };
}

/** Docker's log stream frames each chunk with an 8-byte header when there is no TTY. */
function demultiplex(buffer: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= buffer.length;) {
    const size = buffer.readUInt32BE(at + 4);
    parts.push(buffer.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
