import { UsageError } from '../errors.ts';

export interface DownFlags {
  run?: string;
  all?: boolean;
}

/**
 * `nats-chaos down`: removes what the container backend left: the containers, networks and
 * volumes of one run (`--run ID`), of every run (`--all`), or by default those whose harness
 * process is gone. Process-backend leftovers of killed runs are reaped too.
 */
export async function downCommand(flags: DownFlags): Promise<number> {
  if (flags.run && flags.all) throw new UsageError('--run', 'give either --run ID or --all');
  const { reapProcessLeftovers } = await import('../backends/process/process-backend.ts');
  const processRuns = await reapProcessLeftovers();
  const { removeRunResources } = await import('../backends/containers/docker-engine.ts');
  const which = flags.run ? { runId: flags.run } : flags.all ? 'all' : 'stale';
  const containerRuns = await removeRunResources(which);
  const removed = [...new Set([...processRuns, ...containerRuns])];
  process.stdout.write(
    removed.length === 0
      ? 'nothing to remove\n'
      : `removed what ${removed.length} run(s) left: ${removed.join(', ')}\n`,
  );
  return 0;
}
