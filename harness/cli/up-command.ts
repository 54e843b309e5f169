import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Observer } from '../agent/observer.ts';
import type { ComposeConnection } from '../backends/containers/compose-project.ts';
import { newRunId } from '../backends/run-workspace.ts';
import { onInterrupt } from '../backends/shutdown-hooks.ts';
import { BACKENDS, startBackend, type BackendName } from '../backends/start-backend.ts';
import type { StartedSupercluster } from '../backends/supercluster.ts';
import { UsageError } from '../errors.ts';
import { HistoryRecorder } from '../history/recorder.ts';
import { userWithRole } from '../topology/credentials.ts';
import { loadDeployment } from '../topology/load-deployment.ts';
import { siteName } from '../topology/plan.ts';

export interface UpFlags {
  backend: string;
  deployment: string;
  toxiproxyUrl?: string;
  natsImage?: string;
  toxiproxyImage?: string;
  /** Commander's `--no-bucket` sets this false. */
  bucket?: boolean;
}

/**
 * `nats-chaos up`: starts a deployment on either backend, creates its bucket, prints where
 * everything is, and keeps it running until Ctrl-C, SIGTERM or `nats-chaos down --run ID`
 * (which sends SIGTERM), when it stops what it started as a run does.
 */
export async function upCommand(flags: UpFlags): Promise<number> {
  if (!(BACKENDS as readonly string[]).includes(flags.backend)) {
    throw new UsageError('--backend', `'${flags.backend}' is not one of ${BACKENDS.join(', ')}`);
  }
  const { deployment } = await loadDeployment(flags.deployment);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const runId = newRunId();
  const cluster = await startBackend(flags.backend as BackendName, deployment, {
    runId,
    onProgress: say,
    toxiproxyUrl: flags.toxiproxyUrl ?? (process.env['TOXIPROXY_URL'] || undefined),
    images: { nats: flags.natsImage, toxiproxy: flags.toxiproxyImage },
  });
  // The backend stops itself on SIGINT and SIGTERM; this only says so.
  onInterrupt(async () => say(`run ${runId}: stopped, nothing left running`));

  try {
    if (flags.bucket !== false) {
      await using observer = await Observer.connect(
        cluster,
        new HistoryRecorder({
          runId,
          scenario: 'up',
          deployment: deployment.name,
          backend: cluster.backend,
          seed: 0,
          startedAt: new Date().toISOString(),
        }),
      );
      await observer.createBucket();
    }
  } catch (err) {
    await cluster.shutdown();
    throw err;
  }

  const connection = describeConnection(cluster);
  const file = join(cluster.workspace.dir, 'connection.json');
  await writeFile(file, `${JSON.stringify(connection, null, 2)}\n`);
  const lines = [
    `run ${runId} is up: deployment ${deployment.name} on ${cluster.backend}`,
    ...Object.entries(connection.clientUrls).map(([site, urls]) => `  ${site}: ${urls.join(',')}`),
    `  toxiproxy API: ${connection.toxiproxyApi}`,
    `  agent seed file: ${connection.agentSeedFile}`,
    flags.bucket === false
      ? '  no bucket created (--no-bucket)'
      : `  bucket ${connection.bucket} at R=${deployment.bucket.replicas} in ` +
        siteName(deployment.bucket.homeSite),
    `  all of it in ${file}`,
    `stop it with Ctrl-C or \`nats-chaos down --run ${runId}\``,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  // Runs until a signal; the backend's interrupt hook stops everything and exits. A timer keeps
  // the event loop alive where nothing else would (containers leave no socket open here).
  setInterval(() => {}, 60_000);
  return new Promise<number>(() => {});
}

function describeConnection(cluster: StartedSupercluster): ComposeConnection {
  const { deployment, topology } = cluster;
  return {
    deployment: deployment.name,
    clientUrls: Object.fromEntries(
      topology.sites.map((site) => [
        site,
        cluster.servers.filter((s) => s.plan.siteName === site).map((s) => s.clientUrl),
      ]),
    ),
    toxiproxyApi: cluster.mesh?.apiUrl ?? 'none (no proxy mesh)',
    monitorUrls: Object.fromEntries(cluster.servers.map((s) => [s.plan.name, s.monitorUrl])),
    agentSeedFile: userWithRole(cluster.credentials, 'agent').seedFile,
    bucket: deployment.bucket.name,
  };
}
