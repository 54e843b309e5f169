import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DeploymentNotFoundError, FixtureError } from '../errors.ts';
import { loadDeployment, shippedDeployments } from './load-deployment.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('loadDeployment', () => {
  it('loads every shipped deployment', async () => {
    const names = await shippedDeployments();
    expect(names).toEqual(expect.arrayContaining(['harmony', 'harmony-as-written']));
    for (const name of names) {
      const { deployment } = await loadDeployment(name);
      expect(deployment.name).toBe(name);
    }
  });

  it('keeps the ADR permissions verbatim in harmony-as-written', async () => {
    const { deployment } = await loadDeployment('harmony-as-written');
    const agent = deployment.users.find((u) => u.role === 'agent')!;
    expect(agent.permissions?.publish?.allow).toEqual([
      '$KV.HARMONY.>',
      '$JS.API.CONSUMER.>',
      '$JS.API.STREAM.>',
    ]);
    expect(deployment.client.ignoreAuthErrorAbort).toBe(false);
  });

  it.each([
    ['bad-json', '(json)'],
    ['js-on-system-account', 'accounts.SYS.jetstream'],
    ['home-site-out-of-range', 'bucket.homeSite'],
    ['user-unknown-account', 'users.0.account'],
  ])('rejects fixture %s naming the file and field %s', async (name, field) => {
    const error = await loadDeployment(fixture(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FixtureError);
    const fixtureError = error as FixtureError;
    expect(fixtureError.code).toBe('FIXTURE_INVALID');
    expect(fixtureError.file).toBe(join(fixture(name), 'deployment.json'));
    expect(fixtureError.field).toBe(field);
    expect(fixtureError.message).toContain(field);
  });

  it('names the shipped deployments when asked for an unknown one', async () => {
    const error = await loadDeployment('no-such-deployment').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentNotFoundError);
    expect((error as Error).message).toContain('harmony-as-written');
  });
});
