import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { onTestFinished } from 'vitest';
import { lintConfigs, type LintFinding, type LintOptions, type LintRuleId } from './lint.ts';

/** The site config sets under `fixtures/sites`: each is site-N.conf + accounts-site-N.conf. */
export type SiteSetName = 'harmony' | 'as-written';

/** Public NKeys used by the fixtures (no seeds: the lint never needs them). */
export const FIXTURE_KEYS = {
  agent: 'UBHY4G7GHSV3GU75EAXBQVIP6K3IZOCOQJBGCK5XXXNWJ27X52FJWE3Z',
  observer: 'UDZOBYKSC27UF5IDJKOARLFY3TZOU2BSUJYENVGA5SL5N5DNIQQQEVHV',
  admin: 'UBBY26WZY3USCX2D4SXS6QU32GEBFHUA3BFAQKLN4JN4H4TQFCHWTLU2',
  rotatedAgent: 'UDDYWTH2XICNBGOXEHXWWLOZOUVZGE6IPP2J7HTKHKCN4DMHJYCKJITC',
} as const;

const SITES_DIR = join(import.meta.dirname, 'fixtures', 'sites');

/** Edits to a copied set, by file name (`site-2.conf`, `accounts-site-3.conf`). */
export type SiteSetEdits = Record<string, (text: string) => string>;

/**
 * Copies a fixture set into a temporary directory, applies `edits`, and returns the three
 * site configs to lint. The copy is removed when the test finishes. Each test thus shows in
 * a line or two how its configs differ from the set that passes.
 */
export function siteSet(name: SiteSetName, edits: SiteSetEdits = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), `nats-chaos-lint-${name}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(SITES_DIR, name), dir, { recursive: true });

  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing: fix the test`);
    writeFileSync(path, after);
  }
  return [1, 2, 3].map((site) => join(dir, `site-${site}.conf`));
}

/** Removes the agent's user entry from an accounts file. */
export function withoutAgent(text: string): string {
  return text.replace(/ {6}# the agent\n[\s\S]*?\n {6}}\n/, '');
}

/** Removes the whole HARMONY account from an accounts file. */
export function withoutHarmony(text: string): string {
  return text.replace(/ {2}HARMONY: \{[\s\S]*?\n {2}}\n/, '');
}

/** Gives the agent another public key, as an unfinished key rotation would. */
export function withRotatedAgent(text: string): string {
  return text.replace(FIXTURE_KEYS.agent, FIXTURE_KEYS.rotatedAgent);
}

/** Lints the configs and returns the findings of one rule (all findings without a rule). */
export async function findingsOf(
  files: string[],
  rule?: LintRuleId,
  options: LintOptions = {},
): Promise<LintFinding[]> {
  const report = await lintConfigs(files, { env: {}, ...options });
  return rule ? report.findings.filter((f) => f.rule === rule) : report.findings;
}

/** `file-name:line` of a finding, short enough to compare in a test. */
export function where(finding: LintFinding): string {
  return `${basename(finding.file)}:${finding.line}`;
}
