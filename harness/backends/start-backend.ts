import type { Deployment } from '../topology/deployment-schema.ts';
import { UsageError } from '../errors.ts';
import { startProcessSupercluster, type ProcessBackendOptions } from './process/process-backend.ts';
import type { ContainerBackendOptions } from './containers/container-backend.ts';
import type { StartedSupercluster } from './supercluster.ts';

export const BACKENDS = ['process', 'containers'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Starts a deployment on the named backend. */
export async function startBackend(
  backend: BackendName,
  deployment: Deployment,
  options: ProcessBackendOptions & ContainerBackendOptions,
): Promise<StartedSupercluster> {
  switch (backend) {
    case 'process':
      return startProcessSupercluster(deployment, options);
    case 'containers': {
      // Loaded on demand: the process backend must not need testcontainers or Docker.
      const { startContainerSupercluster } = await import('./containers/container-backend.ts');
      return startContainerSupercluster(deployment, options);
    }
    default:
      throw new UsageError(
        '--backend',
        `unknown backend '${String(backend)}'; use one of ${BACKENDS.join(', ')}`,
      );
  }
}
