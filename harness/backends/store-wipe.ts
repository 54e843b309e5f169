import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FaultStateError } from '../faults/fault-errors.ts';
import type { RunningServer } from './supercluster.ts';

/**
 * Empties a stopped server's JetStream store dir: a lost disk. The dir itself stays, emptied in
 * place, because a container mounts it and must find the same dir when it starts again.
 */
export async function wipeStore(server: RunningServer, storeDir: string): Promise<void> {
  if (server.status() !== 'stopped') {
    throw new FaultStateError(server.plan.id, 'wipe its store', server.status());
  }
  for (const entry of await readdir(storeDir)) {
    await rm(join(storeDir, entry), { recursive: true, force: true });
  }
}
