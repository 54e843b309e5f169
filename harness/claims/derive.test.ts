import { describe, expect, it } from 'vitest';
import { deploymentSchema } from '../topology/deployment-schema.ts';
import { loadDeployment } from '../topology/load-deployment.ts';
import { adrPermissions, agentUser, resize, withAccount, withDrift, withUsers } from './derive.ts';

describe('deployment transforms', () => {
  it('resize keeps the accounts and users, moves what no longer fits to site 1', async () => {
    const { deployment } = await loadDeployment('harmony');
    const small = resize(withDrift(deployment, 3, { omitUsers: ['agent'] }), {
      sites: 2,
      serversPerSite: 1,
      replicas: 1,
    });
    expect(small.sites).toEqual({ count: 2, serversPerSite: 1 });
    expect(small.bucket).toMatchObject({ replicas: 1, homeSite: 1 });
    expect(small.client.preferredSite).toBe(2);
    expect(small.siteOverrides).toEqual({});
    expect(small.users).toEqual(deployment.users);
    expect(deploymentSchema.safeParse(small).success).toBe(true);
  });

  it('adds users after the agent, accounts, and drift merged per site, leaving the given one alone', async () => {
    const { deployment } = await loadDeployment('harmony-as-written');
    const before = structuredClone(deployment);
    const changed = withDrift(
      withDrift(
        withUsers(withAccount(deployment, 'OTHER', {}), {
          name: 'other',
          account: 'OTHER',
          role: 'admin',
        }),
        3,
        { omitUsers: ['agent'] },
      ),
      3,
      { rotatedUsers: ['agent'] },
    );
    expect(agentUser(changed).name).toBe('agent');
    expect(changed.users.at(-1)!.name).toBe('other');
    expect(changed.siteOverrides['3']).toEqual({
      omitUsers: ['agent'],
      omitAccounts: [],
      rotatedUsers: ['agent'],
    });
    expect(deployment).toEqual(before);
    expect(agentUser(changed).permissions?.publish?.allow).toEqual(adrPermissions('HARMONY'));
  });
});
