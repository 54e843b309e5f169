import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser } from 'nkeys.js';
import { describe, expect, it } from 'vitest';
import { resolveNatsServerBinary, testServerConfig } from '../backends/process/nats-binary.ts';
import { userWithRole } from '../topology/credentials.ts';
import { ConfigParseError, ConfigReadError } from './config-errors.ts';
import { lintCommand } from './lint-command.ts';
import { driftedCopy, renderSites, type RenderedSites } from './rendered-sites.ts';

const BIN = fileURLToPath(new URL('../../bin/nats-chaos.mjs', import.meta.url));
const SEED = /\bS[UAONC][A-Z2-7]{56}\b/;
/** One finding line of the documented output format. */
const FINDING =
  /^(?<file>\S+):(?<line>\d+): (?<severity>error|warning) \[(?<rule>[a-z-]+)\] (?<message>.+)$/;

/** Runs the real command line and waits for it to exit. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The findings of an output, parsed back from the documented format. */
function findings(stdout: string) {
  const lines = stdout.trimEnd().split('\n');
  return lines.slice(0, -1).map((line) => {
    const match = FINDING.exec(line);
    if (!match?.groups) throw new Error(`not a finding line: ${line}`);
    return { ...match.groups, line: Number(match.groups['line']) } as {
      file: string;
      line: number;
      severity: string;
      rule: string;
      message: string;
    };
  });
}

/** `lintCommand` in this process, with its output captured. */
async function lint(files: string[]) {
  let out = '';
  const code = await lintCommand(files, { env: {}, write: (t) => (out += t) });
  return { code, out, found: findings(out) };
}

const agentKey = (sites: RenderedSites) => userWithRole(sites.keys, 'agent').publicKey;
/** Drops the agent's user line from a rendered accounts file. */
const withoutUser = (key: string) => (text: string) =>
  text.replace(new RegExp(`^.*"${key}".*\\n`, 'm'), '');

describe('nats-chaos lint on rendered configs', () => {
  it("harmony-as-written: exit 1, naming at file:line each subject the ADR's list lacks", async () => {
    const sites = await renderSites('harmony-as-written');
    const binary = resolveNatsServerBinary().path;
    // The configs are real ones: nats-server takes them; the holes are in what they allow.
    for (const file of sites.configs) expect(testServerConfig(binary, file).ok, file).toBe(true);

    const { code, stdout, stderr } = await cli('lint', ...sites.configs);
    expect([code, stderr]).toEqual([1, '']);
    expect(stdout.trimEnd().split('\n').pop()).toBe('12 errors and 0 warnings in 9 config(s)');
    expect(stdout).not.toMatch(SEED);

    const found = findings(stdout);
    expect(new Set(found.map((f) => f.rule))).toEqual(new Set(['agent-permissions-insufficient']));
    for (const site of [1, 2, 3]) {
      const file = sites.accountsFile(site);
      const here = found.filter((f) => f.file === file);
      expect(here.map((f) => f.message.split(' is not allowed')[0])).toEqual([
        'subscribe _INBOX.>',
        'publish $JS.API.INFO',
        'publish $JS.API.DIRECT.GET.KV_HARMONY.>',
        'publish $JS.FC.KV_HARMONY.>',
      ]);
      // The line named is the agent's user entry, with its permissions.
      const text = readFileSync(file, 'utf8').split('\n')[here[0]!.line - 1];
      expect(text).toContain(agentKey(sites));
      expect(text).toContain('permissions');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  it('harmony: exit 0, no problems', async () => {
    const sites = await renderSites('harmony');
    const { code, stdout, stderr } = await cli('lint', ...sites.configs);
    expect([code, stdout, stderr]).toEqual([0, 'no problems found in 9 config(s)\n', '']);
  });

  it("a drifted copy whose site 3 lacks the agent user: exit 1, in site 3's accounts file", async () => {
    const sites = await renderSites('harmony');
    const drifted = await driftedCopy(sites, {
      'secrets/site-3-accounts.conf': withoutUser(agentKey(sites)),
    });
    const { code, found } = await lint(drifted.configs);
    expect(code).toBe(1);
    expect(found.map((f) => [f.file, f.line, f.rule])).toEqual([
      [drifted.accountsFile(3), 3, 'account-drift'],
    ]);
    expect(found[0]!.message).toContain(
      `account HARMONY in site site-3 lacks user ${agentKey(sites)}, which site site-1 and ` +
        'site site-2 define',
    );
  });

  it('a drifted copy whose site 3 has another key for the agent: exit 1, both halves there', async () => {
    const sites = await renderSites('harmony');
    const other = createUser().getPublicKey();
    const drifted = await driftedCopy(sites, {
      'secrets/site-3-accounts.conf': (t) => t.replace(agentKey(sites), other),
    });
    const { code, found } = await lint(drifted.configs);
    expect(code).toBe(1);
    expect(found.map((f) => [f.file, f.rule])).toEqual([
      [drifted.accountsFile(3), 'account-drift'],
      [drifted.accountsFile(3), 'account-drift'],
    ]);
    expect(found[0]!.message).toContain(`lacks user ${agentKey(sites)}`);
    expect(found[1]!.message).toContain(`user ${other} of account HARMONY is defined in site`);
  });

  it('a drifted copy whose site 3 lacks HARMONY: drift, and anonymous clients let in', async () => {
    const sites = await renderSites('harmony');
    const drifted = await driftedCopy(sites, {
      'secrets/site-3-accounts.conf': (t) => t.replace(/ {2}HARMONY: \{[\s\S]*?\n {2}}\n/, ''),
    });
    const { code, found } = await lint(drifted.configs);
    expect(code).toBe(1);
    expect(found.map((f) => f.rule)).toEqual(['anonymous-allowed', 'account-drift']);
    expect(found.every((f) => f.file === drifted.accountsFile(3))).toBe(true);
  });

  it("flags the ADR's other holes when a rendered config has them", async () => {
    const sites = await renderSites('harmony');
    const drifted = await driftedCopy(sites, {
      'config/site-1-n1.conf': (t) =>
        t.replace('system_account: "SYS"\n', '').replace(/ping_interval: .*\nping_max: .*\n/, ''),
      'secrets/site-2-accounts.conf': (t) =>
        t.replace('  SYS: {\n', '  SYS: {\n    jetstream: enabled\n'),
    });
    const { code, found } = await lint(drifted.configs);
    expect(code).toBe(1);
    expect(found.map((f) => `${f.severity} ${f.rule}`).sort()).toEqual([
      'error jetstream-on-system-account',
      'error system-account-missing',
      'warning ping-too-slow',
    ]);
  });
});

describe('nats-chaos lint on files it cannot use', () => {
  it('exits 2 naming a missing file', async () => {
    const sites = await renderSites('harmony');
    const missing = join(sites.dir, 'config', 'site-9-n1.conf');
    const { code, stdout, stderr } = await cli('lint', sites.configs[0]!, missing);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toBe(
      `nats-chaos: CONFIG_UNREADABLE: cannot read config file ${missing}: ENOENT: no such file ` +
        `or directory, open '${missing}'; check the path and its permissions\n`,
    );
    await expect(lintCommand([missing])).rejects.toBeInstanceOf(ConfigReadError);
  });

  it('exits 2 naming file, line and column of a config that does not parse', async () => {
    const sites = await renderSites('harmony');
    const broken = await driftedCopy(sites, {
      'secrets/site-2-accounts.conf': (t) => t.replace('accounts: {', 'accounts: {{'),
    });
    const { code, stderr } = await cli('lint', ...broken.configs);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(`^nats-chaos: CONFIG_PARSE: ${broken.accountsFile(2)}:3:12: .+\\n$`),
    );
    const binary = resolveNatsServerBinary().path;
    expect(testServerConfig(binary, broken.configs[3]!).output).toMatch(/Parse error on line 3/);
    const error = await lintCommand(broken.configs).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigParseError);
    expect((error as ConfigParseError).file).toBe(broken.accountsFile(2));
  });

  it('exits 2 for a directory, and for a missing include naming the including file', async () => {
    const sites = await renderSites('harmony');
    const { code, stderr } = await cli('lint', sites.configs[0]!, join(sites.dir, 'secrets'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/CONFIG_UNREADABLE: cannot read config file .*secrets: EISDIR/);

    const gone = await driftedCopy(sites, {
      'config/site-1-n1.conf': (t) => t.replace('site-1-accounts.conf', 'site-1-gone.conf'),
    });
    const error = await lintCommand([gone.configs[0]!]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigParseError);
    expect((error as ConfigParseError).file).toBe(gone.configs[0]);
    expect((error as ConfigParseError).problem).toMatch(/cannot read include file/);
  });

  it('exits 2 without any config to lint', async () => {
    const { code, stderr } = await cli('lint');
    expect(code).toBe(2);
    expect(stderr).toMatch(/missing required argument 'configs'/);
  });
});
