import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeploymentNotFoundError, FixtureError } from '../errors.ts';
import { deploymentSchema, type Deployment } from './deployment-schema.ts';

/** Where the shipped deployments live: one folder each, holding a deployment.json. */
export const SHIPPED_DEPLOYMENTS_DIR = fileURLToPath(
  new URL('../../fixtures/deployments/', import.meta.url),
);

/** A deployment as loaded, with the file it came from for error messages. */
export interface LoadedDeployment {
  deployment: Deployment;
  file: string;
}

/** Names of the deployments shipped with the harness. */
export async function shippedDeployments(): Promise<string[]> {
  const entries = await readdir(SHIPPED_DEPLOYMENTS_DIR, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Loads a deployment by the name of a shipped one or by the path of a directory holding a
 * `deployment.json`. A malformed fixture throws `FixtureError` naming the file and the field.
 */
export async function loadDeployment(nameOrPath: string): Promise<LoadedDeployment> {
  const dir = await resolveDeploymentDir(nameOrPath);
  const file = join(dir, 'deployment.json');

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new FixtureError(
      file,
      '(file)',
      'cannot be read; a deployment directory needs a deployment.json',
    );
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(file, '(json)', `is not valid JSON: ${(err as Error).message}`);
  }

  const parsed = deploymentSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const field = first.path.length > 0 ? first.path.join('.') : '(root)';
    throw new FixtureError(file, field, first.message);
  }
  return { deployment: parsed.data, file };
}

async function resolveDeploymentDir(nameOrPath: string): Promise<string> {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.startsWith('.');
  const candidate = looksLikePath ? resolve(nameOrPath) : join(SHIPPED_DEPLOYMENTS_DIR, nameOrPath);
  const info = await stat(candidate).catch(() => undefined);
  if (info?.isDirectory()) return candidate;
  throw new DeploymentNotFoundError(nameOrPath, await shippedDeployments());
}
