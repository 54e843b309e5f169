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
    const { label, labels } = naming(having, lacking);
    if (isMinority(having, lacking)) {
      for (const site of having) {
        found.push(
          finding(
            'error',
            'account-drift',
            site.accounts.get(name)?.at ?? site.top,
            `account ${name} is defined in ${label(site)} but not in ${labels(lacking)}: ` +
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
            `${label(site)} lacks account ${name}, which ${labels(having)} ${verb(having)}: ` +
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
    const { label, labels } = naming(having, lacking);
    if (isMinority(having, lacking)) {
      for (const { site, user } of holders) {
        found.push(
          finding(
            'error',
            'account-drift',
            user.at,
            `user ${id} of account ${account} is defined in ${label(site)} but not in ` +
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
            `account ${account} in ${label(site)} lacks user ${id}, which ${labels(having)} ` +
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
  const others = holders.filter((holder) => !reference.includes(holder));
  const { label } = naming(
    reference.map((holder) => holder.site),
    others.map((holder) => holder.site),
  );

  return others.map(({ user }) =>
    finding(
      'error',
      'account-drift',
      user.permissions?.at ?? user.at,
      `permissions of user ${id} in account ${account} differ from ${label(model.site)}: ` +
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

/**
 * How messages name configs: by site (`site site-3`) when the two sides being compared share
 * no site, so the servers of one site that include the same accounts file get one finding, not
 * one per server; by file when servers of one site differ among themselves.
 */
function naming(
  one: readonly SiteConfig[],
  other: readonly SiteConfig[],
): { label: (site: SiteConfig) => string; labels: (sites: readonly SiteConfig[]) => string } {
  const clusters = (sites: readonly SiteConfig[]) => sites.map((s) => s.clusterName?.value);
  const left = clusters(one);
  const right = clusters(other);
  const bySite =
    [...left, ...right].every((c) => c !== undefined) && !left.some((c) => right.includes(c));
  const label = (site: SiteConfig) =>
    bySite && site.clusterName ? `site ${site.clusterName.value}` : siteLabel(site);
  return { label, labels: (sites) => listing(unique(sites.map(label))) };
}

function verb(sites: readonly SiteConfig[]): string {
  const distinct = new Set(sites.map((s) => s.clusterName?.value ?? s.file));
  return sites.length === 1 || distinct.size === 1 ? 'defines' : 'define';
}
