import { HarnessError } from '../errors.ts';
import { redactSecrets } from '../history/redact.ts';
import type { SourcePosition } from './config-tree.ts';

/**
 * A nats-server config file (or a file it includes) is not valid config syntax, or refers to a
 * variable that is not defined. Carries the exact place: file, line and column (both from 1).
 */
export class ConfigParseError extends HarnessError {
  readonly code = 'CONFIG_PARSE';
  readonly file: string;
  readonly line: number;
  readonly column: number;

  /** What was wrong and what was expected instead (redacted, like the message). */
  readonly problem: string;

  constructor(at: SourcePosition, problem: string) {
    // The text quoted in a problem may be a seed or a password written where it should not be.
    const redacted = redactSecrets(problem);
    super(`${at.file}:${at.line}:${at.column}: ${redacted}`);
    this.name = 'ConfigParseError';
    this.problem = redacted;
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
  }
}

/** A config file named on the command line cannot be read at all. */
export class ConfigReadError extends HarnessError {
  readonly code = 'CONFIG_UNREADABLE';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot read config file ${file}: ${reason}; check the path and its permissions`);
    this.name = 'ConfigReadError';
  }
}
