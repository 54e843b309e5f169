import { describe, expect, it } from 'vitest';
import { findingsOf, siteSet, where, withoutHarmony } from './fixture-site-sets.ts';

/** The HARMONY account's jetstream block in an accounts file of the fixtures. */
const HARMONY_JETSTREAM = /( {4})jetstream: \{\n {6}max_memory: 256M\n {6}max_file: 1G\n {4}\}\n/;

describe('account rules', () => {
  it('are quiet on the harmony set', async () => {
    expect(await findingsOf(siteSet('harmony'))).toEqual([]);
  });

  describe('system-account-missing', () => {
    it('fires where system_account is not set, at the top of the config', async () => {
      const files = siteSet('harmony', {
        'site-2.conf': (t) => t.replace('system_account: "SYS"\n', ''),
      });
      const found = await findingsOf(files, 'system-account-missing');
      expect(found.map(where)).toEqual(['site-2.conf:1']);
      expect(found[0]?.severity).toBe('error');
      expect(found[0]?.message).toMatch(/Set system_account: "SYS"/);
    });

    it('fires where system_account names an account that is not defined', async () => {
      const files = siteSet('harmony', {
        'site-3.conf': (t) => t.replace('system_account: "SYS"', 'system_account: "SYSTEM"'),
      });
      const found = await findingsOf(files, 'system-account-missing');
      expect(found.map(where)).toEqual(['site-3.conf:31']);
      expect(found[0]?.message).toMatch(/names 'SYSTEM', but accounts defines no such account/);
    });
  });

  describe('jetstream-on-system-account', () => {
    it('fires at the jetstream block of the system account', async () => {
      const files = siteSet('harmony', {
        'accounts-site-1.conf': (t) =>
          t.replace('  SYS: {\n', '  SYS: {\n    jetstream: enabled\n'),
      });
      const found = await findingsOf(files, 'jetstream-on-system-account');
      expect(found.map(where)).toEqual(['accounts-site-1.conf:27']);
      expect(found[0]?.message).toMatch(/Not allowed to enable JetStream on the system account/);
    });
  });

  describe('jetstream-not-enabled', () => {
    it('fires where the bucket account has no jetstream', async () => {
      const files = siteSet('harmony', {
        'accounts-site-2.conf': (t) => t.replace(HARMONY_JETSTREAM, ''),
      });
      const found = await findingsOf(files, 'jetstream-not-enabled');
      expect(found.map(where)).toEqual(['accounts-site-2.conf:3']);
      expect(found[0]?.message).toMatch(/10039 "JetStream not enabled for account"/);
    });

    it('fires where the server runs no JetStream', async () => {
      const files = siteSet('harmony', {
        'site-1.conf': (t) => t.replace(/jetstream \{[^}]*\}\n/, ''),
      });
      const found = await findingsOf(files, 'jetstream-not-enabled');
      expect(found.map(where)).toEqual(['site-1.conf:1']);
    });

    it('fires when the bucket is put in the system account', async () => {
      const found = await findingsOf(siteSet('harmony'), 'jetstream-not-enabled', {
        account: 'SYS',
      });
      expect(found).toHaveLength(3);
      expect(found[0]?.message).toMatch(/It is the system account/);
    });
  });

  describe('anonymous-allowed', () => {
    it('fires where a site lacks the bucket account and has only system users', async () => {
      const files = siteSet('harmony', { 'accounts-site-3.conf': withoutHarmony });
      const found = await findingsOf(files, 'anonymous-allowed');
      expect(found.map(where)).toEqual(['accounts-site-3.conf:2']);
      expect(found[0]?.message).toMatch(/no user is defined outside the system account SYS/);
      expect(found[0]?.message).toMatch(/anonymous clients/);
    });

    it('warns about no_auth_user', async () => {
      const files = siteSet('harmony', {
        'site-1.conf': (t) => `${t}no_auth_user: "observer"\n`,
      });
      const found = await findingsOf(files, 'anonymous-allowed');
      expect(found.map((f) => [where(f), f.severity])).toEqual([['site-1.conf:33', 'warning']]);
    });
  });
});
