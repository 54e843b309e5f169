import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRun, removeFixtureRuns } from './fixtures/fixture-run.ts';
import { renderHtmlReport } from './html-report.ts';
import { loadScenarioHistories } from './scenario-histories.ts';

afterAll(removeFixtureRuns);

async function report(name: 'four-anomalies' | 'no-anomalies') {
  const { dir, results } = await fixtureRun(name);
  return renderHtmlReport(results, await loadScenarioHistories(dir, results));
}

/** The `<div class="check">` of a check, whole. */
function checkSection(html: string, check: string): string {
  const found = html.match(
    new RegExp(`<div class="check" data-check="${check}"[\\s\\S]*?\n</div>`),
  );
  if (!found) throw new Error(`no section for ${check}`);
  return found[0];
}

describe('renderHtmlReport', () => {
  it('draws the timeline panels, with the fault verified where it was', async () => {
    const html = await report('four-anomalies');

    for (const panel of ['faults', 'latency', 'sites', 'authorization']) {
      expect(html).toContain(`data-panel="${panel}"`);
    }
    expect(html).toMatch(/#0 latency site-1-&gt;site-2/);
    expect(html).toContain('<title>fault 0 verified at 212 ms</title>');
    // The two authorization errors and the close of the lockout, each on its record.
    expect(html).toMatch(/class="denied" d="[^"]*" data-record="41"/);
    expect(html).toMatch(/class="denied" d="[^"]*" data-record="42"/);
    expect(html).toMatch(/class="closed" d="[^"]*" data-record="43"/);
  });

  it('shows the records behind each failed check, the lost write at 24, 25 and 44', async () => {
    const html = await report('four-anomalies');

    const writes = checkSection(html, 'acknowledged-writes');
    expect(writes).toContain('data-verdict="fail"');
    expect(writes).toContain('<div class="evidence" data-records="24 25 44">');
    expect(writes).toMatch(/put of agent-1:3 to a at revision 4 is lost/);
    for (const record of [24, 25, 44]) expect(writes).toContain(`data-record="${record}"`);
    expect(checkSection(html, 'kv-consistency')).toContain('data-records="33 30"');
    // The timeline rings the operations behind them: the put at 24 (acknowledged at 25).
    expect(html).toMatch(/<circle class="marked" data-record="24"/);
    expect(html).not.toMatch(/<circle class="marked" data-record="13"/);
    expect(html).not.toContain('data-check="replica-agreement"');
  });

  it('shows no failed check for the clean history', async () => {
    const html = await report('no-anomalies');

    expect(html).not.toContain('class="check"');
    expect(html).not.toContain('class="marked"');
    expect(html).toContain('<span class="verdict-pass">PASS</span></h1>');
  });

  it('loads nothing from anywhere and says so in its content security policy', async () => {
    const html = await report('four-anomalies');

    expect(html).toMatch(
      /http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/,
    );
    expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(|@import/i);
    // The only URL is the SVG namespace, which is a name, not something fetched.
    expect(html.match(/https?:\/\/[^"]*/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(
      true,
    );
  });

  it('says why a scenario has no timeline when its history cannot be read', async () => {
    const { dir, results } = await fixtureRun('four-anomalies', (r) => {
      r.scenarios[0]!.name = 'renamed';
    });

    const html = renderHtmlReport(results, await loadScenarioHistories(dir, results));

    expect(html).toMatch(/<p class="missing">No timeline: no history.jsonl in .*renamed/);
    // The evidence is still shown, with what is known of it.
    expect(checkSection(html, 'acknowledged-writes')).toContain('data-records="24 25 44"');
  });
});
