import type { Deployment } from '../topology/deployment-schema.ts';
import { UsageError } from '../errors.ts';
import { startProcessSupercluster, type ProcessBackendOptions } from './process/process-backend.ts';
import type { StartedSupercluster } from './supercluster.ts';

export const BACKENDS = ['process'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Starts a deployment on the named backend. */
export async function startBackend(
  backend: BackendName,
  deployment: Deployment,
  options: ProcessBackendOptions,
): Promise<StartedSupercluster> {
  switch (backend) {
    case 'process':
      return startProcessSupercluster(deployment, options);
    default:
      throw new UsageError(
        '--backend',
        `unknown backend '${String(backend)}'; use one of ${BACKENDS.join(', ')}`,
      );
  }
}
