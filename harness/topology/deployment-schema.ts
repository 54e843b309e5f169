import { z } from 'zod';

/**
 * The schema of a deployment fixture (`deployment.json`): everything the harness needs to
 * render one nats-server config per server and to connect the agent. Names follow NATS:
 * a site is one cluster, sites are linked by gateways.
 */

const subjectList = z.array(z.string().min(1)).default([]);

const permissionsSchema = z
  .object({
    publish: z.object({ allow: subjectList, deny: subjectList }).partial().optional(),
    subscribe: z.object({ allow: subjectList, deny: subjectList }).partial().optional(),
  })
  .strict();

const userSchema = z
  .object({
    /** A name for people and logs; NATS itself knows the user by its NKey. */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    account: z.string().min(1),
    /** What the harness uses the user for. */
    role: z.enum(['agent', 'observer', 'admin']),
    permissions: permissionsSchema.optional(),
  })
  .strict();

const accountSchema = z
  .object({
    jetstream: z
      .object({
        maxMemory: z.string().regex(/^\d+[KMG]?$/, 'a size such as 256M'),
        maxFile: z.string().regex(/^\d+[KMG]?$/, 'a size such as 1G'),
        maxStreams: z.number().int().positive().optional(),
        maxConsumers: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A change to one site's view of the accounts, to model configuration drift. */
const siteOverrideSchema = z
  .object({
    /** Users (by name) missing from this site's accounts file. */
    omitUsers: z.array(z.string()).default([]),
    /** Accounts missing from this site's accounts file. */
    omitAccounts: z.array(z.string()).default([]),
    /** Users whose NKey at this site is another one than at the other sites. */
    rotatedUsers: z.array(z.string()).default([]),
  })
  .strict();

export const deploymentSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    sites: z
      .object({
        count: z.number().int().min(1).max(9),
        serversPerSite: z.number().int().min(1).max(7),
      })
      .strict(),
    systemAccount: z.string().min(1),
    accounts: z.record(
      z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'upper-case account name'),
      accountSchema,
    ),
    users: z.array(userSchema).min(1),
    bucket: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a KV bucket name'),
        account: z.string().min(1),
        replicas: z.number().int().min(1).max(5),
        /** The site the bucket's stream is placed in; its replicas all live there. */
        homeSite: z.number().int().min(1),
        history: z.number().int().min(1).max(64).default(5),
      })
      .strict(),
    client: z
      .object({
        /** nats.js closes a connection for good after two authorization errors unless true. */
        ignoreAuthErrorAbort: z.boolean(),
        /** The site the agent prefers; the others follow in order, for failover. */
        preferredSite: z.number().int().min(1),
        reconnectTimeWaitMs: z.number().int().positive().default(250),
        requestTimeoutMs: z.number().int().positive().default(2000),
      })
      .strict(),
    server: z
      .object({
        /** Short pings notice a dead route or gateway within seconds (the default is 2 min). */
        pingIntervalSeconds: z.number().int().positive().default(1),
        pingMax: z.number().int().positive().default(2),
      })
      .strict()
      .default({ pingIntervalSeconds: 1, pingMax: 2 }),
    siteOverrides: z
      .record(z.string().regex(/^\d+$/, 'a site number'), siteOverrideSchema)
      .default({}),
  })
  .strict()
  .superRefine((d, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (!(d.systemAccount in d.accounts)) {
      issue(['systemAccount'], `account '${d.systemAccount}' is not defined in 'accounts'`);
    }
    if (d.accounts[d.systemAccount]?.jetstream) {
      issue(
        ['accounts', d.systemAccount, 'jetstream'],
        'nats-server refuses JetStream on the system account',
      );
    }
    d.users.forEach((u, i) => {
      if (!(u.account in d.accounts))
        issue(['users', i, 'account'], `account '${u.account}' is not defined`);
    });
    for (const role of ['agent', 'observer'] as const) {
      if (!d.users.some((u) => u.role === role))
        issue(['users'], `needs a user with role '${role}'`);
    }
    if (!(d.bucket.account in d.accounts))
      issue(['bucket', 'account'], `account '${d.bucket.account}' is not defined`);
    if (d.bucket.homeSite > d.sites.count)
      issue(['bucket', 'homeSite'], `there are only ${d.sites.count} sites`);
    if (d.client.preferredSite > d.sites.count) {
      issue(['client', 'preferredSite'], `there are only ${d.sites.count} sites`);
    }
    for (const site of Object.keys(d.siteOverrides)) {
      if (Number(site) < 1 || Number(site) > d.sites.count) {
        issue(['siteOverrides', site], `there are only ${d.sites.count} sites`);
      }
    }
  });

export type Deployment = z.infer<typeof deploymentSchema>;
export type DeploymentUser = Deployment['users'][number];
export type UserPermissions = NonNullable<DeploymentUser['permissions']>;
