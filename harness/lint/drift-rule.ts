import { finding, listing, siteLabel, type LintFinding, type LintRule } from './lint-finding.ts';
import type { AccountUser, SiteConfig, UserPermissions } from './site-model.ts';
import type { SubjectRules } from './subject-match.ts';

/**
 * `account-drift`: accounts, their users and the users' permissions must be the same in every
 * config, or a client failing over to another site (or another server of its site) is locked
 * out there. Each finding is put in the file that differs: where most configs have something,
 * in the files that lack it; where only a few have it (a rotated key, an account added on one
 * site), in those few, so a drifted site's findings all point into its own files.
 */
export const accountDrift: LintRule = (sites) => {
  if (sites.length < 2) return [];
  const found: LintFinding[] = [];
  const accountNames = unique(sites.flatMap((site) => [...site.accounts.keys()]));

  for (const name of accountNames) {
    const having = sites.filter((site) => site.accounts.has(name));
    const lacking = sites.filter((site) => !site.accounts.has(name));
    if (isMinority(having, lacking)) {
      for (const site of having) {
        found.push(
          finding(
            'error',
            'account-drift',
            site.accounts.get(name)?.at ?? site.top,
            `account ${name} is defined in ${siteLabel(site)} but not in ${labels(lacking)}: ` +
              `users of ${name} who fail over there are refused. Define it on every site, or ` +
              'remove it here.',
          ),
        );
      }
    } else {
      for (const site of lacking) {
        found.push(
          finding(
            'error',
            'account-drift',
            site.accountsAt ?? site.top,
            `${siteLabel(site)} lacks account ${name}, which ${labels(having)} ${verb(having)}: ` +
              `users of ${name} who fail over here are refused. Copy the account definition.`,
          ),
        );
      }
    }
    if (having.length > 1) found.push(...compareUsers(name, having));
  }
  return found;
};

function compareUsers(account: string, sites: SiteConfig[]): LintFinding[] {
  const found: LintFinding[] = [];
  const usersOf = (site: SiteConfig) => site.accounts.get(account)?.users ?? [];
  const ids = unique(sites.flatMap((site) => usersOf(site).map((user) => user.id)));

  for (const id of ids) {
    const holders = sites.flatMap((site) => {
      const user = usersOf(site).find((u) => u.id === id);
      return user ? [{ site, user }] : [];
    });
    const having = holders.map((holder) => holder.site);
    const lacking = sites.filter((s) => !having.includes(s));
    if (isMinority(having, lacking)) {
      for (const { site, user } of holders) {
        found.push(
          finding(
            'error',
            'account-drift',
            user.at,
            `user ${id} of account ${account} is defined in ${siteLabel(site)} but not in ` +
              `${labels(lacking)}: a client with this key gets "Authorization Violation" there ` +
              'after a failover. A rotated key? Rotate it on every site, or revert it here.',
          ),
        );
      }
    } else {
      for (const site of lacking) {
        found.push(
          finding(
            'error',
            'account-drift',
            site.accounts.get(account)?.at ?? site.top,
            `account ${account} in ${siteLabel(site)} lacks user ${id}, which ${labels(having)} ` +
              `${verb(having)}: that user gets "Authorization Violation" here after a failover. ` +
              'Add the user.',
          ),
        );
      }
    }
    found.push(...comparePermissions(account, id, holders));
  }
  return found;
}

/** Fewer configs have it than lack it: the ones that have it are the odd ones out. */
function isMinority(having: readonly SiteConfig[], lacking: readonly SiteConfig[]): boolean {
  return having.length < lacking.length;
}

/** Groups the holders by their permissions; the largest group is the reference. */
function comparePermissions(
  account: string,
  id: string,
  holders: { site: SiteConfig; user: AccountUser }[],
): LintFinding[] {
  const groups = new Map<string, typeof holders>();
  for (const holder of holders) {
    const key = fingerprint(holder.user.permissions);
    groups.set(key, [...(groups.get(key) ?? []), holder]);
  }
  if (groups.size < 2) return [];
  const reference = [...groups.values()].reduce((best, group) =>
    group.length > best.length ? group : best,
  );
  const model = reference[0];
  if (!model) return [];

  return holders
    .filter((holder) => !reference.includes(holder))
    .map(({ site, user }) =>
      finding(
        'error',
        'account-drift',
        user.permissions?.at ?? user.at,
        `permissions of user ${id} in account ${account} differ from ${siteLabel(model.site)}: ` +
          `${describeDifference(user.permissions, model.user.permissions)}. The same client ` +
          'gets different rights depending on the site it reaches; make them identical.',
      ),
    );
}

function fingerprint(permissions: UserPermissions | undefined): string {
  if (!permissions) return 'unrestricted';
  const rules = (r: SubjectRules) => ({
    allow: r.allow && [...r.allow].sort(),
    deny: [...r.deny].sort(),
  });
  return JSON.stringify([rules(permissions.publish), rules(permissions.subscribe)]);
}

function describeDifference(
  mine: UserPermissions | undefined,
  theirs: UserPermissions | undefined,
): string {
  if (!mine)
    return 'here the user has no permissions block, so everything is allowed; there it is restricted';
  if (!theirs)
    return 'here the user is restricted; there it has no permissions block, so everything is allowed';
  const parts = (['publish', 'subscribe'] as const).flatMap((direction) => [
    ...listDifference(`${direction} allow`, mine[direction].allow, theirs[direction].allow),
    ...listDifference(`${direction} deny`, mine[direction].deny, theirs[direction].deny),
  ]);
  return parts.join('; ');
}

function listDifference(
  what: string,
  mine: readonly string[] | undefined,
  theirs: readonly string[] | undefined,
): string[] {
  if (mine === undefined && theirs === undefined) return [];
  if (mine === undefined) return [`${what} is not restricted here but is there`];
  if (theirs === undefined) return [`${what} is restricted here but not there`];
  const missing = theirs.filter((subject) => !mine.includes(subject));
  const extra = mine.filter((subject) => !theirs.includes(subject));
  return [
    ...(missing.length ? [`${what} lacks ${missing.join(', ')}`] : []),
    ...(extra.length ? [`${what} has extra ${extra.join(', ')}`] : []),
  ];
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function labels(sites: SiteConfig[]): string {
  return listing(sites.map(siteLabel));
}

function verb(sites: SiteConfig[]): string {
  return sites.length === 1 ? 'defines' : 'define';
}
