import { Command, CommanderError, Option } from 'commander';
import { HarnessError } from '../errors.ts';
import { runCommand } from './run-command.ts';
import { runToxiproxyCommand } from '../faults/toxiproxy/index.ts';
import { UsageError } from '../errors.ts';

/**
 * The `nats-chaos` command line. Exit codes: 0 every check passed, 1 a check failed, 2 the run
 * could not decide (bad input, a missing binary, a supercluster that never became ready).
 */
export function buildProgram(): Command {
  const program = new Command('nats-chaos')
    .description('Chaos and failover tests for NATS superclusters')
    .exitOverride();

  program
    .command('run')
    .description('run resilience scenarios against a deployment and judge them')
    .addOption(new Option('--backend <name>', 'where servers run').default('process'))
    .option(
      '--deployment <name|path>',
      'a shipped deployment or a directory with deployment.json',
      'harmony',
    )
    .option('--scenario <name...>', 'scenarios to run (default: all)')
    .option('--seed <n>', 'seed for the workload and fault schedule, to replay a run')
    .option('--out <dir>', 'run directory for results.json and histories')
    .action(async (flags) => {
      process.exitCode = await runCommand(flags);
    });

  program
    .command('toxiproxy')
    .description('run the built-in Toxiproxy-compatible server until Ctrl-C')
    .option('--host <host>', 'address the API listens on', '127.0.0.1')
    .option('--port <port>', 'port of the API', '8474')
    .action(async (flags: { host: string; port: string }) => {
      await runToxiproxyCommand({ host: flags.host, port: parsePort(flags.port) });
    });

  return program;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError('--port', `'${text}' is not a port number from 0 to 65535`);
  }
  return port;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof HarnessError) {
      process.stderr.write(`nats-chaos: ${err.code}: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(
      `nats-chaos: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    return 2;
  }
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('nats-chaos.mjs')
) {
  process.exit(await main(process.argv));
}
