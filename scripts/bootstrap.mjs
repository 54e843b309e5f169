#!/usr/bin/env node
// Installs what the harness needs and is missing, before `npm run chaos` or `npm test`:
// npm dependencies, and nats-server (from apt when running as root on Debian). Uses only
// Node's own modules, because it runs before the dependencies are there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`bootstrap: ${line}\n`);

function npmDependenciesCurrent() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs;
}

function installNpmDependencies() {
  say('installing npm dependencies (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

function natsServerAvailable() {
  const bin = process.env.NATS_SERVER_BIN || 'nats-server';
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
}

function isDebian() {
  return existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
}

function installNatsServer() {
  if (process.getuid?.() === 0 && isDebian()) {
    say('installing nats-server from apt');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'nats-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  say('nats-server is not installed and cannot be installed from here.');
  say(
    'Install it: Debian/Ubuntu `sudo apt-get install nats-server`; macOS `brew install nats-server`;',
  );
  say('or download a release binary and set NATS_SERVER_BIN to its path. Then run this again.');
  process.exit(2);
}

if (!npmDependenciesCurrent()) installNpmDependencies();
if (!natsServerAvailable()) installNatsServer();
const version = spawnSync(process.env.NATS_SERVER_BIN || 'nats-server', ['--version'], {
  encoding: 'utf8',
});
say(`ready: node ${process.version}, ${version.stdout.trim()}`);
