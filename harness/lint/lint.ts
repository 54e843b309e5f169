import {
  anonymousAllowed,
  jetstreamNotEnabled,
  jetstreamOnSystemAccount,
  systemAccountMissing,
} from './account-rules.ts';
import { accountDrift } from './drift-rule.ts';
import type { LintFinding, LintRule, RuleOptions } from './lint-finding.ts';
import { gatewayUrlsInconsistent } from './gateway-url-rule.ts';
import { gatewayInconsistent, pingTooSlow } from './network-rules.ts';
import { parseConfigFile, type ParseOptions } from './parse-config.ts';
import { agentPermissionsInsufficient } from './permission-rule.ts';
import { readSiteConfig } from './site-model.ts';

export type { LintFinding, LintRuleId } from './lint-finding.ts';

export interface LintOptions {
  /** The agent's public NKey or user name; default: every user of `account` with permissions. */
  agentUser?: string;
  /** The KV bucket; default HARMONY. */
  bucket?: string;
  /** The account holding the bucket; default HARMONY. */
  account?: string;
  /** Environment for `$NAME` references the configs do not define; default `process.env`. */
  env?: ParseOptions['env'];
}

/** The findings of one lint run over a set of configs. */
export interface LintReport {
  /** The configs linted, as given. */
  readonly files: string[];
  /** Sorted by file and line. */
  readonly findings: LintFinding[];
  readonly errors: number;
  readonly warnings: number;
}

/** Every rule, in the order their findings are listed for one line. */
export const LINT_RULES: readonly LintRule[] = [
  systemAccountMissing,
  jetstreamOnSystemAccount,
  jetstreamNotEnabled,
  anonymousAllowed,
  accountDrift,
  agentPermissionsInsufficient,
  gatewayInconsistent,
  gatewayUrlsInconsistent,
  pingTooSlow,
];

/**
 * Lints the nats-server configs of the sites (or servers) of one supercluster, each on its own
 * and against each other, for the holes ADR 019 leaves open. Throws `ConfigReadError` for a
 * file that cannot be read and `ConfigParseError` for one that is not valid config.
 */
export async function lintConfigs(files: string[], options: LintOptions = {}): Promise<LintReport> {
  const ruleOptions: RuleOptions = {
    bucket: options.bucket ?? 'HARMONY',
    account: options.account ?? 'HARMONY',
    agentUser: options.agentUser,
  };
  const documents = files.map((file) => parseConfigFile(file, { env: options.env }));
  const sites = documents.map(readSiteConfig);
  // Servers of one site often include the same accounts file: a problem in it is one finding.
  const seen = new Set<string>();
  const findings = LINT_RULES.flatMap((rule) => rule(sites, ruleOptions)).filter((f) => {
    const key = JSON.stringify([f.file, f.line, f.severity, f.rule, f.message]);
    return !seen.has(key) && Boolean(seen.add(key));
  });

  // Findings in an included file are listed with the config that includes it.
  const rank = new Map<string, number>();
  documents.forEach((doc, index) => doc.files.forEach((f) => rank.has(f) || rank.set(f, index)));
  const rankOf = (file: string) => rank.get(file) ?? files.length;
  findings.sort(
    (a, b) => rankOf(a.file) - rankOf(b.file) || a.file.localeCompare(b.file) || a.line - b.line,
  );
  return {
    files,
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}
