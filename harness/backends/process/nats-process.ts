import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { logger } from '../../logger.ts';

const log = logger('process');

export type ProcessState = 'running' | 'paused' | 'exited';

/**
 * One nats-server process. It can be killed, stopped, paused, resumed and started again with
 * the same config (and so the same store dir). Its output goes to a log file, appended to
 * across restarts so a server's whole life is in one file.
 */
export class NatsProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private paused = false;

  constructor(
    readonly id: string,
    /** Program and arguments that start the server (maybe inside a network namespace). */
    private readonly command: [string, string[]],
    readonly configFile: string,
    readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.state === 'exited' ? undefined : this.child?.pid;
  }

  get state(): ProcessState {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null)
      return 'exited';
    return this.paused ? 'paused' : 'running';
  }

  /** Spawns the server; resolves once the process exists (not once it is ready). */
  async start(): Promise<void> {
    if (this.state !== 'exited') throw new Error(`${this.id} is already running`);
    const out = openSync(this.logFile, 'a');
    const child = spawn(this.command[0], this.command[1], { stdio: ['ignore', out, out] });
    closeSync(out);
    this.child = child;
    this.paused = false;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    log('%s started pid %d', this.id, child.pid);
  }

  /** SIGKILL: the server dies at once, as on a power cut. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** SIGTERM: a graceful shutdown. Falls back to SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.state === 'exited') return;
    if (this.paused) this.resume();
    const exited = this.exited!;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    log('%s stopped', this.id);
  }

  /** SIGSTOP: the process freezes, its sockets stay open: a hung server. */
  pause(): void {
    if (this.state !== 'running') throw new Error(`${this.id} is not running`);
    this.child!.kill('SIGSTOP');
    this.paused = true;
    log('%s paused', this.id);
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.child!.kill('SIGCONT');
    this.paused = false;
    log('%s resumed', this.id);
  }

  /** SIGHUP: the server re-reads its config (and included files) and applies what changed. */
  reload(): void {
    if (this.state !== 'running') throw new Error(`${this.id} is not running`);
    this.child!.kill('SIGHUP');
    log('%s reloading its config', this.id);
  }

  /** Resolves when the process has exited, with its exit code (null after a signal). */
  waitExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  private async signalAndWait(signal: NodeJS.Signals) {
    if (this.state === 'exited') return;
    const exited = this.exited!;
    this.child!.kill(signal);
    await exited;
    this.paused = false;
    log('%s %s', this.id, signal === 'SIGKILL' ? 'killed' : `got ${signal}`);
  }
}
