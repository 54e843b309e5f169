import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createUser } from 'nkeys.js';
import type { Deployment } from './deployment-schema.ts';

/** A user's NKey for one run: the public key goes into configs, the seed stays in a file. */
export interface UserKey {
  user: string;
  account: string;
  role: 'agent' | 'observer' | 'admin';
  publicKey: string;
  /** Path of the seed file (mode 0600) in the run's secrets dir. */
  seedFile: string;
  /** A second key, used by the sites whose override rotates this user. */
  rotated?: { publicKey: string; seedFile: string };
}

export type RunCredentials = Map<string, UserKey>;

/**
 * Generates a fresh NKey for every user of the deployment and writes each seed to its own
 * file, mode 0600, in `secretsDir`. Seeds never leave those files: configs hold public keys.
 */
export async function generateCredentials(
  deployment: Deployment,
  secretsDir: string,
): Promise<RunCredentials> {
  await mkdir(secretsDir, { recursive: true, mode: 0o700 });
  const rotatedSomewhere = new Set(
    Object.values(deployment.siteOverrides).flatMap((o) => o.rotatedUsers),
  );

  const keys: RunCredentials = new Map();
  for (const user of deployment.users) {
    const key: UserKey = {
      user: user.name,
      account: user.account,
      role: user.role,
      ...(await writeUserKey(secretsDir, `${user.name}.nk`)),
    };
    if (rotatedSomewhere.has(user.name)) {
      key.rotated = await writeUserKey(secretsDir, `${user.name}.rotated.nk`);
    }
    keys.set(user.name, key);
  }
  return keys;
}

async function writeUserKey(dir: string, fileName: string) {
  const pair = createUser();
  const seedFile = join(dir, fileName);
  await writeFile(seedFile, new TextDecoder().decode(pair.getSeed()) + '\n', { mode: 0o600 });
  // writeFile's mode applies only when it creates the file; make sure of it either way.
  await chmod(seedFile, 0o600);
  return { publicKey: pair.getPublicKey(), seedFile };
}

/** The user with the given role; the schema guarantees agent and observer exist. */
export function userWithRole(keys: RunCredentials, role: UserKey['role']): UserKey {
  const found = [...keys.values()].find((k) => k.role === role);
  if (!found) throw new Error(`no user with role ${role}`);
  return found;
}
