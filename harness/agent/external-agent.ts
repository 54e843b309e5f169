/**
 * An agent the user brings (`--agent-cmd`): the harness spawns it with the contract, supervises
 * its process, captures its output, merges the operations it reports, and watches the bucket
 * from the observer's own connection. It is judged from outside, by the same checkers as the
 * reference agent; see "Bring your own agent" in the README for which records each one needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import { onInterrupt } from '../backends/shutdown-hooks.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import { redactSecrets } from '../history/redact.ts';
import { logger } from '../logger.ts';
import { userWithRole } from '../topology/credentials.ts';
import { pollUntil } from '../wait.ts';
import { findAgentSite } from './agent-connections.ts';
import { contractEnvironment, writeContract, type AgentContract } from './agent-contract.ts';
import { AgentReport } from './agent-report.ts';
import type { BucketWatch } from './bucket-watch.ts';
import type { AgentProgress } from './reference-agent.ts';

const log = logger('external-agent');

/**
 * Whether a process group still has a live member. A member that exited but was never reaped
 * (an orphan under an init that does not reap) still answers signals, so a group that answers
 * is looked up in /proc, where such a member shows state Z.
 */
export async function groupAlive(group: number): Promise<boolean> {
  try {
    process.kill(-group, 0);
  } catch {
    return false;
  }
  for (const entry of await readdir('/proc').catch((): string[] => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which may hold spaces: state, ppid, pgrp, ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') return true;
  }
  return false;
}

export interface ExternalAgentOptions {
  contract: AgentContract;
  command: string;
  /** Folder in the run's workspace for the contract and the report file. */
  dir: string;
  /** Where the agent's stdout and stderr go, secrets removed. */
  logFile: string;
  cluster: StartedSupercluster;
  recorder: HistoryRecorder;
  /** The observer's watch of the bucket, shared by every external agent of the run. */
  watch: BucketWatch;
  /** How long the agent gets to exit after SIGTERM before SIGKILL, ms. */
  graceMs?: number;
}

/**
 * A user's agent run as a shell command in a process group of its own. Its progress is what it
 * reports (`NATS_CHAOS_HISTORY`) or, while it reports nothing, the changes the observer's watch
 * saw since it started; `closed` once its process exited. Its site comes from the servers'
 * `/connz`, else from its last report.
 */
export class ExternalAgent {
  readonly #progress: AgentProgress = { ok: 0, failed: 0, closed: false, startFailed: false };
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private report?: AgentReport;
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

  /** Writes the contract, spawns the command and starts following it. */
  async start(): Promise<void> {
    const { contract, dir, recorder } = this.options;
    await mkdir(dir, { recursive: true });
    const contractFile = await writeContract(contract, dir);
    await writeFile(contract.historyFile, '');
    this.report = new AgentReport(this.id, contract.historyFile, recorder);
    await this.report.start();
    this.watchedFrom = this.options.watch.deliveries;

    const child = spawn('/bin/sh', ['-c', this.options.command], {
      // A group of its own: stopping it reaches whatever the shell started.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...contractEnvironment(contract, contractFile) },
    });
    this.child = child;
    this.capture(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        void this.groupGone(child.pid!).then(() => {
          this.onExit(code, signal);
          resolve();
        });
      });
      child.once('error', () => resolve());
    });
    this.removeHook = onInterrupt(() => this.stop());

    await new Promise<void>((resolve) => {
      child.once('spawn', resolve);
      child.once('error', (err) => {
        log('%s could not be spawned: %s', this.id, err.message);
        this.#progress.startFailed = true;
        this.#progress.closed = true;
        resolve();
      });
    });
    if (this.#progress.startFailed) return;
    recorder.append({
      type: 'event',
      op: 'process',
      process: this.id,
      state: 'started',
      kind: 'command',
      ...(child.pid !== undefined ? { pid: child.pid } : {}),
    });
    log('%s started pid %d', this.id, child.pid);
    this.locating = setInterval(() => void this.locate(), 500);
  }

  /** SIGTERM to the agent's process group, SIGKILL after the grace time. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.locating) clearInterval(this.locating);
    this.locating = undefined;
    this.removeHook?.();
    const child = this.child;
    if (child && !this.#progress.closed && child.pid !== undefined) {
      this.stopRequested = true;
      this.signal(child.pid, 'SIGTERM');
      const graceMs = this.options.graceMs ?? 5000;
      await pollUntil(async () => (this.#progress.closed ? true : undefined), {
        timeoutMs: graceMs,
        intervalMs: 50,
        condition: `${this.id} exited after SIGTERM`,
      }).catch(() => {
        log('%s did not exit within %d ms of SIGTERM: SIGKILL', this.id, graceMs);
        this.signal(child.pid!, 'SIGKILL');
      });
    }
    await this.exited;
    await this.report?.stop();
    this.refresh();
  }

  /** Report figures for notes: lines the harness refused, with the first reasons. */
  reportProblems(): string | undefined {
    const progress = this.report?.progress;
    if (!progress || progress.rejected === 0) return undefined;
    return `${this.id}: ${progress.rejected} report lines refused (${progress.reasons.join('; ')})`;
  }

  /**
   * Resolves once no process of the agent's group is left. The shell may exit before the
   * program it started (both get SIGTERM), and a program it left in the background is still
   * the agent: the agent has exited only when its whole group has.
   */
  private async groupGone(pid: number): Promise<void> {
    await pollUntil(async () => ((await groupAlive(pid)) ? undefined : true), {
      timeoutMs: Number.MAX_SAFE_INTEGER,
      intervalMs: 50,
      condition: `${this.id}: process group ${pid} gone`,
    });
  }

  private signal(pid: number, signal: NodeJS.Signals) {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null) {
    this.options.recorder.append({
      type: 'event',
      op: 'process',
      process: this.id,
      state: 'exited',
      kind: 'command',
      exitCode: code,
      signal,
      stopped: this.stopRequested,
    });
    log('%s exited: its shell with code %s, signal %s', this.id, code, signal);
    this.#progress.closed = true;
    this.seenSite = undefined;
  }

  /** Copies the agent's output, line by line and with secrets removed, into its log file. */
  private capture(child: ChildProcess) {
    const out = createWriteStream(this.options.logFile, { flags: 'a' });
    let open = 2;
    const copy = (stream: Readable | null, name: string) => {
      if (!stream) return;
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => out.write(`${name}: ${redactSecrets(line)}\n`));
      lines.once('close', () => {
        if (--open === 0) out.end();
      });
    };
    copy(child.stdout, 'stdout');
    copy(child.stderr, 'stderr');
    // stdin stays open and unused: it closes when the harness goes away, however it ends.
    child.stdin?.on('error', () => {});
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
