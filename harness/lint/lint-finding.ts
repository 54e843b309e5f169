import { redactSecrets } from '../history/redact.ts';
import type { SourcePosition } from './config-tree.ts';
import type { SiteConfig } from './site-model.ts';

/** The stable ids of the lint rules, to search for and to filter on. */
export type LintRuleId =
  | 'system-account-missing'
  | 'jetstream-on-system-account'
  | 'jetstream-not-enabled'
  | 'account-drift'
  | 'agent-permissions-insufficient'
  | 'gateway-inconsistent'
  | 'ping-too-slow'
  | 'anonymous-allowed';

/** One problem in one file: where it is, what is wrong and how to fix it. */
export interface LintFinding {
  readonly severity: 'error' | 'warning';
  readonly rule: LintRuleId;
  /** The file that holds the offending key: an included file when the key is in one. */
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** The rules' view of the lint options, with the defaults filled in. */
export interface RuleOptions {
  /** The KV bucket the agent uses. */
  readonly bucket: string;
  /** The account that holds the bucket. */
  readonly account: string;
  /** The agent's public NKey or user name; undefined: every user of `account` with permissions. */
  readonly agentUser?: string;
}

/** A rule looks at every site's config at once, so it can compare them. */
export type LintRule = (sites: readonly SiteConfig[], options: RuleOptions) => LintFinding[];

/**
 * Builds a finding. The message is redacted: a seed pasted where a public NKey belongs, or a
 * password, must not be printed by the lint that reads it.
 */
export function finding(
  severity: LintFinding['severity'],
  rule: LintRuleId,
  at: SourcePosition,
  message: string,
): LintFinding {
  return { severity, rule, file: at.file, line: at.line, message: redactSecrets(message) };
}

/** How messages name a config: its path, and the site (cluster) it belongs to when known. */
export function siteLabel(site: SiteConfig): string {
  return site.clusterName ? `${site.file} (site ${site.clusterName.value})` : site.file;
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
