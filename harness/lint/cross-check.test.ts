import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveNatsServerBinary } from '../backends/process/nats-binary.ts';
import { ConfigParseError } from './config-errors.ts';
import { parseConfigFile } from './parse-config.ts';

/**
 * The parser is checked against the real thing: every fixture under `cross-check/valid` must be
 * accepted by `nats-server -t` and parsed here; every one under `cross-check/invalid` rejected
 * by both, at the same line where nats-server names one.
 */
const DIR = join(import.meta.dirname, 'fixtures', 'cross-check');
/** The environment both get: `variables.conf` reads one variable, an invalid case another. */
const ENV = { LINT_XCHECK_STORE_DIR: '/tmp/nats-chaos-xcheck/env', LINT_XCHECK_BAD_VALUE: '"x' };

/** Where we deliberately point elsewhere than nats-server does, and why. */
const OTHER_LINE: Record<string, string> = {
  'value-on-next-line.conf':
    'nats-server names the line where it met the new line; we name the line of the key',
};

const binary = resolveNatsServerBinary().path;

function natsServerTest(file: string): { ok: boolean; output: string; line?: number } {
  const result = spawnSync(binary, ['-t', '-c', file], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, ...ENV },
  });
  const output = `${result.stdout}${result.stderr}`.trim();
  const line = /on line (\d+)/.exec(output)?.[1] ?? /\.conf:(\d+):\d+:/.exec(output)?.[1];
  return { ok: result.status === 0, output, line: line ? Number(line) : undefined };
}

function ours(file: string): { ok: true } | { ok: false; error: ConfigParseError } {
  try {
    parseConfigFile(file, { env: { ...process.env, ...ENV } });
    return { ok: true };
  } catch (err) {
    if (err instanceof ConfigParseError) return { ok: false, error: err };
    throw err;
  }
}

const confs = (kind: string) =>
  readdirSync(join(DIR, kind)).filter((name) => name.endsWith('.conf'));

describe('the parser against nats-server -t', () => {
  it('has fixtures of both kinds', () => {
    expect(confs('valid').length).toBeGreaterThanOrEqual(5);
    expect(confs('invalid').length).toBeGreaterThanOrEqual(10);
  });

  it.each(confs('valid'))('valid/%s: nats-server accepts it and so do we', (name) => {
    const file = join(DIR, 'valid', name);
    const server = natsServerTest(file);
    expect(server.ok, server.output).toBe(true);
    const result = ours(file);
    expect(result.ok ? 'parsed' : result.error.message).toBe('parsed');
  });

  it.each(confs('invalid'))('invalid/%s: nats-server rejects it and so do we', (name) => {
    const file = join(DIR, 'invalid', name);
    const server = natsServerTest(file);
    expect(server.ok, server.output).toBe(false);
    const result = ours(file);
    if (result.ok) return expect.fail(`parsed what nats-server rejects: ${server.output}`);

    expect(result.error.file).toBe(file);
    if (server.line !== undefined && !(name in OTHER_LINE)) {
      expect(result.error.line, `${result.error.message}\nnats-server: ${server.output}`).toBe(
        server.line,
      );
    }
  });
});
