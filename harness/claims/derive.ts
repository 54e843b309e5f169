/**
 * Transforms of a deployment for claims whose test needs another shape than the one given:
 * fewer servers, a user in another account, drift at one site. Each returns a new deployment
 * and leaves the given one as it was; the scenario runner validates the result like a fixture.
 */
import type { Deployment, DeploymentUser } from '../topology/deployment-schema.ts';

type SiteOverride = Deployment['siteOverrides'][string];

/**
 * The same accounts, users and client on `sites` sites of `serversPerSite` servers, with the
 * bucket at `replicas` replicas. A stream's replicas live in one site, so a site of one server
 * holds R=1 at most; the bucket's home and the agent's preferred site stay where they were
 * when that site still exists, else move to site 1.
 */
export function resize(
  d: Deployment,
  shape: { sites: number; serversPerSite: number; replicas: number },
): Deployment {
  const inRange = (site: number) => (site <= shape.sites ? site : 1);
  return {
    ...d,
    sites: { count: shape.sites, serversPerSite: shape.serversPerSite },
    bucket: { ...d.bucket, replicas: shape.replicas, homeSite: inRange(d.bucket.homeSite) },
    client: { ...d.client, preferredSite: inRange(d.client.preferredSite) },
    siteOverrides: Object.fromEntries(
      Object.entries(d.siteOverrides).filter(([site]) => Number(site) <= shape.sites),
    ),
  };
}

/** The deployment's agent user (the first with role `agent`). */
export function agentUser(d: Deployment): DeploymentUser {
  const agent = d.users.find((u) => u.role === 'agent');
  if (!agent) throw new Error(`deployment ${d.name} has no agent user`);
  return agent;
}

/** Adds users after the existing ones, so the deployment's own agent stays the first agent. */
export function withUsers(d: Deployment, ...users: DeploymentUser[]): Deployment {
  return { ...d, users: [...d.users, ...users] };
}

/** Adds an account (with JetStream when `jetstream` is given). */
export function withAccount(
  d: Deployment,
  name: string,
  account: Deployment['accounts'][string],
): Deployment {
  return { ...d, accounts: { ...d.accounts, [name]: account } };
}

/** Drift at one site: users or accounts left out of its config, or users with another key. */
export function withDrift(d: Deployment, site: number, drift: Partial<SiteOverride>): Deployment {
  const current = d.siteOverrides[String(site)];
  const merged: SiteOverride = {
    omitUsers: [...(current?.omitUsers ?? []), ...(drift.omitUsers ?? [])],
    omitAccounts: [...(current?.omitAccounts ?? []), ...(drift.omitAccounts ?? [])],
    rotatedUsers: [...(current?.rotatedUsers ?? []), ...(drift.rotatedUsers ?? [])],
  };
  return { ...d, siteOverrides: { ...d.siteOverrides, [String(site)]: merged } };
}

/** The design record's own permission list for the agent, for a bucket. */
export function adrPermissions(bucket: string): string[] {
  return [`$KV.${bucket}.>`, '$JS.API.CONSUMER.>', '$JS.API.STREAM.>'];
}

/**
 * What nats.js KV needs beyond the design record's list, in the order a client runs into each:
 * replies on its inbox, the API check on open, direct gets, flow control of a large watch.
 */
export function kvNeeds(bucket: string) {
  return {
    inbox: '_INBOX.>',
    info: '$JS.API.INFO',
    directGet: `$JS.API.DIRECT.GET.KV_${bucket}.>`,
    flowControl: `$JS.FC.KV_${bucket}.>`,
  };
}
