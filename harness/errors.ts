/**
 * Errors a user can act on. Each kind has a stable `code` to search for, the context that
 * explains it, and a message that says what happened and what to do about it. Callers branch
 * on the class or the code, never on the message text.
 */
export abstract class HarnessError extends Error {
  abstract readonly code: string;
  /** The exit code the CLI uses when this error ends a run: 2, the run could not decide. */
  readonly exitCode: number = 2;
}

/** A deployment fixture (or a scenario's input) is malformed. */
export class FixtureError extends HarnessError {
  readonly code = 'FIXTURE_INVALID';
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: field '${field}': ${problem}`);
    this.name = 'FixtureError';
  }
}

/** A deployment was named that is neither a shipped fixture nor a directory. */
export class DeploymentNotFoundError extends HarnessError {
  readonly code = 'DEPLOYMENT_NOT_FOUND';
  constructor(
    readonly deployment: string,
    readonly known: string[],
  ) {
    super(
      `deployment '${deployment}' is neither a shipped deployment (${known.join(', ')}) ` +
        `nor a directory holding a deployment.json`,
    );
    this.name = 'DeploymentNotFoundError';
  }
}

/** A program the harness needs is not installed. */
export class BinaryNotFoundError extends HarnessError {
  readonly code = 'BINARY_NOT_FOUND';
  constructor(
    readonly binary: string,
    readonly hint: string,
  ) {
    super(`cannot run '${binary}': ${hint}`);
    this.name = 'BinaryNotFoundError';
  }
}

/** A server did not start, or exited when it should be running. */
export class ServerStartError extends HarnessError {
  readonly code = 'SERVER_START_FAILED';
  constructor(
    readonly server: string,
    reason: string,
    readonly logFile?: string,
  ) {
    super(`server ${server} did not start: ${reason}${logFile ? ` (log: ${logFile})` : ''}`);
    this.name = 'ServerStartError';
  }
}

/** A port the harness wanted to use is taken by another program. */
export class PortInUseError extends HarnessError {
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly address: string,
    readonly owner: string,
  ) {
    super(`${owner}: ${address} is already in use; free it or let the harness pick ports`);
    this.name = 'PortInUseError';
  }
}

/** A condition the harness waited for did not come true before its deadline. */
export class ReadinessTimeoutError extends HarnessError {
  readonly code = 'READINESS_TIMEOUT';
  constructor(
    readonly condition: string,
    readonly waitedMs: number,
    readonly lastState: string,
  ) {
    super(`${condition} not reached after ${waitedMs} ms (last seen: ${lastState})`);
    this.name = 'ReadinessTimeoutError';
  }
}

/** A command-line flag or a scenario name is wrong. */
export class UsageError extends HarnessError {
  readonly code = 'USAGE';
  constructor(
    readonly flag: string,
    problem: string,
  ) {
    super(`${flag}: ${problem}`);
    this.name = 'UsageError';
  }
}

/** A run's `results.json` cannot be read back: not JSON, or not the shape `run` writes. */
export class ResultsFileError extends HarnessError {
  readonly code = 'RESULTS_INVALID';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}; pass a run directory written by 'nats-chaos run'`);
    this.name = 'ResultsFileError';
  }
}
