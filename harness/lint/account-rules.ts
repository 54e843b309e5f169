import { finding, type LintFinding, type LintRule } from './lint-finding.ts';

/** nats-server's own system account when `system_account` is not set. */
const DEFAULT_SYSTEM_ACCOUNT = '$SYS';

/** `system-account-missing`: no `system_account`, or one that names no defined account. */
export const systemAccountMissing: LintRule = (sites) =>
  sites.flatMap((site): LintFinding[] => {
    const system = site.systemAccount;
    if (!system) {
      return [
        finding(
          'error',
          'system-account-missing',
          site.top,
          'system_account is not set: the server falls back to a built-in $SYS account without ' +
            'users, so there is no account for monitoring and supercluster administration that ' +
            'is the same on every site. Set system_account: "SYS" and define SYS (with its admin ' +
            'users) identically on every site.',
        ),
      ];
    }
    if (site.accounts.has(system.value)) return [];
    return [
      finding(
        'error',
        'system-account-missing',
        system.at,
        `system_account names '${system.value}', but accounts defines no such account: nats-server ` +
          'refuses to start ("error resolving system account: account missing"). Define ' +
          `${system.value} under accounts, or fix the name.`,
      ),
    ];
  });

/** `jetstream-on-system-account`: nats-server refuses to start with it. */
export const jetstreamOnSystemAccount: LintRule = (sites) =>
  sites.flatMap((site): LintFinding[] => {
    const name = site.systemAccount?.value ?? DEFAULT_SYSTEM_ACCOUNT;
    const jetstream = site.accounts.get(name)?.jetstream;
    if (!jetstream?.value) return [];
    return [
      finding(
        'error',
        'jetstream-on-system-account',
        jetstream.at,
        `the system account ${name} enables jetstream: nats-server refuses to start ("Not ` +
          'allowed to enable JetStream on the system account"). Remove this jetstream block; ' +
          "JetStream belongs to the bucket's own account.",
      ),
    ];
  });

/** `jetstream-not-enabled`: the server, or the bucket's account, has no JetStream. */
export const jetstreamNotEnabled: LintRule = (sites, options) =>
  sites.flatMap((site): LintFinding[] => {
    const found: LintFinding[] = [];
    if (!site.jetstream?.value) {
      found.push(
        finding(
          'error',
          'jetstream-not-enabled',
          site.jetstream?.at ?? site.top,
          'this server does not run JetStream, so no account gets it here and no replica of ' +
            `the bucket ${options.bucket} can be placed on it. Add jetstream { store_dir: ... }.`,
        ),
      );
    }
    const account = site.accounts.get(options.account);
    if (!account || account.jetstream?.value) return found;
    const isSystem = options.account === (site.systemAccount?.value ?? DEFAULT_SYSTEM_ACCOUNT);
    const fix = isSystem
      ? 'It is the system account, which can never have JetStream: put the bucket in an ' +
        'account of its own.'
      : 'Add jetstream { max_memory: 256M, max_file: 1G } (or your limits) to it.';
    found.push(
      finding(
        'error',
        'jetstream-not-enabled',
        account.jetstream?.at ?? account.at,
        `account ${options.account}, which holds the bucket ${options.bucket}, has no JetStream: ` +
          `opening or creating the bucket fails with 10039 "JetStream not enabled for account". ${fix}`,
      ),
    );
    return found;
  });

/**
 * `anonymous-allowed`: with no user outside the system account, nats-server requires no
 * authentication and puts anonymous clients (and unknown NKeys) into the global account $G, as
 * measured on a site whose accounts file held only SYS users. A site lacking the bucket's
 * account is reported too: its agents cannot log in, and it is one step from that state.
 */
export const anonymousAllowed: LintRule = (sites, options) =>
  sites.flatMap((site): LintFinding[] => {
    const system = site.systemAccount?.value ?? DEFAULT_SYSTEM_ACCOUNT;
    const users =
      site.globalUsers +
      [...site.accounts.values()]
        .filter((account) => account.name !== system)
        .reduce((sum, account) => sum + account.users.length, 0);
    const lacksBucketAccount = !site.accounts.has(options.account);
    const at = site.accountsAt ?? site.top;
    const found: LintFinding[] = [];

    if (users === 0) {
      const also = lacksBucketAccount ? `; the bucket's account ${options.account} is missing` : '';
      found.push(
        finding(
          'error',
          'anonymous-allowed',
          at,
          `no user is defined outside the system account ${system}${also}: nats-server then ` +
            'requires no authentication and lets anonymous clients and unknown NKeys into the ' +
            `global account $G. Define ${options.account} with the same users as on the other sites.`,
        ),
      );
    } else if (lacksBucketAccount) {
      found.push(
        finding(
          'error',
          'anonymous-allowed',
          at,
          `account ${options.account} is missing: the agent's credentials are unknown here, so ` +
            'agents failing over to this site are refused, and a site left with only system ' +
            `users lets anonymous clients into $G. Define ${options.account} here as on the other sites.`,
        ),
      );
    }
    if (site.noAuthUser) {
      found.push(
        finding(
          'warning',
          'anonymous-allowed',
          site.noAuthUser.at,
          `no_auth_user '${site.noAuthUser.value}' lets every client without credentials log in ` +
            'as that user. Remove it unless anonymous access is intended.',
        ),
      );
    }
    return found;
  });
