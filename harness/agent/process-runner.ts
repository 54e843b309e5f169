import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { logger } from '../logger.ts';
import { pollUntil } from '../wait.ts';
import type { AgentRunner, AgentRunnerHooks } from './agent-runner.ts';

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

/**
 * Runs the agent as `/bin/sh -c COMMAND` in the current directory, in a process group of its
 * own, with the harness's environment plus the contract's. The agent has exited once its whole
 * group has: the shell may exit before the program it started (both get SIGTERM), and a program
 * it left in the background is still the agent. The exit recorded is the shell's.
 */
export class ProcessRunner implements AgentRunner {
  readonly kind = 'command';
  private child?: ChildProcess;
  private exited: Promise<void> = Promise.resolve();
  private gone = false;

  constructor(
    private readonly id: string,
    private readonly command: string,
  ) {}

  async start(env: Record<string, string>, hooks: AgentRunnerHooks): Promise<{ pid?: number }> {
    const child = spawn('/bin/sh', ['-c', this.command], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.child = child;
    for (const [name, stream] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const) {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => hooks.onLine(name, line));
    }
    // stdin stays open and unused: it closes when the harness goes away, however it ends.
    child.stdin.on('error', () => {});

    this.exited = new Promise((resolve) => {
      child.once('exit', (exitCode, signal) => {
        void this.groupGone(child.pid!).then(() => {
          this.gone = true;
          hooks.onExit({ exitCode, signal });
          resolve();
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return { pid: child.pid };
  }

  async stop(graceMs: number): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || this.gone) return this.exited;
    this.signal(pid, 'SIGTERM');
    await pollUntil(async () => (this.gone ? true : undefined), {
      timeoutMs: graceMs,
      intervalMs: 50,
      condition: `${this.id} exited after SIGTERM`,
    }).catch(() => {
      log('%s did not exit within %d ms of SIGTERM: SIGKILL', this.id, graceMs);
      this.signal(pid, 'SIGKILL');
    });
    await this.exited;
  }

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
}
