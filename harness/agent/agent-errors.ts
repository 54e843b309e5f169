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

/** The image `--agent-image` names is not on this machine and cannot be pulled. */
export class AgentImageNotFoundError extends HarnessError {
  readonly code = 'AGENT_IMAGE_NOT_FOUND';
  readonly flag = '--agent-image';
  constructor(
    readonly image: string,
    problem: string,
  ) {
    super(
      `--agent-image ${image}: not on this machine and could not be pulled (${problem}); ` +
        `build or load it first (docker build -t ${image} ..., docker load)`,
    );
    this.name = 'AgentImageNotFoundError';
  }
}
