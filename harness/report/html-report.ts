/**
 * `report.html`: one self-contained page for people, readable offline and as a CI artifact. No
 * script, no stylesheet or font from anywhere: styles are inline and the charts are SVG drawn
 * by timeline-svg.ts. It shows, per scenario, the verdicts, a timeline of faults, latency,
 * reads and writes per site and authorization events, and the records behind every check that
 * did not pass.
 */
import type { History, HistoryRecord, Verdict } from '../history/types.ts';
import { describeEvidence } from './junit-report.ts';
import { attribute, element, formatFigure, text } from './markup.ts';
import type { RunResults } from './results-file.ts';
import type { ScenarioHistories } from './scenario-histories.ts';
import {
  authorizationPanel,
  describeFault,
  faultPanel,
  latencyPanel,
  sitePanel,
  timeScale,
} from './timeline-svg.ts';

/** The file name `run` and `check` write the HTML report to, in the run directory. */
export const HTML_FILE = 'report.html';

/** Records shown per piece of evidence; the rest are named by index. */
const SHOWN_RECORDS = 20;

const POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const RECORD_HEAD = tableRow(
  ['record', 'time ms', 'process', 'type', 'op', 'key', 'value', 'revision', 'site', 'error'],
  'th',
);

type ScenarioResults = RunResults['scenarios'][number];
type CheckResults = ScenarioResults['checks'][number];

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1000px}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em;border-top:1px solid #ccc;padding-top:1em}
h3{font-size:1em;margin-bottom:.3em}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
.verdict-pass,.verdict-fail,.verdict-unknown{font-weight:bold}
.verdict-pass{color:#1b5e20}.verdict-fail{color:#b71c1c}.verdict-unknown{color:#e65100}
.legend span{margin-right:1em}.swatch{display:inline-block;width:10px;height:10px;margin-right:3px}
svg.panel{display:block;margin:.2em 0 1em}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .tick{fill:#666}
.ok{fill:#2e7d32}.fail{fill:#c62828}.info{fill:#f9a825}
.fault-shade{fill:#7e57c2;opacity:.08}.fault-pending{fill:#b39ddb}.fault-effective{fill:#5e35b1}
.fault-healing{fill:#d1c4e9}.verified{stroke:#000;stroke-width:2}
.marked{fill:none;stroke:#000;stroke-width:1.5}.unavailable{fill:#c62828;opacity:.25}
.grid{stroke:#eee}.axis{stroke:#999}
.denied{fill:#c62828}.closed{stroke:#000;stroke-width:2}.closed-plain{stroke:#bbb;stroke-width:1.5}
.reconnect{stroke:#888;stroke-width:2}
.records td{font-family:ui-monospace,monospace;font-size:12px}.evidence{margin:.8em 0}
`;

/** Renders the run as one HTML page. `stored` supplies the histories the timelines need. */
export function renderHtmlReport(results: RunResults, stored: ScenarioHistories): string {
  const title = `nats-chaos: ${results.deployment} on ${results.backend}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load from anywhere: the report must work offline, also as a saved artifact.
    element('meta', { 'http-equiv': 'Content-Security-Policy', content: POLICY }),
    `<title>${text(title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${text(title)}: ${verdictMark(results.verdict)}</h1>`,
    `<p>Started ${text(results.startedAt)}, ${Math.round(results.durationMs / 1000)} s; ` +
      `replay with <code>--seed ${text(results.seed)}</code>.</p>`,
    verdictTable(results),
    ...results.scenarios.map((s) => scenarioSection(s, stored)),
    '</body></html>',
    '',
  ].join('\n');
}

function verdictTable(results: RunResults): string {
  const rows = results.scenarios.flatMap((s) => [
    tableRow([
      element('a', { href: `#${anchor(s.name)}` }, text(s.name)),
      '(scenario)',
      verdictMark(s.verdict),
      text(s.reason ?? ''),
    ]),
    ...s.checks.map((c) => tableRow(['', text(c.name), verdictMark(c.verdict), text(c.summary)])),
  ]);
  const head = tableRow(['scenario', 'check', 'verdict', 'summary'], 'th');
  return element('table', { class: 'verdicts' }, head + rows.join(''));
}

function scenarioSection(scenario: ScenarioResults, stored: ScenarioHistories): string {
  const history = stored.histories.get(scenario.name);
  const why = stored.missing.get(scenario.name);
  const figures = Object.entries(scenario.figures)
    .map(([name, value]) => `${text(name)} ${formatFigure(value)}`)
    .join(', ');
  return [
    `<section class="scenario" id="${anchor(scenario.name)}" ` +
      `data-scenario="${attribute(scenario.name)}">`,
    `<h2>${text(scenario.name)}: ${verdictMark(scenario.verdict)}</h2>`,
    scenario.reason ? `<p>Could not decide: ${text(scenario.reason)}</p>` : '',
    figures ? `<p>Figures: ${figures}</p>` : '',
    ...scenario.notes.map((note) => `<p class="note">${text(note)}</p>`),
    history === undefined
      ? element('p', { class: 'missing' }, `No timeline: ${text(why ?? 'no history')}`)
      : timeline(history, markedRecords(scenario)),
    ...scenario.checks
      .filter((c) => c.verdict !== 'pass')
      .map((c) => checkSection(scenario.name, c, history)),
    '</section>',
  ].join('\n');
}

/** The records the evidence of the scenario's checks that did not pass points at. */
function markedRecords(scenario: ScenarioResults): Set<number> {
  const marked = new Set<number>();
  for (const check of scenario.checks) {
    if (check.verdict === 'pass') continue;
    for (const evidence of check.evidence) {
      const records = (evidence as { records?: unknown } | null)?.records;
      if (!Array.isArray(records)) continue;
      for (const r of records) if (typeof r === 'number') marked.add(r);
    }
  }
  return marked;
}

function timeline(history: History, marked: ReadonlySet<number>): string {
  const scale = timeScale(history);
  // A colour is a swatch's background; anything with a colon is the swatch's whole style.
  const swatch = (look: string) => (look.includes(':') ? look : `background:${look}`);
  const legend = (entries: [string, string][]) => {
    const items = entries.map(([look, label]) => {
      const sample = element('span', { class: 'swatch', style: swatch(look) }, ' ');
      return `<span>${sample}${text(label)}</span>`;
    });
    return element('p', { class: 'legend' }, items.join(''));
  };
  return [
    '<h3>Faults</h3>',
    legend([
      ['#b39ddb', 'injected, not yet verified'],
      ['#5e35b1', 'in effect (black mark: verified)'],
      ['#d1c4e9', 'healing'],
    ]),
    faultPanel(history, scale),
    '<h3>Operation latency</h3>',
    legend([
      ['#2e7d32', 'ok'],
      ['#c62828', 'fail'],
      ['#f9a825', 'info (may or may not have happened)'],
      [
        'border:2px solid #000;border-radius:50%',
        'ringed: a record behind a check that did not pass',
      ],
    ]),
    latencyPanel(history, scale, marked),
    '<h3>Reads and writes per site</h3>',
    legend([
      ['#2e7d32', 'ok'],
      ['#c62828', 'fail'],
      ['#f9a825', 'info'],
      ['rgba(198,40,40,.25)', 'unavailable window'],
    ]),
    sitePanel(history, scale),
    '<h3>Authorization events</h3>',
    legend([
      ['#c62828', 'authorization or permission error'],
      ['#000', 'connection closed for good by an error'],
      ['#bbb', 'connection closed without error (the run ended it)'],
      ['#888', 'reconnect'],
    ]),
    authorizationPanel(history, scale),
  ].join('\n');
}

function checkSection(scenario: string, check: CheckResults, history: History | undefined) {
  const heading = check.verdict === 'fail' ? 'failed' : 'undecided';
  const items = check.evidence.map((evidence) => evidenceItem(evidence, history));
  return [
    `<div class="check" data-check="${attribute(check.name)}" data-verdict="${check.verdict}">`,
    `<h3>${text(check.name)} ${heading}: ${text(check.summary)}</h3>`,
    items.length > 0 ? items.join('\n') : '<p>No evidence recorded.</p>',
    '</div>',
  ].join('\n');
}

function evidenceItem(evidence: unknown, history: History | undefined): string {
  const { records, faults } = (evidence ?? {}) as { records?: unknown; faults?: unknown };
  const indexes = Array.isArray(records) ? records.filter((r) => typeof r === 'number') : [];
  const faultIndexes = Array.isArray(faults) ? faults.filter((f) => typeof f === 'number') : [];
  const shown = indexes.slice(0, SHOWN_RECORDS);
  const rest = indexes.slice(SHOWN_RECORDS);

  const rows = shown.map((index) => recordRow(index, history?.records[index]));
  const faultList = faultIndexes.flatMap((index) => {
    const fault = history?.faults[index];
    return fault ? [`fault #${index} ${describeFault(fault)}`] : [`fault #${index}`];
  });
  return [
    `<div class="evidence" data-records="${indexes.join(' ')}">`,
    `<p>${text(describeEvidence(evidence).slice(2))}</p>`,
    faultList.length > 0 ? `<p>Faults: ${text(faultList.join(', '))}</p>` : '',
    rows.length > 0 ? element('table', { class: 'records' }, RECORD_HEAD + rows.join('')) : '',
    rest.length > 0 ? `<p>and ${rest.length} more records: ${rest.join(', ')}</p>` : '',
    '</div>',
  ].join('');
}

function recordRow(index: number, record: HistoryRecord | undefined): string {
  const open = `<tr class="record" data-record="${index}">`;
  if (record === undefined) {
    return `${open}<td>${index}</td><td colspan="9">not in the history</td></tr>`;
  }
  const field = (name: string) => {
    const value = (record as unknown as Record<string, unknown>)[name];
    return value === undefined ? '' : text(value === null ? 'null' : value);
  };
  const error =
    'error' in record && record.error ? `${record.error.class}: ${record.error.message}` : '';
  const op = 'op' in record ? record.op : '';
  const detail = 'status' in record ? `${op} ${record.status}` : op;
  const cells = [
    String(index),
    String(Math.round(record.time)),
    text(record.process),
    text(record.type),
    text(detail),
    field('key'),
    field('value'),
    field('revision'),
    field('site'),
    text(error),
  ];
  return `${open}${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** A table row of cells that are markup already. */
function tableRow(cells: readonly string[], tag: 'td' | 'th' = 'td'): string {
  return `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
}

function verdictMark(verdict: Verdict): string {
  return `<span class="verdict-${verdict}">${verdict.toUpperCase()}</span>`;
}

function anchor(name: string): string {
  return `scenario-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
