import { readdir } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { WORKSPACES_ROOT } from '../backends/run-workspace.ts';

/** Pids of nats-server processes whose command line points into a harness workspace. */
export async function harnessServerPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('nats-server') && cmdline.includes(WORKSPACES_ROOT)) pids.push(Number(entry));
  }
  return pids;
}

/** Run workspaces present under the harness's temp root. */
export async function harnessWorkspaces(): Promise<string[]> {
  return readdir(WORKSPACES_ROOT).catch(() => []);
}
