import { describe, expect, it } from 'vitest';
import {
  FIXTURE_KEYS,
  findingsOf,
  siteSet,
  where,
  withoutAgent,
  withoutHarmony,
  withRotatedAgent,
} from './fixture-site-sets.ts';

describe('account-drift', () => {
  it('is quiet when every site defines the same accounts, users and permissions', async () => {
    expect(await findingsOf(siteSet('harmony'), 'account-drift')).toEqual([]);
    expect(await findingsOf(siteSet('as-written'), 'account-drift')).toEqual([]);
  });

  it('is quiet on a single config: there is nothing to compare', async () => {
    const [one] = siteSet('harmony', { 'accounts-site-1.conf': withoutAgent });
    expect(await findingsOf([one!], 'account-drift')).toEqual([]);
  });

  it('fires in the site whose accounts file lacks the agent user', async () => {
    const files = siteSet('harmony', { 'accounts-site-3.conf': withoutAgent });
    const found = await findingsOf(files, 'account-drift');
    expect(found.map(where)).toEqual(['accounts-site-3.conf:3']);
    expect(found[0]?.message).toContain(`lacks user ${FIXTURE_KEYS.agent}`);
    expect(found[0]?.message).toMatch(
      /in site site-3 lacks .*which site site-1 and site site-2 define/,
    );
    expect(found[0]?.message).toMatch(/Add the user\.$/);
  });

  it('names configs by file when servers of one site differ among themselves', async () => {
    const [one, two] = siteSet('harmony', {
      'accounts-site-2.conf': withoutAgent,
      'site-2.conf': (t) => t.replace(/"site-2"/g, '"site-1"'),
    });
    const found = await findingsOf([one!, two!], 'account-drift');
    expect(found.map(where)).toEqual(['accounts-site-2.conf:3']);
    expect(found[0]?.message).toMatch(/in \S+site-2\.conf \(site site-1\) lacks user/);
  });

  it('puts both halves of an unfinished key rotation into the rotated site', async () => {
    const files = siteSet('harmony', { 'accounts-site-3.conf': withRotatedAgent });
    const found = await findingsOf(files, 'account-drift');
    expect(found.map(where)).toEqual(['accounts-site-3.conf:3', 'accounts-site-3.conf:10']);
    expect(found[0]?.message).toContain(`lacks user ${FIXTURE_KEYS.agent}`);
    expect(found[1]?.message).toContain(`user ${FIXTURE_KEYS.rotatedAgent} of account HARMONY`);
    expect(found[1]?.message).toMatch(/Rotate it on every site, or revert it here/);
  });

  it('fires where a site lacks a whole account', async () => {
    const files = siteSet('harmony', { 'accounts-site-2.conf': withoutHarmony });
    const found = await findingsOf(files, 'account-drift');
    expect(found.map(where)).toEqual(['accounts-site-2.conf:2']);
    expect(found[0]?.message).toMatch(/lacks account HARMONY/);
  });

  it('fires at an account that only one of three sites defines', async () => {
    const files = siteSet('harmony', {
      'accounts-site-1.conf': (t) => t.replace('accounts: {\n', 'accounts: {\n  EXTRA: {}\n'),
    });
    const found = await findingsOf(files, 'account-drift');
    expect(found.map(where)).toEqual(['accounts-site-1.conf:3']);
    expect(found[0]?.message).toMatch(/account EXTRA is defined in .* but not in/);
  });

  it('fires where the agent has other permissions than on the other sites', async () => {
    const files = siteSet('harmony', {
      'accounts-site-2.conf': (t) => t.replace('"_INBOX.>", "$KV.HARMONY.>"', '"_INBOX.>"'),
    });
    const found = await findingsOf(files, 'account-drift');
    expect(found.map(where)).toEqual(['accounts-site-2.conf:12']);
    expect(found[0]?.message).toMatch(/subscribe allow lacks \$KV\.HARMONY\.>/);
  });
});
