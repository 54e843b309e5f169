/**
 * An agent the user brings (`--agent-cmd`, `--agent-image`): the harness starts it with the
 * contract, supervises it, captures its output, merges the operations it reports, and watches
 * the bucket from the observer's own connection. It is judged from outside, by the same checkers
 * as the reference agent; see "Bring your own agent" in the README for what each one needs.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import { onInterrupt } from '../backends/shutdown-hooks.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import { redactSecrets } from '../history/redact.ts';
import { logger } from '../logger.ts';
import { userWithRole } from '../topology/credentials.ts';
import { findAgentSite } from './agent-connections.ts';
import { contractEnvironment, writeContract, type AgentContract } from './agent-contract.ts';
import { AgentReport } from './agent-report.ts';
import type { AgentExit, AgentRunner } from './agent-runner.ts';
import type { BucketWatch } from './bucket-watch.ts';
import type { AgentProgress } from './reference-agent.ts';

const log = logger('external-agent');

export interface ExternalAgentOptions {
  contract: AgentContract;
  /** Runs the agent: a command or an image. */
  runner: AgentRunner;
  /** Folder in the run's workspace for the contract and the report file. */
  dir: string;
  /** Where the agent's output goes, secrets removed. */
  logFile: string;
  cluster: StartedSupercluster;
  recorder: HistoryRecorder;
  /** The observer's watch of the bucket, shared by every external agent of the run. */
  watch: BucketWatch;
  /** How long the agent gets to exit after SIGTERM before SIGKILL, ms. */
  graceMs?: number;
}

/**
 * A user's agent, run by a runner. Its progress is what it reports (`NATS_CHAOS_HISTORY`) or,
 * while it reports nothing, the changes the observer's watch saw since it started; `closed` once
 * it exited. Its site comes from the servers' `/connz`, else from its last report. Its start and
 * exit are `process` records of the history.
 */
export class ExternalAgent {
  readonly #progress: AgentProgress = { ok: 0, failed: 0, closed: false, startFailed: false };
  private report?: AgentReport;
  private output?: WriteStream;
  private stopRequested = false;
  private seenSite?: string;
  private locating?: NodeJS.Timeout;
  private watchedFrom = 0;
  private removeHook?: () => void;

  constructor(private readonly options: ExternalAgentOptions) {}

  get id(): string {
    return this.options.contract.agentId;
  }

  /** What the agent has done so far, brought up to date on every read. */
  get progress(): AgentProgress {
    this.refresh();
    return this.#progress;
  }

  /** The site the agent is connected to now, as the servers see it (else as it reported). */
  site(): string | undefined {
    this.refresh();
    return this.seenSite ?? this.report?.progress.site;
  }

  /**
   * Writes the contract and starts the agent. A runner that cannot start it (an image that is
   * not there, no Docker engine) throws its typed error; the agent then counts as closed.
   */
  async start(): Promise<void> {
    const { contract, dir, recorder, runner, logFile } = this.options;
    await mkdir(dir, { recursive: true });
    const contractFile = await writeContract(contract, dir);
    await writeFile(contract.historyFile, '');
    this.report = new AgentReport(this.id, contract.historyFile, recorder);
    await this.report.start();
    this.watchedFrom = this.options.watch.deliveries;
    const output = createWriteStream(logFile, { flags: 'a' });
    this.output = output;
    this.removeHook = onInterrupt(() => this.stop());

    let started: { pid?: number };
    try {
      started = await runner.start(contractEnvironment(contract, contractFile), {
        onLine: (stream, line) => output.write(`${stream}: ${redactSecrets(line)}\n`),
        onExit: (exit) => this.onExit(exit),
      });
    } catch (err) {
      this.#progress.startFailed = true;
      this.#progress.closed = true;
      throw err;
    }
    recorder.append({
      type: 'event',
      op: 'process',
      process: this.id,
      state: 'started',
      kind: runner.kind,
      ...(started.pid !== undefined ? { pid: started.pid } : {}),
    });
    log('%s started (%s%s)', this.id, runner.kind, started.pid ? ` pid ${started.pid}` : '');
    this.locating = setInterval(() => void this.locate(), 500);
  }

  /** Stops the agent (SIGTERM, SIGKILL after the grace time). Safe to call twice. */
  async stop(): Promise<void> {
    if (this.locating) clearInterval(this.locating);
    this.locating = undefined;
    this.removeHook?.();
    if (!this.#progress.closed) this.stopRequested = true;
    await this.options.runner.stop(this.options.graceMs ?? 5000);
    await this.report?.stop();
    await new Promise((resolve) => (this.output ? this.output.end(resolve) : resolve(undefined)));
    this.refresh();
  }

  /** Report figures for notes: lines the harness refused, with the first reasons. */
  reportProblems(): string | undefined {
    const progress = this.report?.progress;
    if (!progress || progress.rejected === 0) return undefined;
    return `${this.id}: ${progress.rejected} report lines refused (${progress.reasons.join('; ')})`;
  }

  private onExit({ exitCode, signal }: AgentExit) {
    this.options.recorder.append({
      type: 'event',
      op: 'process',
      process: this.id,
      state: 'exited',
      kind: this.options.runner.kind,
      exitCode,
      signal,
      stopped: this.stopRequested,
    });
    log('%s exited: code %s, signal %s', this.id, exitCode, signal);
    this.#progress.closed = true;
    this.seenSite = undefined;
  }

  private async locate() {
    const agent = userWithRole(this.options.cluster.credentials, 'agent');
    const site = await findAgentSite(this.options.cluster, this.id, agent.publicKey);
    if (this.#progress.closed || !this.locating || site === this.seenSite) return;
    log('%s: the servers see it connected on %s', this.id, site ?? 'no site');
    this.seenSite = site;
  }

  /** Progress from the agent's own report, or from the bucket while it reports nothing. */
  private refresh() {
    const reported = this.report?.progress;
    if (reported && reported.ok + reported.failed > 0) {
      this.#progress.ok = reported.ok;
      this.#progress.failed = reported.failed;
      this.#progress.lastOkAt = reported.lastOkAt;
      return;
    }
    const { watch } = this.options;
    this.#progress.ok = watch.deliveries - this.watchedFrom;
    if (this.#progress.ok > 0) this.#progress.lastOkAt = watch.lastDeliveryAt;
  }
}
