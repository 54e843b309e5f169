import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { logger } from '../logger.ts';

const log = logger('workspace');

/** Parent of every run's temp dir; a killed run's leftovers are found here. */
export const WORKSPACES_ROOT = join(tmpdir(), 'nats-chaos');

/** The temp dir of one run: rendered configs, secrets, JetStream stores, server logs. */
export interface RunWorkspace {
  runId: string;
  dir: string;
  configDir: string;
  /** Seeds and accounts files, mode 0700; every file in it mode 0600. */
  secretsDir: string;
  storeDir: string;
  logDir: string;
}

interface OwnerFile {
  /** The harness process that owns the run. */
  pid: number;
  /** Child processes the run started, to reap if the harness dies without cleaning up. */
  children: number[];
}

export function newRunId(): string {
  return `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(3).toString('hex')}`;
}

export async function createRunWorkspace(runId = newRunId()): Promise<RunWorkspace> {
  const dir = join(WORKSPACES_ROOT, runId);
  const ws: RunWorkspace = {
    runId,
    dir,
    configDir: join(dir, 'config'),
    secretsDir: join(dir, 'secrets'),
    storeDir: join(dir, 'store'),
    logDir: join(dir, 'logs'),
  };
  await mkdir(ws.configDir, { recursive: true });
  await mkdir(ws.secretsDir, { recursive: true, mode: 0o700 });
  await mkdir(ws.storeDir, { recursive: true });
  await mkdir(ws.logDir, { recursive: true });
  await writeOwner(ws, { pid: process.pid, children: [] });
  return ws;
}

/** Records the pids a run started, so a later run can reap them if this one is killed. */
export async function recordChildren(ws: RunWorkspace, children: number[]): Promise<void> {
  await writeOwner(ws, { pid: process.pid, children });
}

async function writeOwner(ws: RunWorkspace, owner: OwnerFile) {
  await writeFile(join(ws.dir, 'owner.json'), JSON.stringify(owner));
}

export async function removeRunWorkspace(ws: RunWorkspace): Promise<void> {
  await rm(ws.dir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` runs nats-server with a config of this workspace: safe to kill. */
async function ownsProcess(pid: number, dir: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes(dir);
}

/** The harness process that owns each run whose workspace exists, by run id. */
export async function workspaceOwners(): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  for (const runId of await liveRunIds()) {
    const owner = await readFile(join(WORKSPACES_ROOT, runId, 'owner.json'), 'utf8')
      .then((t) => JSON.parse(t) as OwnerFile)
      .catch(() => undefined);
    if (owner) owners.set(runId, owner.pid);
  }
  return owners;
}

/** Ids of the runs whose workspace exists now (after reaping, the live ones). */
export async function liveRunIds(): Promise<string[]> {
  return readdir(WORKSPACES_ROOT).catch((): string[] => []);
}

/**
 * Reaps what killed earlier runs left: for every workspace whose harness process is gone, kills
 * the servers it started (only those whose command line points into that workspace) and
 * removes the directory. Returns the run ids reaped.
 */
export async function reapStaleWorkspaces(): Promise<string[]> {
  const entries = await readdir(WORKSPACES_ROOT, { withFileTypes: true }).catch(() => []);
  const reaped: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(WORKSPACES_ROOT, entry.name);
    const owner = await readFile(join(dir, 'owner.json'), 'utf8')
      .then((t) => JSON.parse(t) as OwnerFile)
      .catch(() => undefined);
    if (owner && isAlive(owner.pid)) continue;

    for (const pid of owner?.children ?? []) {
      if (isAlive(pid) && (await ownsProcess(pid, dir))) {
        process.kill(pid, 'SIGKILL');
        log('run %s: killed leftover server pid %d', entry.name, pid);
      }
    }
    await rm(dir, { recursive: true, force: true });
    reaped.push(entry.name);
  }
  if (reaped.length > 0) log('reaped %d stale run(s): %s', reaped.length, reaped.join(', '));
  return reaped;
}
