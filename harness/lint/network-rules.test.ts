import { describe, expect, it } from 'vitest';
import type { ConfigValue } from './config-tree.ts';
import { findingsOf, siteSet, where } from './fixture-site-sets.ts';
import type { LintFinding } from './lint-finding.ts';
import { durationMs } from './network-rules.ts';

/** Replaces the URL that site-1 dials for `gateway`. */
function site1Dials(gateway: string, urls: string) {
  return {
    'site-1.conf': (text: string) =>
      text.replace(new RegExp(`\\{ name: "${gateway}", urls: \\[[^\\]]*\\] \\}`), urls),
  };
}

const summary = (f: LintFinding) => `${where(f)} ${f.severity}`;

describe('gateway-inconsistent', () => {
  it('is quiet when names match clusters and every URL is a listen address of its site', async () => {
    expect(await findingsOf(siteSet('harmony'), 'gateway-inconsistent')).toEqual([]);
  });

  it('fires where the gateway name is not the cluster name, and where others dial it', async () => {
    const files = siteSet('harmony', {
      'site-2.conf': (t) => t.replace('gateway {\n  name: "site-2"', 'gateway {\n  name: "s2"'),
    });
    const found = await findingsOf(files, 'gateway-inconsistent');
    const errors = found.filter((f) => f.severity === 'error');
    expect(errors.map(where)).toEqual([
      'site-1.conf:26',
      'site-1.conf:26',
      'site-2.conf:23',
      'site-3.conf:27',
      'site-3.conf:27',
    ]);
    expect(errors[0]?.message).toMatch(/gateway 'site-2' is not the gateway name of any config/);
    expect(errors[1]?.message).toMatch(
      /url 'nats:\/\/127.0.0.1:12722' is where gateway 's2' listens/,
    );
    expect(errors[2]?.message).toMatch(/gateway name 's2' is not the cluster name 'site-2'/);
  });

  it('fires at a URL that is where another site listens', async () => {
    const files = siteSet(
      'harmony',
      site1Dials('site-2', '{ name: "site-2", urls: ["nats://127.0.0.1:13722"] }'),
    );
    const found = await findingsOf(files, 'gateway-inconsistent');
    expect(found.map(summary)).toEqual(['site-1.conf:26 error']);
    expect(found[0]?.message).toMatch(/is where gateway 'site-3' listens \(.*site-3\.conf:24\)/);
  });

  it('fires at a URL nats-server cannot parse', async () => {
    const files = siteSet('harmony', site1Dials('site-3', '{ name: "site-3", urls: ["x:1"] }'));
    const found = await findingsOf(files, 'gateway-inconsistent');
    expect(found.map(summary)).toEqual(['site-1.conf:27 error']);
    expect(found[0]?.message).toMatch(/error parsing gateway url/);
  });

  it('fires when one unknown URL stands for two gateways', async () => {
    const proxy = (name: string) => `{ name: "${name}", urls: ["nats://10.0.0.9:7222"] }`;
    const files = siteSet('harmony', {
      'site-1.conf': (t) =>
        site1Dials('site-3', proxy('site-3'))['site-1.conf'](
          site1Dials('site-2', proxy('site-2'))['site-1.conf'](t),
        ),
    });
    const found = await findingsOf(files, 'gateway-inconsistent');
    expect(found.map(summary)).toEqual(['site-1.conf:27 error']);
    expect(found[0]?.message).toMatch(/one address cannot lead to two sites/);
  });

  it('warns about a gateway without URLs and a site left out of the gateways', async () => {
    const noUrls = siteSet('harmony', site1Dials('site-2', '{ name: "site-2" }'));
    expect((await findingsOf(noUrls, 'gateway-inconsistent')).map(summary)).toEqual([
      'site-1.conf:26 warning',
    ]);
    const leftOut = siteSet('harmony', {
      'site-1.conf': (t) => t.replace(/ *\{ name: "site-3".*\n/, ''),
    });
    const found = await findingsOf(leftOut, 'gateway-inconsistent');
    expect(found.map(summary)).toEqual(['site-1.conf:22 warning']);
    expect(found[0]?.message).toMatch(/does not list the site 'site-3'/);
  });
});

describe('ping-too-slow', () => {
  it('is quiet with 1 s pings and ping_max 2, and with an interval in plain seconds', async () => {
    expect(await findingsOf(siteSet('harmony'), 'ping-too-slow')).toEqual([]);
    const seconds = siteSet('harmony', {
      'site-1.conf': (t) => t.replace('ping_interval: "1s"', 'ping_interval: 5'),
    });
    expect(await findingsOf(seconds, 'ping-too-slow')).toEqual([]);
  });

  it('warns where the 2-minute default is left in place', async () => {
    const files = siteSet('harmony', {
      'site-2.conf': (t) => t.replace('ping_interval: "1s"\nping_max: 2\n', ''),
    });
    const found = await findingsOf(files, 'ping-too-slow');
    expect(found.map(summary)).toEqual(['site-2.conf:1 warning']);
    expect(found[0]?.message).toMatch(/goes unnoticed for about 4 min/);
  });

  it('warns at a slow interval and at a high ping_max', async () => {
    const files = siteSet('harmony', {
      'site-3.conf': (t) => t.replace('"1s"', '"1m"').replace('ping_max: 2', 'ping_max: 5'),
    });
    const found = await findingsOf(files, 'ping-too-slow');
    expect(found.map(summary)).toEqual(['site-3.conf:5 warning', 'site-3.conf:6 warning']);
  });

  it('reads durations as nats-server does', () => {
    const text = (value: string): ConfigValue => ({
      kind: 'string',
      value,
      position: { file: 'x', line: 1, column: 1 },
    });
    expect(durationMs(text('1s'))).toBe(1000);
    expect(durationMs(text('1m30s'))).toBe(90_000);
    expect(durationMs(text('250ms'))).toBe(250);
    expect(durationMs(text('soon'))).toBeUndefined();
    expect(durationMs({ ...text(''), kind: 'integer', value: 3, raw: '3' })).toBe(3000);
  });
});
