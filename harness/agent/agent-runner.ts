/**
 * How an external agent is run: as a shell command (process-runner.ts) or as an image
 * (container-runner.ts). The external agent around it does the rest (contract, report, checks).
 */

/** How the agent ended: an exit code, or the signal that ended it. */
export interface AgentExit {
  exitCode: number | null;
  signal: string | null;
}

/** What the runner tells the agent about while it runs. */
export interface AgentRunnerHooks {
  /** One line of the agent's output; `stream` names where it came from. */
  onLine(stream: string, line: string): void;
  /** The agent has exited, wholly (called once). */
  onExit(exit: AgentExit): void;
}

/** Starts, watches and stops one external agent. */
export interface AgentRunner {
  readonly kind: 'command' | 'image';
  /** Starts the agent with the contract's environment; resolves once it runs. */
  start(env: Record<string, string>, hooks: AgentRunnerHooks): Promise<{ pid?: number }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Safe to call twice. */
  stop(graceMs: number): Promise<void>;
}
