import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../cli/check-command.ts';
import { fixtureRun, removeFixtureRuns } from './fixtures/fixture-run.ts';
import { HTML_FILE } from './html-report.ts';
import { JUNIT_FILE } from './junit-report.ts';

afterAll(removeFixtureRuns);

describe('nats-chaos check writes the reports', () => {
  it('writes junit.xml and report.html into the run directory it judged', async () => {
    const { dir } = await fixtureRun('four-anomalies');
    let out = '';

    const code = await checkCommand(dir, { out: (t) => (out += t), err: () => {} });

    expect(code).toBe(1);
    expect(out).toContain(`reports: ${join(dir, JUNIT_FILE)}, ${join(dir, HTML_FILE)}`);
    expect(await readFile(join(dir, JUNIT_FILE), 'utf8')).toMatch(/\(records 24, 25, 44\)/);
    expect(await readFile(join(dir, HTML_FILE), 'utf8')).toContain('data-records="24 25 44"');
  });

  it('writes them into a single scenario folder too, with its timeline', async () => {
    const { dir } = await fixtureRun('no-anomalies');
    const scenario = join(dir, 'hand-written');

    const code = await checkCommand(scenario, { out: () => {}, err: () => {} });

    expect(code).toBe(0);
    const html = await readFile(join(scenario, HTML_FILE), 'utf8');
    expect(html).toContain('data-panel="faults"');
    expect(html).not.toContain('No timeline');
    expect(await readFile(join(scenario, JUNIT_FILE), 'utf8')).not.toMatch(/<failure|<error/);
  });
});
