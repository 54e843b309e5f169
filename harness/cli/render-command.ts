import { resolve } from 'node:path';
import { renderComposeProject } from '../backends/containers/compose-project.ts';
import { UsageError } from '../errors.ts';
import { loadDeployment } from '../topology/load-deployment.ts';

export interface RenderFlags {
  deployment: string;
  out?: string;
}

/**
 * `nats-chaos render`: writes a deployment's configs, secrets and compose project into a
 * folder, for `docker-compose up` there or through the repository's docker-compose.yml.
 */
export async function renderCommand(flags: RenderFlags): Promise<number> {
  if (!flags.out) throw new UsageError('--out', 'name the folder to render into');
  const { deployment } = await loadDeployment(flags.deployment);
  const dir = resolve(flags.out);
  const connection = await renderComposeProject(deployment, dir);

  const lines = [
    `rendered deployment ${deployment.name} into ${dir}:`,
    '  config/        one nats-server config per server',
    '  secrets/       accounts file per site, one NKey seed file per user (mode 0600)',
    "  toxiproxy.json every proxy, for Toxiproxy's -config",
    '  docker-compose.yml, connection.json',
    '',
    `start it: docker-compose -f ${dir}/docker-compose.yml up -d`,
    `  (or from the repository: NATS_CHAOS_RENDER_DIR=${dir} docker-compose up -d)`,
    'images: NATS_CHAOS_NATS_IMAGE and NATS_CHAOS_TOXIPROXY_IMAGE (default: the official ones;',
    '  `npm run images` builds local ones)',
    `clients: ${Object.values(connection.clientUrls).flat().join(',')}`,
    `toxiproxy API: ${connection.toxiproxyApi}`,
    `agent seed file: ${connection.agentSeedFile}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
