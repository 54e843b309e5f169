import { existsSync, realpathSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import {
  CheckerOptionsError,
  HistoryFormatError,
  HistoryNotFoundError,
  UnknownCheckerError,
} from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import { checkCommand } from './check-command.ts';
import { gateCommand } from './gate-command.ts';
import { downCommand } from './down-command.ts';
import { lintCommand } from '../lint/lint-command.ts';
import { renderCommand } from './render-command.ts';
import { upCommand } from './up-command.ts';
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
    .option('--repeat <n>', 'run the selection n times with one seed and report flaky checks')
    .option('--out <dir>', 'run directory for results.json and histories')
    .option('--nats-image <image>', 'NATS image for --backend containers (NATS_CHAOS_NATS_IMAGE)')
    .option(
      '--toxiproxy-image <image>',
      'Toxiproxy image for --backend containers (NATS_CHAOS_TOXIPROXY_IMAGE)',
    )
    .option(
      '--toxiproxy-url <url>',
      'a real Toxiproxy API for the proxy mesh (default: TOXIPROXY_URL, else the built-in server)',
    )
    .option(
      '--agent-cmd <command>',
      'your agent as a shell command, run in place of the reference agent (see the README)',
    )
    .option(
      '--agent-image <image>',
      'your agent as an image, run as a container on the host network',
    )
    .action(async (flags) => {
      process.exitCode = await runCommand(flags);
    });

  program
    .command('check')
    .description('judge a stored run again from its histories, without starting anything')
    .argument('<run-dir>', 'a run directory written by run, or one scenario folder of it')
    .action(async (runDir: string) => {
      process.exitCode = await checkCommand(runDir);
    });

  program
    .command('gate')
    .description('judge a stored run by a release policy: exit 0 pass, 1 fail, 2 unknown')
    .argument('<run-dir>', 'a run directory written by run')
    .requiredOption('--policy <file>', 'the policy (JSON), such as policies/harmony-release.json')
    .option('--baseline <results.json>', "a baseline run's results.json (or its directory)")
    .action(async (runDir: string, flags: { policy: string; baseline?: string }) => {
      process.exitCode = await gateCommand(runDir, flags);
    });

  program
    .command('lint')
    .description('check nats-server site configs for the holes ADR 019 leaves open')
    .argument('<configs...>', 'one nats-server config per site (or server); includes are followed')
    .option(
      '--agent <nkey|user>',
      "the agent's public NKey or user name (default: every user of the account with permissions)",
    )
    .option('--account <name>', 'the account holding the bucket', 'HARMONY')
    .option('--bucket <name>', 'the KV bucket the agent uses', 'HARMONY')
    .action(
      async (configs: string[], flags: { agent?: string; account: string; bucket: string }) => {
        process.exitCode = await lintCommand(configs, { ...flags, agentUser: flags.agent });
      },
    );

  program
    .command('down')
    .description('remove containers, networks and volumes the harness left behind')
    .option('--run <id>', 'only those of this run')
    .option('--all', 'those of every run, also running ones')
    .action(async (flags: { run?: string; all?: boolean }) => {
      process.exitCode = await downCommand(flags);
    });

  program
    .command('up')
    .description('start a deployment and keep it running until Ctrl-C or `down --run ID`')
    .addOption(new Option('--backend <name>', 'where servers run').default('process'))
    .option(
      '--deployment <name|path>',
      'a shipped deployment or a directory with deployment.json',
      'harmony',
    )
    .option('--no-bucket', 'do not create the bucket')
    .option('--nats-image <image>', 'NATS image for --backend containers (NATS_CHAOS_NATS_IMAGE)')
    .option(
      '--toxiproxy-image <image>',
      'Toxiproxy image for --backend containers (NATS_CHAOS_TOXIPROXY_IMAGE)',
    )
    .option('--toxiproxy-url <url>', 'a real Toxiproxy API for the proxy mesh (TOXIPROXY_URL)')
    .action(async (flags) => {
      process.exitCode = await upCommand(flags);
    });

  program
    .command('render')
    .description("write a deployment's configs, secrets and docker-compose project into a folder")
    .option(
      '--deployment <name|path>',
      'a shipped deployment or a directory with deployment.json',
      'harmony',
    )
    .option('--out <dir>', 'the folder to write into')
    .action(async (flags: { deployment: string; out?: string }) => {
      process.exitCode = await renderCommand(flags);
    });

  program
    .command('toxiproxy')
    .description('run the built-in Toxiproxy-compatible server until Ctrl-C')
    .option('--host <host>', 'address the API listens on', '127.0.0.1')
    .option('--port <port>', 'port of the API', '8474')
    .option('--config <file>', 'a JSON file of proxies to create at start, as Toxiproxy takes it')
    .action(async (flags: { host: string; port: string; config?: string }) => {
      await runToxiproxyCommand({ ...flags, port: parsePort(flags.port) });
    });

  return program;
}

/**
 * Errors of the checks layer: typed, with a stable code, but not `HarnessError`s, because the
 * checkers depend on nothing of the harness. Each means the input cannot be judged: exit 2.
 */
const CHECK_ERRORS = [
  HistoryFormatError,
  HistoryNotFoundError,
  UnknownCheckerError,
  CheckerOptionsError,
];

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
    if (CHECK_ERRORS.some((kind) => err instanceof kind)) {
      const { code, message } = err as InstanceType<(typeof CHECK_ERRORS)[number]>;
      process.stderr.write(`nats-chaos: ${code}: ${message}\n`);
      return 2;
    }
    process.stderr.write(
      `nats-chaos: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    return 2;
  }
}

// npx and npm link start the bin through a symlink named `nats-chaos`: resolve it, or the
// command would exit 0 having done nothing, which a CI gate would read as a pass.
const entry = process.argv[1] && existsSync(process.argv[1]) ? realpathSync(process.argv[1]) : '';
if (import.meta.url === `file://${entry}` || entry.endsWith('nats-chaos.mjs')) {
  process.exit(await main(process.argv));
}
