import { finding, type LintFinding, type LintRule } from './lint-finding.ts';
import type { AccountUser, SiteConfig } from './site-model.ts';
import { permits } from './subject-match.ts';

/** One subject a KV client must be allowed to use, and what breaks without it. */
interface KvRequirement {
  readonly direction: 'publish' | 'subscribe';
  readonly subject: string;
  /** What to add to the allow list; wider than `subject` where the ADR grants more. */
  readonly grant: string;
  readonly breaks: string;
}

/**
 * What nats.js KV needs, as measured against nats-server 2.9 (the ADR's list alone fails at
 * once): the ADR's subjects plus `_INBOX.>`, `$JS.API.INFO`, direct get and flow control.
 */
export function kvRequirements(bucket: string): KvRequirement[] {
  const stream = `KV_${bucket}`;
  return [
    {
      direction: 'subscribe',
      subject: '_INBOX.>',
      grant: '_INBOX.>',
      breaks:
        "every request's reply comes back on _INBOX.<nuid>.*, so the connection fails at once " +
        'with a Permissions Violation for Subscription',
    },
    {
      direction: 'publish',
      subject: `$KV.${bucket}.>`,
      grant: `$KV.${bucket}.>`,
      breaks: 'puts, creates and deletes publish there, so every write is refused',
    },
    {
      direction: 'publish',
      subject: '$JS.API.INFO',
      grant: '$JS.API.INFO',
      breaks:
        'nats.js checks the JetStream API when it opens a bucket, so creating or binding fails',
    },
    {
      direction: 'publish',
      subject: `$JS.API.STREAM.INFO.${stream}`,
      grant: '$JS.API.STREAM.>',
      breaks: `opening the bucket looks up its stream ${stream}, so views.kv() fails`,
    },
    {
      direction: 'publish',
      subject: '$JS.API.CONSUMER.>',
      grant: '$JS.API.CONSUMER.>',
      breaks: 'watch, keys and history create consumers, so they fail',
    },
    {
      direction: 'publish',
      subject: `$JS.API.DIRECT.GET.${stream}.>`,
      grant: `$JS.API.DIRECT.GET.${stream}.>`,
      breaks: 'kv.get uses direct get (KV buckets allow it by default), so every get fails',
    },
    {
      direction: 'publish',
      subject: `$JS.FC.${stream}.>`,
      grant: `$JS.FC.${stream}.>`,
      breaks:
        "a watch over many keys stalls for ever: the client cannot answer the server's " +
        'flow-control requests (the server logs a publish violation every 5 s)',
    },
  ];
}

/**
 * `agent-permissions-insufficient`: an agent user of the bucket's account whose permissions
 * leave out a subject KV needs. One finding per missing subject, at the user's `permissions`.
 */
export const agentPermissionsInsufficient: LintRule = (sites, options) =>
  sites.flatMap((site): LintFinding[] => {
    const account = site.accounts.get(options.account);
    if (!account) return [];
    const agents = options.agentUser
      ? account.users.filter((user) => user.id === options.agentUser)
      : account.users.filter((user) => user.permissions);

    if (options.agentUser && agents.length === 0) {
      return [
        finding(
          'error',
          'agent-permissions-insufficient',
          account.at,
          `the agent user ${options.agentUser} is not a user of account ${options.account} in ` +
            `${site.clusterName ? `site ${site.clusterName.value}` : site.file}: the agent ` +
            'cannot log in to this site. Add it.',
        ),
      ];
    }
    return agents.flatMap((agent) => checkAgent(site, agent, options.bucket));
  });

function checkAgent(site: SiteConfig, agent: AccountUser, bucket: string): LintFinding[] {
  const permissions = agent.permissions;
  if (!permissions) return [];
  return kvRequirements(bucket).flatMap((need): LintFinding[] => {
    const verdict = permits(permissions[need.direction], need.subject);
    if (verdict.permitted) return [];
    const problem =
      verdict.reason === 'denied' ? `is denied (by '${verdict.by}')` : `is not allowed`;
    const fix =
      verdict.reason === 'denied'
        ? `take '${verdict.by}' out of ${need.direction}.deny`
        : `add "${need.grant}" to ${need.direction}.allow`;
    return [
      finding(
        'error',
        'agent-permissions-insufficient',
        permissions.at,
        `${need.direction} ${need.subject} ${problem} for user ${agent.id}: ${need.breaks}. ` +
          `Fix: ${fix}.`,
      ),
    ];
  });
}
