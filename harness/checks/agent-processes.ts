/**
 * Agents the harness ran as processes or containers of their own (external agents), as their
 * `process` events show them. Such an agent may report its operations or not; what the
 * checkers can conclude about it depends on which.
 */
import type { Evidence, History, ProcessEventRecord } from '../history/types.ts';
import { isInvoke, isProcessEvent } from './records.ts';

/** What the history shows of the external agents' lives. */
export interface AgentProcesses {
  /** Every process with a `process` event. */
  agents: string[];
  /** Exits the harness did not ask for: the agent crashed or gave up while the run went on. */
  unexpectedExits: ProcessEventRecord[];
  /**
   * External agents that recorded no operation of their own: their writes may be in the bucket
   * without an invoke naming them, and their credentials cannot be judged from their work.
   */
  silent: string[];
}

/** Reads the external agents' process events and which of them reported operations. */
export function agentProcesses(history: History): AgentProcesses {
  const events = history.records.filter(isProcessEvent);
  const agents = [...new Set(events.map((e) => e.process))];
  const invoking = new Set(history.records.filter(isInvoke).map((r) => r.process));
  return {
    agents,
    unexpectedExits: events.filter((e) => e.state === 'exited' && e.stopped !== true),
    silent: agents.filter((agent) => !invoking.has(agent)),
  };
}

/** One piece of evidence per exit the harness did not ask for. */
export function unexpectedExitEvidence(exits: readonly ProcessEventRecord[]): Evidence[] {
  return exits.map((exit) => {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.exitCode ?? '?'}`;
    return {
      message: `${exit.process} exited by itself (${how}) at ${Math.round(exit.time)} ms, before the harness stopped it`,
      records: [exit.index],
    };
  });
}
