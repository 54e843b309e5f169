import { writeFile, mkdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Deployment } from '../../topology/deployment-schema.ts';
import { generateCredentials, type RunCredentials } from '../../topology/credentials.ts';
import { planTopology, type TopologyPlan } from '../../topology/plan.ts';
import { renderAccountsFile, renderServerConfig } from '../../topology/render-config.ts';
import { PortInUseError, ServerStartError } from '../../errors.ts';
import { logger } from '../../logger.ts';
import { pollUntil } from '../../wait.ts';
import { isServing } from '../monitoring.ts';
import { waitForSupercluster, type ReadinessReport } from '../readiness.ts';
import {
  createRunWorkspace,
  liveRunIds,
  reapStaleWorkspaces,
  recordChildren,
  removeRunWorkspace,
  type RunWorkspace,
} from '../run-workspace.ts';
import { onInterrupt } from '../shutdown-hooks.ts';
import { keepRenderedConfigs } from '../run-artifacts.ts';
import { wipeStore } from '../store-wipe.ts';
import type {
  FaultTarget,
  RunningServer,
  StartedSupercluster,
  StoppedSupercluster,
} from '../supercluster.ts';
import { resolveNatsServerBinary } from './nats-binary.ts';
import { NatsProcess } from './nats-process.ts';
import { ProcessNetwork } from './process-network.ts';
import { namespaceTag, reapStaleNamespaces, ServerNamespaces } from './server-namespaces.ts';
import type { ProxyMesh } from '../../faults/proxy-mesh.ts';

const log = logger('process-backend');

export interface ProcessBackendOptions {
  runId?: string;
  /** Deadline for the whole start, gateways and meta leader included. */
  startTimeoutMs?: number;
  /** Copy server logs here when the supercluster shuts down (the run directory). */
  keepLogsIn?: string;
  /** Progress lines for people. */
  onProgress?: (line: string) => void;
  /** `proxied` (default): every link through a Toxiproxy proxy; `direct`: none. */
  network?: 'proxied' | 'direct';
  /** A real Toxiproxy's API URL (default: TOXIPROXY_URL, else the built-in server). */
  toxiproxyUrl?: string;
  /** One network namespace per server (default: proxied, as root, with iproute2). */
  namespaces?: boolean;
}

interface ProcessServer extends RunningServer {
  process: NatsProcess;
}

/**
 * Starts every server of a deployment as a local nats-server process on loopback, on free
 * ports, and waits until the supercluster is ready. The embedded default backend: it needs
 * nothing but the nats-server binary.
 */
export async function startProcessSupercluster(
  deployment: Deployment,
  options: ProcessBackendOptions = {},
): Promise<StartedSupercluster> {
  const binary = resolveNatsServerBinary();
  await reapProcessLeftovers();
  const workspace = await createRunWorkspace(options.runId);
  const cluster = new ProcessSupercluster(
    deployment,
    planTopology(deployment),
    workspace,
    binary.path,
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

/**
 * Reaps what killed earlier runs left on this machine: their servers, temp dirs and network
 * namespaces. Runs before every start; returns the run ids reaped.
 */
export async function reapProcessLeftovers(): Promise<string[]> {
  const reaped = await reapStaleWorkspaces();
  if (await ServerNamespaces.usable()) {
    await reapStaleNamespaces(new Set((await liveRunIds()).map(namespaceTag)));
  }
  return reaped;
}

class ProcessSupercluster implements StartedSupercluster {
  readonly backend = 'process';
  servers: ProcessServer[] = [];
  credentials: RunCredentials = new Map();
  readiness!: ReadinessReport;
  private network?: ProcessNetwork;
  private unregisterInterrupt?: () => void;
  private shutDown?: Promise<StoppedSupercluster>;
  private readonly progress: (line: string) => void;

  constructor(
    readonly deployment: Deployment,
    readonly topology: TopologyPlan,
    readonly workspace: RunWorkspace,
    private readonly binary: string,
    private readonly options: ProcessBackendOptions,
  ) {
    this.progress = options.onProgress ?? (() => {});
  }

  async boot(): Promise<void> {
    this.unregisterInterrupt = onInterrupt(() => this.shutdown());
    this.credentials = await generateCredentials(this.deployment, this.workspace.secretsDir);
    await this.renderConfigs();

    this.progress(
      `run ${this.workspace.runId}: starting ${this.servers.length} servers in ` +
        `${this.topology.sites.length} sites`,
    );
    await Promise.all(this.servers.map((s) => s.process.start()));
    await recordChildren(this.workspace, this.pids());
    await this.waitHealthy(this.servers);

    this.progress('waiting for gateways and the JetStream meta leader');
    this.readiness = await waitForSupercluster(
      this.servers.map(monitored),
      this.options.startTimeoutMs ?? 60_000,
    );
    this.progress(
      `ready: gateways ${Math.round(this.readiness.gatewaysMs)} ms, meta leader ` +
        `${this.readiness.metaLeader} after ${Math.round(this.readiness.metaLeaderMs)} ms`,
    );
  }

  private async renderConfigs() {
    this.network = await ProcessNetwork.open(this.topology, {
      runId: this.workspace.runId,
      // Namespaces leave a server no way to the others but its proxies: only with the mesh.
      namespaces:
        this.options.network !== 'direct' &&
        (this.options.namespaces ?? (await ServerNamespaces.usable())),
      proxied: this.options.network !== 'direct',
      toxiproxyUrl: this.options.toxiproxyUrl ?? (process.env['TOXIPROXY_URL'] || undefined),
    });
    const network = this.network;

    for (let site = 1; site <= this.topology.sites.length; site++) {
      const file = join(this.workspace.secretsDir, `site-${site}-accounts.conf`);
      await writeFile(file, renderAccountsFile(this.deployment, site, this.credentials), {
        mode: 0o600,
      });
    }

    this.servers = this.topology.servers.map((plan) => {
      const configFile = join(this.workspace.configDir, `${plan.name}.conf`);
      const logFile = join(this.workspace.logDir, `${plan.name}.log`);
      const command = network.command(plan, this.binary, ['-c', configFile]);
      const process = new NatsProcess(plan.id, command, configFile, logFile);
      return {
        plan,
        process,
        clientUrl: network.clientUrl(plan),
        directClientUrl: network.directClientUrl(plan),
        monitorUrl: network.monitorUrl(plan),
        status: () => {
          const state = process.state;
          return state === 'exited' ? 'stopped' : state;
        },
      };
    });

    await Promise.all(
      this.servers.map(async (s) => {
        const config = renderServerConfig({
          deployment: this.deployment,
          server: s.plan,
          addresses: network.addresses(s.plan),
          storeDir: join(this.workspace.storeDir, s.plan.name),
          // nats-server resolves includes against the including file's folder.
          accountsInclude: relative(
            this.workspace.configDir,
            join(this.workspace.secretsDir, `site-${s.plan.site}-accounts.conf`),
          ),
        });
        await mkdir(join(this.workspace.storeDir, s.plan.name), { recursive: true });
        await writeFile(s.process.configFile, config);
      }),
    );
  }

  private pids(): number[] {
    return this.servers.map((s) => s.process.pid).filter((p): p is number => p !== undefined);
  }

  /** Waits until each server answers /healthz; a server that exits instead is reported. */
  private async waitHealthy(servers: ProcessServer[]) {
    await Promise.all(
      servers.map(async (s) => {
        let exited = false;
        void s.process.waitExit().then(() => (exited = true));
        try {
          await pollUntil(async () => ((await isServing(s.monitorUrl)) ? true : undefined), {
            timeoutMs: 30_000,
            intervalMs: 50,
            condition: `${s.plan.id} serving`,
            abortIf: () => (exited ? new ExitedError() : undefined),
          });
        } catch (err) {
          throw await this.startFailure(s, err);
        }
      }),
    );
  }

  private async startFailure(s: ProcessServer, err: unknown): Promise<Error> {
    const logText = await readFile(s.process.logFile, 'utf8').catch(() => '');
    const portTaken = /address already in use/i.exec(logText);
    if (portTaken)
      return new PortInUseError(logText.match(/listen tcp ([^:]+:\d+)/)?.[1] ?? '?', s.plan.id);
    const fatal = logText.split('\n').find((l) => l.includes('[FTL]'));
    const reason = fatal ?? (err instanceof ExitedError ? 'the process exited' : String(err));
    return new ServerStartError(s.plan.id, reason.trim(), s.process.logFile);
  }

  get mesh(): ProxyMesh | undefined {
    return this.network?.mesh;
  }

  select(target: FaultTarget): ProcessServer[] {
    return this.servers.filter(
      (s) =>
        s.plan.site === target.site &&
        (target.server === undefined || s.plan.ordinal === target.server),
    );
  }

  clientUrls(first?: number): string[] {
    const order = [...this.servers].sort(
      (a, b) => rank(a.plan.site, first) - rank(b.plan.site, first),
    );
    return order.map((s) => s.clientUrl);
  }

  async kill(target: FaultTarget): Promise<void> {
    await Promise.all(this.select(target).map((s) => s.process.kill()));
  }

  async stop(target: FaultTarget): Promise<void> {
    await Promise.all(this.select(target).map((s) => s.process.stop()));
  }

  async pause(target: FaultTarget): Promise<void> {
    this.select(target).forEach((s) => s.process.pause());
  }

  async resume(target: FaultTarget): Promise<void> {
    this.select(target).forEach((s) => s.process.resume());
  }

  async restart(target: FaultTarget): Promise<void> {
    const servers = this.select(target).filter((s) => s.process.state === 'exited');
    await Promise.all(servers.map((s) => s.process.start()));
    await recordChildren(this.workspace, this.pids());
    await this.waitHealthy(servers);
  }

  async wipe(target: FaultTarget): Promise<void> {
    for (const s of this.select(target)) {
      await wipeStore(s, join(this.workspace.storeDir, s.plan.name));
    }
  }

  async reload(target: FaultTarget): Promise<void> {
    this.select(target).forEach((s) => s.process.reload());
  }

  async waitReady(timeoutMs = 60_000): Promise<ReadinessReport> {
    const live = this.servers.filter((s) => s.process.state === 'running');
    return waitForSupercluster(live.map(monitored), timeoutMs);
  }

  shutdown(): Promise<StoppedSupercluster> {
    this.shutDown ??= this.doShutdown();
    return this.shutDown;
  }

  private async doShutdown(): Promise<StoppedSupercluster> {
    this.unregisterInterrupt?.();
    await Promise.all(this.servers.map((s) => s.process.stop(5_000)));
    await this.network?.[Symbol.asyncDispose]();
    let logsCopiedTo: string | undefined;
    if (this.options.keepLogsIn) {
      logsCopiedTo = join(this.options.keepLogsIn, 'logs');
      await mkdir(logsCopiedTo, { recursive: true });
      for (const s of this.servers) {
        const text = await readFile(s.process.logFile, 'utf8').catch(() => '');
        await writeFile(join(logsCopiedTo, `${s.plan.name}.log`), text);
      }
      await keepRenderedConfigs(this.workspace, this.options.keepLogsIn);
    }
    if (!process.env['NATS_CHAOS_KEEP_WORKSPACE']) await removeRunWorkspace(this.workspace);
    log('run %s: all servers stopped, workspace removed', this.workspace.runId);
    return { runId: this.workspace.runId, logsCopiedTo };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }
}

class ExitedError extends Error {}

function monitored(s: RunningServer) {
  return { id: s.plan.id, name: s.plan.name, siteName: s.plan.siteName, monitorUrl: s.monitorUrl };
}

function rank(site: number, first?: number): number {
  return first !== undefined && site === first ? 0 : site;
}
