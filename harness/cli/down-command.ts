import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { pollUntil } from '../wait.ts';

export interface DownFlags {
  run?: string;
  all?: boolean;
}

/** How long a harness asked to stop may take to clean up (containers take seconds). */
const OWNER_STOP_TIMEOUT_MS = 60_000;

/**
 * `nats-chaos down`: removes what the harness left. By default, what runs whose harness
 * process is gone left (a run killed with SIGKILL); with `--run ID` one run, with `--all` every
 * run. A named run whose harness still lives (`nats-chaos up`, or a run in progress) is asked to
 * stop with SIGTERM first, so it cleans up as on Ctrl-C; whatever is left then is removed.
 * Processes, temp dirs and network namespaces are reaped, and, where a Docker engine answers,
 * containers, networks and volumes labelled by the harness.
 */
export async function downCommand(flags: DownFlags): Promise<number> {
  if (flags.run && flags.all) throw new UsageError('--run', 'give either --run ID or --all');
  const which = flags.run ? { runId: flags.run } : flags.all ? 'all' : 'stale';
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const { workspaceOwners } = await import('../backends/run-workspace.ts');
  const docker = await import('../backends/containers/docker-engine.ts');
  const withDocker = await docker.dockerAvailable();
  const owners = new Map([
    ...(await workspaceOwners()),
    ...(withDocker ? await docker.containerOwners() : []),
  ]);
  if (which !== 'stale') {
    const named = [...owners].filter(([runId]) => which === 'all' || runId === which.runId);
    await Promise.all(named.map(([runId, pid]) => stopOwner(runId, pid, say)));
  }

  const { reapProcessLeftovers } = await import('../backends/process/process-backend.ts');
  const processRuns = await reapProcessLeftovers();
  const containerRuns = withDocker ? await docker.removeRunResources(which) : [];
  if (!withDocker) say('no Docker engine answers: containers were not looked for');

  const removed = [...new Set([...processRuns, ...containerRuns])];
  const stopped = typeof which === 'object' && owners.has(which.runId);
  if (typeof which === 'object' && !stopped && !removed.includes(which.runId)) {
    say(`no run ${which.runId} found: \`nats-chaos down\` without --run lists what it removes`);
    return 1;
  }
  say(
    removed.length === 0
      ? stopped
        ? `run ${flags.run} stopped`
        : 'nothing to remove'
      : `removed what ${removed.length} run(s) left: ${removed.join(', ')}`,
  );
  return 0;
}

/** Asks a live harness process to stop its run and waits until it is gone. */
async function stopOwner(runId: string, pid: number, say: (line: string) => void): Promise<void> {
  if (pid === process.pid || !alive(pid)) return;
  say(`run ${runId}: asking its harness (pid ${pid}) to stop`);
  process.kill(pid, 'SIGTERM');
  await pollUntil(async () => ((await running(pid)) ? undefined : true), {
    timeoutMs: OWNER_STOP_TIMEOUT_MS,
    intervalMs: 100,
    condition: `harness pid ${pid} of run ${runId} exited`,
  }).catch(() => {
    // It did not clean up in time: end it, and the reaping below removes what it left.
    say(`run ${runId}: its harness did not stop within ${OWNER_STOP_TIMEOUT_MS} ms; killing it`);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
}

/**
 * Whether `pid` still runs: alive, and not a zombie, the state of a process that has exited
 * but whose parent has not collected it yet (a harness started by a test or a shell).
 */
async function running(pid: number): Promise<boolean> {
  if (!alive(pid)) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The state follows the command name in parentheses, which may itself hold spaces.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
