import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectWithSeed } from '../agent/connection.ts';
import { FaultStateError } from '../faults/fault-errors.ts';
import { dockerUp, skipWithoutDocker, testImages } from '../testing/docker-gate.ts';
import { userWithRole } from '../topology/credentials.ts';
import { loadDeployment } from '../topology/load-deployment.ts';
import { pollUntil } from '../wait.ts';
import { jsz } from './monitoring.ts';
import { startBackend, type BackendName } from './start-backend.ts';

const STREAM = 'KV_HARMONY';

/** The stream's message count as one server's /jsz reports it, or undefined without it. */
async function messagesAt(monitorUrl: string): Promise<number | undefined> {
  const reply = await jsz(monitorUrl, true).catch(() => undefined);
  return reply?.account_details
    ?.find((a) => a.name === 'HARMONY')
    ?.stream_detail?.find((s) => s.name === STREAM)?.state.messages;
}

describe.each<BackendName>(['process', 'containers'])('wipe on the %s backend', (backend) => {
  it("empties a stopped replica's store; it catches up after restart", async (ctx) => {
    if (backend === 'containers') skipWithoutDocker(ctx);
    const images = backend === 'containers' && dockerUp ? await testImages() : undefined;
    const { deployment } = await loadDeployment('harmony');
    await using cluster = await startBackend(backend, deployment, { images });

    const nc = await connectWithSeed({
      servers: cluster.select({ site: 1 }).map((s) => s.directClientUrl),
      seedFile: userWithRole(cluster.credentials, 'observer').seedFile,
      name: 'wipe-test',
      ignoreAuthErrorAbort: true,
    });
    try {
      const { value: kv } = await pollUntil(
        () => nc.jetstream().views.kv('HARMONY', { replicas: 3, placementCluster: 'site-1' }),
        { timeoutMs: 30_000, intervalMs: 250, condition: 'bucket HARMONY at R=3 in site-1' },
      );
      for (let i = 0; i < 20; i++) await kv.put(`key.${i}`, `value ${i}`);
    } finally {
      await nc.close();
    }

    // All three servers of site 1 hold a replica; n2 loses its disk.
    const target = { site: 1, server: 2 };
    const [victim] = cluster.select(target);
    await pollUntil(
      async () => ((await messagesAt(victim!.monitorUrl)) === 20 ? true : undefined),
      {
        timeoutMs: 20_000,
        condition: 'site-1/n2 holds all 20 messages',
      },
    );
    await expect(cluster.wipe(target)).rejects.toThrow(FaultStateError);
    await cluster.stop(target);
    await cluster.wipe(target);
    const storeDir = join(cluster.workspace.storeDir, victim!.plan.name);
    expect(await readdir(storeDir)).toEqual([]);

    await cluster.restart(target);
    await pollUntil(
      async () => ((await messagesAt(victim!.monitorUrl)) === 20 ? true : undefined),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        condition: 'site-1/n2 caught up to 20 messages from an empty store',
      },
    );
    expect((await readdir(storeDir)).length).toBeGreaterThan(0);
  });
});
