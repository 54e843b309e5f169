import { UsageError } from '../../errors.ts';
import { DEFAULT_TOXIPROXY_PORT } from './server.ts';

/** Where the server listens and which proxies it creates at start. */
export interface ServerFlags {
  host: string;
  port: number;
  /** A JSON file of proxies, created at start. */
  config?: string;
}

const NAMES = ['host', 'port', 'config'] as const;

/**
 * Reads the flags `toxiproxy-server` takes, in Go's style (`-host=0.0.0.0`, `-port 8474`,
 * `-config proxies.json`) or with two dashes. A compose file or `docker run` appends its
 * command to the image's entrypoint, so the same arguments work with the official image and
 * with the project's; a flag given twice takes its last value, as Go's flag package does.
 */
export function parseServerFlags(argv: readonly string[]): ServerFlags {
  const values: Partial<Record<(typeof NAMES)[number], string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z-]+)(?:=(.*))?$/s.exec(argv[i]!);
    const name = NAMES.find((n) => n === match?.[1]);
    if (!match || !name) {
      throw new UsageError(argv[i]!, `not a flag of the Toxiproxy server; use ${usage()}`);
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`-${name}`, `needs a value; use ${usage()}`);
    values[name] = value;
  }

  const port = Number(values.port ?? DEFAULT_TOXIPROXY_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError('-port', `'${values.port}' is not a port number from 0 to 65535`);
  }
  return {
    host: values.host ?? '127.0.0.1',
    port,
    ...(values.config !== undefined ? { config: values.config } : {}),
  };
}

function usage(): string {
  return '-host ADDRESS, -port N and -config FILE';
}
