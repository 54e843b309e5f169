import { UsageError } from '../errors.ts';
import { logger } from '../logger.ts';
import { lintConfigs, type LintOptions, type LintReport } from './lint.ts';

const log = logger('lint');

export interface LintCommandOptions extends LintOptions {
  /** Where the report goes; default stdout. */
  write?: (text: string) => void;
}

/**
 * `nats-chaos lint <configs...>`: prints one line per finding, sorted by file and line,
 *
 *     <file>:<line>: <error|warning> [<rule>] <what is wrong>. <how to fix it>
 *
 * and then one summary line (`2 errors and 1 warning in 3 config(s)`, or `no problems found
 * in 3 config(s)`). This format is documented in the README; scripts may parse it. Returns 1
 * when there is an error, 0 otherwise (warnings alone pass). A file that cannot be read or
 * parsed throws its typed error (`ConfigReadError`, `ConfigParseError`), which the CLI turns
 * into exit code 2.
 */
export async function lintCommand(
  files: string[],
  options: LintCommandOptions = {},
): Promise<number> {
  if (files.length === 0) {
    throw new UsageError('<configs...>', 'name at least one nats-server config file to lint');
  }
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  log('linting %d config(s): %s', files.length, files.join(', '));

  const report = await lintConfigs(files, options);
  write(formatReport(report));
  log('%d error(s), %d warning(s)', report.errors, report.warnings);
  return report.errors > 0 ? 1 : 0;
}

/** The report as `lint` prints it: one line per finding, then the summary line. */
export function formatReport(report: LintReport): string {
  const lines = report.findings.map(
    (f) => `${f.file}:${f.line}: ${f.severity} [${f.rule}] ${f.message}`,
  );
  const configs = `${report.files.length} config(s)`;
  lines.push(
    report.findings.length === 0
      ? `no problems found in ${configs}`
      : `${plural(report.errors, 'error')} and ${plural(report.warnings, 'warning')} in ${configs}`,
  );
  return `${lines.join('\n')}\n`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
