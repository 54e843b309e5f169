import { describe, expect, it } from 'vitest';
import { FIXTURE_KEYS, findingsOf, siteSet, where } from './fixture-site-sets.ts';
import { coveredByAll, covers, overlaps, permits } from './subject-match.ts';

describe('agent-permissions-insufficient', () => {
  it('is quiet on the harmony set, whose agent has what KV needs', async () => {
    expect(await findingsOf(siteSet('harmony'), 'agent-permissions-insufficient')).toEqual([]);
  });

  it("names each subject the ADR's list leaves out, at every site's permissions", async () => {
    const found = await findingsOf(siteSet('as-written'), 'agent-permissions-insufficient');
    const missing = [
      'subscribe _INBOX.>',
      'publish $JS.API.INFO',
      'publish $JS.API.DIRECT.GET.KV_HARMONY.>',
      'publish $JS.FC.KV_HARMONY.>',
    ];
    for (const site of [1, 2, 3]) {
      const here = found.filter((f) => where(f) === `accounts-site-${site}.conf:12`);
      expect(here.map((f) => f.message.split(' is ')[0])).toEqual(missing);
    }
    expect(found).toHaveLength(12);
    expect(found[0]?.message).toMatch(/Fix: add "_INBOX\.>" to subscribe\.allow\.$/);
  });

  it('names the deny that takes away a subject KV needs', async () => {
    const files = siteSet('harmony', {
      'accounts-site-1.conf': (t) =>
        t.replace('subscribe: { allow:', 'subscribe: { deny: ["_INBOX.x.>"], allow:'),
    });
    const found = await findingsOf(files, 'agent-permissions-insufficient');
    expect(found.map(where)).toEqual(['accounts-site-1.conf:12']);
    expect(found[0]?.message).toMatch(/is denied \(by '_INBOX\.x\.>'\).*take '_INBOX\.x\.>' out/);
  });

  it('checks only the agent named, and says where the agent is not a user at all', async () => {
    const agent = { agentUser: FIXTURE_KEYS.observer };
    expect(
      await findingsOf(siteSet('as-written'), 'agent-permissions-insufficient', agent),
    ).toEqual([]);
    const stranger = { agentUser: FIXTURE_KEYS.rotatedAgent };
    const found = await findingsOf(siteSet('harmony'), 'agent-permissions-insufficient', stranger);
    expect(found.map(where)).toEqual([
      'accounts-site-1.conf:3',
      'accounts-site-2.conf:3',
      'accounts-site-3.conf:3',
    ]);
  });
});

describe('subject patterns', () => {
  it('covers: a pattern covers another when every subject of the second matches it', () => {
    expect(covers('$KV.HARMONY.>', '$KV.HARMONY.k1')).toBe(true);
    expect(covers('$KV.HARMONY.>', '$KV.HARMONY.>')).toBe(true);
    expect(covers('$KV.*.>', '$KV.HARMONY.a.b')).toBe(true);
    expect(covers('$KV.HARMONY.*', '$KV.HARMONY.>')).toBe(false);
    expect(covers('$KV.HARMONY.>', '$KV.HARMONY')).toBe(false);
    expect(covers('$JS.API.INFO', '$JS.API.INFO.x')).toBe(false);
  });

  it('coveredByAll: several patterns together can cover what none covers alone', () => {
    expect(coveredByAll(['A.*', 'A.*.>'], 'A.>')).toBe(true);
    expect(coveredByAll(['A.*'], 'A.>')).toBe(false);
    expect(coveredByAll(['A.b.>', 'A.c.>'], 'A.>')).toBe(false);
  });

  it('overlaps and permits: a deny touching any subject of a need takes it away', () => {
    expect(overlaps('_INBOX.x.>', '_INBOX.>')).toBe(true);
    expect(overlaps('$KV.OTHER.>', '$KV.HARMONY.>')).toBe(false);
    expect(permits({ deny: [] }, '_INBOX.>')).toEqual({ permitted: true });
    expect(permits({ allow: ['$KV.>'], deny: [] }, '_INBOX.>')).toEqual({
      permitted: false,
      reason: 'not-allowed',
    });
    expect(permits({ deny: ['>'] }, '_INBOX.>')).toEqual({
      permitted: false,
      reason: 'denied',
      by: '>',
    });
  });
});
