/**
 * The reports as a browser sees them: report.html loads offline with no console error, shows
 * the timeline and points at the records of the lost write; junit.xml is well-formed XML.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { skipWithoutChromium, startChromium } from './fixtures/chromium.ts';
import { fixtureRun, removeFixtureRuns } from './fixtures/fixture-run.ts';
import { HTML_FILE } from './html-report.ts';
import { JUNIT_FILE } from './junit-report.ts';
import { writeRunReports } from './write-reports.ts';

/** Screenshots are kept here (runs/ is not committed) for a person to look at. */
const SCREENSHOTS = resolve('runs/report-screenshots');

afterAll(removeFixtureRuns);
beforeEach((context) => skipWithoutChromium(context));

describe('report.html in headless Chromium', () => {
  it('loads offline with no console error, shows the timeline and the lost write', async () => {
    const { dir, results } = await fixtureRun('four-anomalies');
    await writeRunReports(dir, results);
    await using browser = await startChromium();
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });

    await page.goto(pathToFileURL(join(dir, HTML_FILE)).href, { waitUntil: 'load' });

    await expect.poll(() => page.locator('svg[data-panel="faults"] .verified').count()).toBe(1);
    for (const panel of ['faults', 'latency', 'sites', 'authorization']) {
      expect(await page.locator(`svg[data-panel="${panel}"]`).isVisible()).toBe(true);
    }
    const lost = page.locator(
      '[data-check="acknowledged-writes"] .evidence[data-records="24 25 44"]',
    );
    expect(await lost.isVisible()).toBe(true);
    expect(await lost.textContent()).toMatch(/put of agent-1:3 to a at revision 4 is lost/);
    const shown = await lost
      .locator('tr.record')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-record'))));
    expect(shown).toEqual([24, 25, 44]);
    expect(await page.locator('tr.record[data-record="25"]').first().innerText()).toMatch(
      /25\s+250\s+agent-1\s+ok\s+put\s+a\s+agent-1:3\s+4\s+site-1/,
    );

    await mkdir(SCREENSHOTS, { recursive: true });
    const screenshot = join(SCREENSHOTS, `four-anomalies-${Date.now()}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report screenshot: ${screenshot}`);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('parses junit.xml as XML with a testcase per check and the lost write in a failure', async () => {
    const { dir, results } = await fixtureRun('four-anomalies', (r) => {
      // Markup in a summary must come out as text, not as elements.
      r.scenarios[0]!.checks[0]!.summary += ' <b>&</b>';
    });
    await writeRunReports(dir, results);
    const xml = await readFile(join(dir, JUNIT_FILE), 'utf8');
    await using browser = await startChromium();
    const page = await browser.newPage();

    const parsed = await page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'application/xml');
      const cases = Array.from(doc.getElementsByTagName('testcase'));
      return {
        errors: doc.getElementsByTagName('parsererror').length,
        cases: cases.map((c) => `${c.getAttribute('classname')}/${c.getAttribute('name')}`),
        failures: cases
          .filter((c) => c.getElementsByTagName('failure').length > 0)
          .map((c) => c.getAttribute('name')),
        lost: cases
          .find((c) => c.getAttribute('name') === 'acknowledged-writes')
          ?.getElementsByTagName('failure')[0]?.textContent,
        firstMessage: cases[0]?.getElementsByTagName('failure')[0]?.getAttribute('message'),
      };
    }, xml);

    expect(parsed.errors).toBe(0);
    expect(parsed.cases).toEqual(results.scenarios[0]!.checks.map((c) => `hand-written/${c.name}`));
    expect(parsed.failures).toEqual(
      expect.arrayContaining(['credential-continuity', 'acknowledged-writes', 'kv-consistency']),
    );
    expect(parsed.lost).toMatch(/is lost: .* \(records 24, 25, 44\)/);
    expect(parsed.firstMessage).toMatch(/ <b>&<\/b>$/);
  });
});
