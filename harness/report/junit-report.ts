/**
 * `junit.xml`: the run's verdicts in the format CI systems show as test results. One
 * `<testsuite>` per scenario, one `<testcase>` per check (classname = scenario, name = check).
 */
import type { RunResults } from './results-file.ts';
import { attribute, formatFigure, text } from './markup.ts';

/** The file name `run` and `check` write the JUnit report to, in the run directory. */
export const JUNIT_FILE = 'junit.xml';

type ScenarioResults = RunResults['scenarios'][number];
type CheckResults = ScenarioResults['checks'][number];

/**
 * Renders `results` as JUnit XML. A `fail` check is a `<failure>` whose message is the check's
 * summary and whose body lists its evidence, each with the history records (and faults) it
 * points at. An `unknown` check is an `<error>`, not a skip: CI must not show an undecided
 * check as green or as "not run", and JUnit's error means "could not be judged". A scenario
 * the harness could not finish (`reason`) gets one more case, `scenario`, with that error.
 */
export function formatJunit(results: RunResults): string {
  const suites = results.scenarios.map((s) => suite(results, s));
  const count = (pick: (s: ScenarioResults) => number) =>
    results.scenarios.reduce((sum, s) => sum + pick(s), 0);
  const tests = count((s) => cases(s).length);
  const failures = count((s) => s.checks.filter((c) => c.verdict === 'fail').length);
  const errors = count((s) => cases(s).filter((c) => c.verdict === 'unknown').length);

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="nats-chaos ${attribute(results.deployment)}" tests="${tests}" ` +
      `failures="${failures}" errors="${errors}" time="${seconds(results.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** The checks of a scenario, plus a `scenario` case when the harness could not finish it. */
function cases(scenario: ScenarioResults): CheckResults[] {
  if (!scenario.reason && scenario.checks.length > 0) return scenario.checks;
  const summary = scenario.reason ?? 'no check judged this scenario';
  const whole = { name: 'scenario', verdict: 'unknown', summary, evidence: [], figures: {} };
  return [whole as CheckResults, ...scenario.checks];
}

function suite(results: RunResults, scenario: ScenarioResults): string {
  const all = cases(scenario);
  const failures = all.filter((c) => c.verdict === 'fail').length;
  const errors = all.filter((c) => c.verdict === 'unknown').length;
  const properties: [string, unknown][] = [
    ['deployment', results.deployment],
    ['backend', results.backend],
    ['seed', results.seed],
    ['verdict', scenario.verdict],
    ...Object.entries(scenario.figures).map(
      ([name, value]) => [`figure.${name}`, formatFigure(value)] as [string, unknown],
    ),
  ];

  return [
    `  <testsuite name="${attribute(scenario.name)}" tests="${all.length}" ` +
      `failures="${failures}" errors="${errors}" skipped="0" ` +
      `time="${seconds(scenario.durationMs)}" timestamp="${attribute(results.startedAt)}">`,
    '    <properties>',
    ...properties.map(
      ([name, value]) => `      <property name="${attribute(name)}" value="${attribute(value)}"/>`,
    ),
    '    </properties>',
    ...all.map((check) => testcase(scenario.name, check)),
    ...(scenario.notes.length > 0
      ? [`    <system-out>${text(scenario.notes.join('\n'))}</system-out>`]
      : []),
    '  </testsuite>',
  ].join('\n');
}

function testcase(scenario: string, check: CheckResults): string {
  const open = `    <testcase classname="${attribute(scenario)}" name="${attribute(check.name)}">`;
  const figures = Object.entries(check.figures)
    .map(([name, value]) => `${name}=${formatFigure(value)}`)
    .join(', ');
  const out = `      <system-out>${text(`${check.summary}\nfigures: ${figures || 'none'}`)}</system-out>`;
  if (check.verdict === 'pass') return [open, out, '    </testcase>'].join('\n');

  const element = check.verdict === 'fail' ? 'failure' : 'error';
  const body = [check.summary, ...check.evidence.map(describeEvidence)].join('\n');
  return [
    open,
    `      <${element} type="${check.verdict}" message="${attribute(check.summary)}">` +
      `${text(body)}</${element}>`,
    out,
    '    </testcase>',
  ].join('\n');
}

/**
 * One line per piece of evidence. results.json keeps evidence untyped (older checkers, other
 * writers), so anything without the usual fields is shown as JSON rather than dropped.
 */
export function describeEvidence(evidence: unknown): string {
  const { message, records, faults } = (evidence ?? {}) as {
    message?: unknown;
    records?: unknown;
    faults?: unknown;
  };
  if (typeof message !== 'string') return `- ${JSON.stringify(evidence)}`;
  const where = [
    Array.isArray(records) && records.length > 0 ? `records ${records.join(', ')}` : '',
    Array.isArray(faults) && faults.length > 0 ? `faults ${faults.join(', ')}` : '',
  ].filter(Boolean);
  return `- ${message}${where.length > 0 ? ` (${where.join('; ')})` : ''}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
