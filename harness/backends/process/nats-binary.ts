import { spawnSync } from 'node:child_process';
import { BinaryNotFoundError } from '../../errors.ts';

/**
 * The nats-server binary: `NATS_SERVER_BIN` when set, else `nats-server` from PATH. Checked
 * by running `--version`, so a missing or broken binary fails before anything starts.
 */
export function resolveNatsServerBinary(): { path: string; version: string } {
  const path = process.env['NATS_SERVER_BIN'] || 'nats-server';
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error || result.status !== 0) {
    throw new BinaryNotFoundError(
      path,
      'install nats-server (Debian: `apt-get install nats-server`; or download a release) ' +
        'or set NATS_SERVER_BIN to its path',
    );
  }
  return { path, version: result.stdout.trim().replace(/^nats-server:\s*/, '') };
}

/** Runs `nats-server -t -c FILE`: checks a config without starting a server. */
export function testServerConfig(
  binary: string,
  configFile: string,
): { ok: boolean; output: string } {
  const result = spawnSync(binary, ['-t', '-c', configFile], { encoding: 'utf8', timeout: 20_000 });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}
