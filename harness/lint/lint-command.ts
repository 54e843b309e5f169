import { UsageError } from '../errors.ts';
import { logger } from '../logger.ts';
import { lintConfigs, type LintOptions } from './lint.ts';

const log = logger('lint');

export interface LintCommandOptions extends LintOptions {
  /** Where the report goes; default stdout. */
  write?: (text: string) => void;
}

/**
 * `nats-chaos lint <configs...>`: prints one `file:line: severity [rule] message` line per
 * finding and a summary. Returns 1 when there is an error, 0 otherwise; a file that cannot be
 * read or parsed throws its typed error, which the CLI turns into exit code 2.
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
  for (const f of report.findings) {
    write(`${f.file}:${f.line}: ${f.severity} [${f.rule}] ${f.message}\n`);
  }
  const summary =
    report.findings.length === 0
      ? `no problems found in ${files.length} config(s)`
      : `${plural(report.errors, 'error')} and ${plural(report.warnings, 'warning')} in ` +
        `${files.length} config(s)`;
  write(`${summary}\n`);
  return report.errors > 0 ? 1 : 0;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
