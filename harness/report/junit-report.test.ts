import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRun, removeFixtureRuns } from './fixtures/fixture-run.ts';
import { formatJunit } from './junit-report.ts';

afterAll(removeFixtureRuns);

/** The `<testcase>` element of a check, whole. */
function testcase(xml: string, check: string): string {
  const found = xml.match(
    new RegExp(`<testcase classname="[^"]*" name="${check}">[\\s\\S]*?</testcase>`),
  );
  if (!found) throw new Error(`no testcase ${check} in:\n${xml}`);
  return found[0];
}

describe('formatJunit', () => {
  it('makes each failed check a failure naming its evidence records', async () => {
    const { results } = await fixtureRun('four-anomalies');

    const xml = formatJunit(results);

    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    const { checks } = results.scenarios[0]!;
    const failed = checks.filter((c) => c.verdict === 'fail').length;
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(xml).toContain(
      `<testsuite name="hand-written" tests="${checks.length}" failures="${failed}" errors="0"`,
    );
    expect(xml).toContain('<property name="deployment" value="harmony"/>');
    expect(xml).toContain('<property name="backend" value="process"/>');
    expect(xml).toContain('<property name="seed" value="1"/>');
    const writes = testcase(xml, 'acknowledged-writes');
    expect(writes).toMatch(/<failure type="fail" message="7 acknowledged writes, 1 lost/);
    expect(writes).toMatch(
      /put of agent-1:3 to a at revision 4 is lost: .* \(records 24, 25, 44\)/,
    );
    expect(testcase(xml, 'credential-continuity')).toMatch(/LOCKOUT: .* \(records 41, 42, 43\)/);
    expect(testcase(xml, 'replica-agreement')).not.toMatch(/<failure|<error/);
  });

  it('has no failure and no error for the clean history', async () => {
    const { results } = await fixtureRun('no-anomalies');

    const xml = formatJunit(results);

    const tests = results.scenarios[0]!.checks.length;
    expect(xml).toMatch(new RegExp(`<testsuites [^>]*tests="${tests}" failures="0" errors="0"`));
    expect(xml).not.toMatch(/<failure|<error/);
    expect(xml.match(/<testcase /g)).toHaveLength(tests);
  });

  it('reports an unknown check, and a scenario the harness could not finish, as errors', async () => {
    const { results } = await fixtureRun('no-anomalies', (r) => {
      const scenario = r.scenarios[0]!;
      scenario.reason = 'READINESS_TIMEOUT: meta leader not reached after 30000 ms';
      scenario.verdict = 'unknown';
      const replicas = scenario.checks.find((c) => c.name === 'replica-agreement')!;
      replicas.verdict = 'unknown';
      replicas.summary = 'no replica observed';
    });

    const xml = formatJunit(results);

    const tests = results.scenarios[0]!.checks.length + 1;
    expect(xml).toContain(
      `<testsuite name="hand-written" tests="${tests}" failures="0" errors="2"`,
    );
    expect(testcase(xml, 'scenario')).toMatch(
      /<error type="unknown" message="READINESS_TIMEOUT: meta leader not reached/,
    );
    expect(testcase(xml, 'replica-agreement')).toMatch(
      /<error type="unknown" message="no replica observed">/,
    );
  });

  it('escapes markup and drops what XML cannot hold, and never shows a seed', async () => {
    const seed = 'SUAM' + 'A'.repeat(54);
    const { results } = await fixtureRun('four-anomalies', (r) => {
      const check = r.scenarios[0]!.checks.find((c) => c.name === 'acknowledged-writes')!;
      check.summary = `a <b> & "c" 'd'\u0001 key ${seed}`;
      check.evidence = [{ message: 'x</failure><y>', records: [1] }, 'not evidence'];
    });

    const xml = formatJunit(results);

    const writes = testcase(xml, 'acknowledged-writes');
    expect(writes).toContain(
      'message="a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; key [REDACTED SEED]"',
    );
    expect(writes).toContain('- x&lt;/failure&gt;&lt;y&gt; (records 1)');
    expect(writes).toContain('- &quot;not evidence&quot;');
    expect(xml).not.toContain(seed);
    expect(xml).not.toContain('\u0001');
  });
});
