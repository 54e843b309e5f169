import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactSecrets } from '../history/redact.ts';
import type { RunWorkspace } from './run-workspace.ts';

/**
 * Copies what a run's servers were started with into the run directory, for a person reading
 * the run later: every rendered server config and each site's accounts file (public NKeys
 * only). Seed files stay behind in the secrets dir, and every copy passes through the same
 * redaction as the history, so nothing secret reaches the run directory even by mistake.
 * Returns the folder written.
 */
export async function keepRenderedConfigs(ws: RunWorkspace, runDir: string): Promise<string> {
  const target = join(runDir, 'config');
  await mkdir(target, { recursive: true });
  const sources = [
    ...(await listFiles(ws.configDir))
      .filter((f) => f.endsWith('.conf'))
      .map((f) => [ws.configDir, f]),
    ...(await listFiles(ws.secretsDir))
      .filter((f) => f.endsWith('-accounts.conf'))
      .map((f) => [ws.secretsDir, f]),
  ];
  for (const [dir, file] of sources) {
    const text = await readFile(join(dir!, file!), 'utf8');
    await writeFile(join(target, file!), redactSecrets(text));
  }
  return target;
}

async function listFiles(dir: string): Promise<string[]> {
  return readdir(dir).catch((): string[] => []);
}
