import { HarnessError } from '../errors.ts';

/**
 * The program `--agent-cmd` names cannot be run: not found on PATH, not a file, or not
 * executable. Checked before any server starts, so a typo costs no supercluster.
 */
export class AgentCommandNotFoundError extends HarnessError {
  readonly code = 'AGENT_COMMAND_NOT_FOUND';
  readonly flag = '--agent-cmd';
  constructor(
    readonly program: string,
    problem: string,
  ) {
    super(
      `--agent-cmd: cannot run '${program}': ${problem}; give the command that starts your ` +
        `agent, e.g. --agent-cmd "node ./my-agent.mjs"`,
    );
    this.name = 'AgentCommandNotFoundError';
  }
}

/**
 * `--agent-image` was given, but running an agent image is not built yet. The message says how
 * to run a container through `--agent-cmd` meanwhile.
 */
export class AgentImageNotSupportedError extends HarnessError {
  readonly code = 'AGENT_IMAGE_NOT_SUPPORTED';
  readonly flag = '--agent-image';
  constructor(readonly image: string) {
    super(
      `--agent-image ${image}: running an agent image is not built yet; run the container ` +
        `through --agent-cmd instead, passing the contract's variables and mounting its files ` +
        `(see "Bring your own agent" in the README)`,
    );
    this.name = 'AgentImageNotSupportedError';
  }
}
