import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HTML_FILE, renderHtmlReport } from './html-report.ts';
import { formatJunit, JUNIT_FILE } from './junit-report.ts';
import type { RunResults } from './results-file.ts';
import { loadScenarioHistories } from './scenario-histories.ts';

/**
 * Writes `junit.xml` and `report.html` for `results` into `runDir`, reading each scenario's
 * history from there for the timelines. Returns the files written. A history that cannot be
 * read leaves its scenario without a timeline (the page says why); it never stops the reports.
 */
export async function writeRunReports(runDir: string, results: RunResults): Promise<string[]> {
  const stored = await loadScenarioHistories(runDir, results);
  const junit = join(runDir, JUNIT_FILE);
  const html = join(runDir, HTML_FILE);
  await writeFile(junit, formatJunit(results));
  await writeFile(html, renderHtmlReport(results, stored));
  return [junit, html];
}
