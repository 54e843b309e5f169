import { HarnessError } from '../errors.ts';
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

  constructor(
    at: SourcePosition,
    /** What was wrong and what was expected instead. */
    readonly problem: string,
  ) {
    super(`${at.file}:${at.line}:${at.column}: ${problem}`);
    this.name = 'ConfigParseError';
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
