/**
 * What the harness hands an agent it did not write (an external agent): where the sites are,
 * where its NKey seed is, which bucket to use, and where it may report its operations. The same
 * facts go into environment variables and into one JSON file, so a container can have the file
 * mounted instead. The seed itself is never in either: only the path of its 0600 file.
 */
import { access, constants, stat, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import {
  dockerAvailable,
  DockerUnavailableError,
  ensureImage,
  ImageUnavailableError,
} from '../backends/containers/docker-engine.ts';
import { AgentCommandNotFoundError, AgentImageNotFoundError } from './agent-errors.ts';

/** How a user's agent runs: a shell command the harness spawns, or an image. */
export type AgentSpec = { kind: 'command'; command: string } | { kind: 'image'; image: string };

/** Version of the contract file; bumped when a field changes meaning or a required one is added. */
export const AGENT_CONTRACT_VERSION = 1;

/** The contract file's content (`NATS_CHAOS_CONTRACT` points at it). */
export interface AgentContract {
  version: number;
  runId: string;
  /** The agent's process id in the history: `agent-1`. */
  agentId: string;
  /** Client URLs in failover order: the preferred site's servers first. */
  urls: string[];
  /** Path of the agent user's NKey seed file (mode 0600). */
  seedFile: string;
  bucket: string;
  /** Where the agent may append its operations as JSON lines (see agent-report.ts). */
  historyFile: string;
  /** The keys the workload should use; the observer reads these (and any it saw) at the end. */
  keys: string[];
  /** The deployment's client settings, for an agent that wants to behave like the reference. */
  client: { ignoreAuthErrorAbort: boolean; reconnectTimeWaitMs: number; requestTimeoutMs: number };
}

/** The environment variables of the contract, by name. */
export function contractEnvironment(
  contract: AgentContract,
  contractFile: string,
): Record<string, string> {
  return {
    NATS_URLS: contract.urls.join(','),
    NATS_SEED_FILE: contract.seedFile,
    NATS_BUCKET: contract.bucket,
    NATS_CHAOS_RUN_ID: contract.runId,
    NATS_CHAOS_AGENT_ID: contract.agentId,
    NATS_CHAOS_HISTORY: contract.historyFile,
    NATS_CHAOS_KEYS: contract.keys.join(','),
    NATS_CHAOS_CONTRACT: contractFile,
  };
}

/** Writes the contract file (no secret in it, so an ordinary mode) and returns its path. */
export async function writeContract(contract: AgentContract, dir: string): Promise<string> {
  const file = join(dir, 'contract.json');
  await writeFile(file, JSON.stringify(contract, null, 2) + '\n');
  return file;
}

/**
 * The agent the command line asks for: `--agent-cmd` or `--agent-image`, not both; undefined
 * when neither is given (the reference agent runs). Throws `UsageError` naming the flag.
 */
export function agentSpecFromFlags(flags: {
  agentCmd?: string;
  agentImage?: string;
}): AgentSpec | undefined {
  const { agentCmd, agentImage } = flags;
  if (agentCmd !== undefined && agentImage !== undefined) {
    throw new UsageError('--agent-cmd', 'give --agent-cmd or --agent-image, not both');
  }
  if (agentImage !== undefined) {
    if (agentImage.trim() === '') throw new UsageError('--agent-image', 'is empty: name an image');
    return { kind: 'image', image: agentImage };
  }
  return agentCmd === undefined ? undefined : { kind: 'command', command: agentCmd };
}

/**
 * Checks an agent spec before anything starts. Throws `UsageError` for an empty command,
 * `AgentCommandNotFoundError` when the command's program cannot be run; for an image,
 * `DockerUnavailableError` without a Docker engine and `AgentImageNotFoundError` for an image
 * that is neither on the machine nor pullable.
 */
export async function checkAgentSpec(spec: AgentSpec, cwd = process.cwd()): Promise<void> {
  if (spec.kind === 'image') {
    if (!(await dockerAvailable())) {
      throw new DockerUnavailableError(
        'no answer from the engine',
        '--agent-image',
        'or run your agent with --agent-cmd',
      );
    }
    await ensureImage(spec.image, '--agent-image').catch((err: unknown) => {
      if (!(err instanceof ImageUnavailableError)) throw err;
      const problem = /\((.*)\)/s.exec(err.message)?.[1] ?? err.message;
      throw new AgentImageNotFoundError(spec.image, problem);
    });
    return;
  }

  const program = firstProgram(spec.command);
  if (program === undefined) {
    throw new UsageError('--agent-cmd', 'is empty: give the command that starts your agent');
  }
  // A word the shell will expand or a builtin cannot be checked here; the shell reports it,
  // and the agent's exit is recorded and judged like any other.
  if (/[$`*?(){}<>|;&]/.test(program) || SHELL_BUILTINS.has(program)) return;

  const candidates = program.includes('/')
    ? [isAbsolute(program) ? program : resolve(cwd, program)]
    : (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir || '.', program));
  for (const file of candidates) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return;
    throw new AgentCommandNotFoundError(program, `${file} is not executable`);
  }
  const where = program.includes('/') ? 'no such file' : 'not found on PATH';
  throw new AgentCommandNotFoundError(program, where);
}

/** Words a shell runs itself, with no program on PATH: the command after them is not checked. */
const SHELL_BUILTINS = new Set(['exec', 'eval', 'cd', '.', 'source', 'set', 'export', 'command']);

/** The program a shell command runs: its first word after `NAME=value` assignments. */
function firstProgram(command: string): string | undefined {
  const words = command
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const word = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return word?.replace(/^(['"])(.*)\1$/, '$2');
}
