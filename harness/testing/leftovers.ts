import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORKSPACES_ROOT } from '../backends/run-workspace.ts';

/**
 * Pids of nats-server processes whose command line points into a harness workspace: of one
 * run when `runId` is given (other harness runs may share the machine), else of any.
 */
export async function harnessServerPids(runId?: string): Promise<number[]> {
  const root = runId ? join(WORKSPACES_ROOT, runId) : WORKSPACES_ROOT;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('nats-server') && cmdline.includes(root)) pids.push(Number(entry));
  }
  return pids;
}

/** Whether a run's workspace (temp dir) still exists. */
export async function workspaceExists(runId: string): Promise<boolean> {
  return (await readdir(WORKSPACES_ROOT).catch((): string[] => [])).includes(runId);
}
