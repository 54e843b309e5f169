/**
 * The timeline panels of the HTML report, drawn as inline SVG by our own code so the report
 * works offline with no script: faults as bands, operation latency, reads and writes per site,
 * authorization events. Every panel shares one time axis (history time, ms) and shades the
 * faults behind its marks, so a spike or a gap lines up with the fault that caused it.
 */
import { pairOperations, unavailableWindows, type Operation } from '../checks/index.ts';
import { MUTATIONS } from '../checks/operations.ts';
import { isCompletion, isStatus } from '../checks/records.ts';
import type { FaultRecord, History, HistoryRecord } from '../history/types.ts';
import { element, text, tooltip } from './markup.ts';

const WIDTH = 960;
const GUTTER = 170;
const LANE = 18;
const BAR = LANE - 6;
const AXIS = 22;

/** Maps history time (ms) to x; `end` is the last time anything happened. */
export interface TimeScale {
  end: number;
  x(time: number): number;
}

/** The time axis for `history`: from 0 to its last record or fault time, whichever is later. */
export function timeScale(history: History): TimeScale {
  const faultTimes = history.faults.flatMap((f) => [f.start, f.effective, f.end, f.healed]);
  const times = [...history.records.map((r) => r.time), ...faultTimes].filter(
    (t): t is number => t !== undefined,
  );
  const end = Math.max(1, ...times);
  const plot = WIDTH - GUTTER - 10;
  return { end, x: (time) => round(GUTTER + (Math.min(time, end) / end) * plot) };
}

/** Faults, one lane each: injected, verified (the black mark), healed. */
export function faultPanel(history: History, scale: TimeScale): string {
  const lanes = history.faults.map((fault, lane) => {
    const y = lane * LANE + 4;
    const unverified = fault.effective === undefined ? ' (never verified)' : '';
    const from = scale.x(fault.start);
    const ended = scale.x(fault.end ?? scale.end);
    const healed = scale.x(fault.healed ?? fault.end ?? scale.end);
    const title = tooltip(faultTitle(fault));
    const band = (cls: string, x: number, to: number) =>
      element('rect', { class: cls, x, y, width: width(x, to), height: BAR }, title);

    let verified = '';
    if (fault.effective !== undefined) {
      const x = scale.x(fault.effective);
      const mark = { class: 'verified', 'data-fault': fault.index, d: `M${x} ${y - 3}v${LANE}` };
      const tip = `fault ${fault.index} verified at ${round(fault.effective)} ms`;
      verified = band('fault-effective', x, ended) + element('path', mark, tooltip(tip));
    }
    return [
      laneLabel(`#${fault.index} ${describeFault(fault)}${unverified}`, y),
      band('fault-pending', from, ended),
      verified,
      band('fault-healing', ended, healed),
    ].join('');
  });
  const empty = history.faults.length === 0 ? laneLabel('no fault injected', 4) : '';
  return panel('faults', laneHeight(history.faults.length), scale, history, lanes.join('') + empty);
}

/**
 * Each operation at its invoke time, its latency on a log scale, coloured by outcome; a ring
 * around each operation with a record in `marked` (the evidence of a check that did not pass).
 */
export function latencyPanel(
  history: History,
  scale: TimeScale,
  marked: ReadonlySet<number> = new Set(),
): string {
  const operations = pairOperations(history);
  const latency = (op: Operation) => (op.completion?.time ?? scale.end) - op.invoke.time;
  const max = Math.max(10, ...operations.map(latency));
  const height = 8 * LANE;
  const y = (ms: number) => round(4 + height - (Math.log10(1 + ms) / Math.log10(1 + max)) * height);

  const ticks = [1, 10, 100, 1_000, 10_000, 100_000]
    .filter((ms) => ms <= max)
    .map((ms) => {
      const label = ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
      const at = { class: 'tick', x: GUTTER - 4, y: y(ms) + 4, 'text-anchor': 'end' };
      return (
        element('path', { class: 'grid', d: `M${GUTTER} ${y(ms)}H${WIDTH - 10}` }) +
        element('text', at, label)
      );
    });
  const dots = operations.map((op) => {
    const ms = latency(op);
    const where = op.completion?.site ? ` at ${op.completion.site}` : '';
    const never = op.completion ? '' : ' (never completed)';
    const tip = `${describeOperation(op)}${where}: ${op.outcome}${never}, ${round(ms)} ms`;
    const at = { cx: scale.x(op.invoke.time), cy: y(ms) };
    const dot = element(
      'circle',
      { class: op.outcome, 'data-record': op.invoke.index, ...at, r: 2.5 },
      tooltip(tip),
    );
    const isMarked = marked.has(op.invoke.index) || marked.has(op.completion?.index ?? -1);
    const ring = { class: 'marked', 'data-record': op.invoke.index, ...at, r: 6 };
    return isMarked ? dot + element('circle', ring, tooltip(`${tip}; evidence of a check`)) : dot;
  });
  const label = element('text', { class: 'lane', x: 4, y: 4 + height / 2 }, 'latency (log)');
  return panel('latency', height + 8, scale, history, label + ticks.join('') + dots.join(''));
}

/**
 * Reads and writes per site: each operation a bar from invoke to completion at the site it
 * completed on (or where its process was last seen), coloured by outcome, with the windows in
 * which a process could not read or write laid over it.
 */
export function sitePanel(history: History, scale: TimeScale): string {
  const operations = pairOperations(history).filter((op) => kindOf(op) !== undefined);
  const lastSite = new Map<string, string>();
  const placed = operations.map((op) => {
    const site = op.completion?.site ?? op.invoke.site ?? lastSite.get(op.invoke.process);
    if (site !== undefined) lastSite.set(op.invoke.process, site);
    return { op, site: site ?? 'unknown site', kind: kindOf(op)! };
  });
  const lanes = [...new Set(placed.map((p) => p.site))]
    .sort()
    .flatMap((site) => (['write', 'read'] as const).map((kind) => ({ site, kind })));
  const laneY = (site: string, kind: string) =>
    lanes.findIndex((l) => l.site === site && l.kind === kind) * LANE + 4;

  const labels = lanes.map((l, i) => laneLabel(`${l.site} ${l.kind}s`, i * LANE + 4));
  const bars = placed.map(({ op, site, kind }) => {
    const from = scale.x(op.invoke.time);
    const to = scale.x(op.completion?.time ?? scale.end);
    const box = { x: from, y: laneY(site, kind), width: width(from, to), height: BAR };
    const attributes = { class: op.outcome, 'data-record': op.invoke.index, ...box };
    return element('rect', attributes, tooltip(`${describeOperation(op)}: ${op.outcome}`));
  });
  const windows = unavailableWindows(history).flatMap((w) =>
    w.sites.map((site) => {
      const from = scale.x(w.start);
      const to = scale.x(w.end);
      const ms = round(w.end - w.start);
      const tip = `${w.kind}s of ${w.process} unavailable for ${ms} ms (records ${w.records.join(', ')})`;
      const box = { x: from, y: laneY(site, w.kind) - 2, width: width(from, to), height: LANE - 2 };
      return element('rect', { class: 'unavailable', ...box }, tooltip(tip));
    }),
  );
  const empty = lanes.length === 0 ? laneLabel('no read or write recorded', 4) : '';
  const content = labels.join('') + bars.join('') + windows.join('') + empty;
  return panel('sites', laneHeight(lanes.length), scale, history, content);
}

/**
 * Authorization events per process: authorization and permission errors (from operations and
 * from the connection's status), connections closed (for good after an error, or by the run
 * ending), and reconnects for context.
 */
export function authorizationPanel(history: History, scale: TimeScale): string {
  const events = history.records.filter(isAuthorizationEvent);
  const processes = [...new Set(events.map((r) => r.process))].sort();
  const marks = events.map((record) => {
    const x = scale.x(record.time);
    const y = processes.indexOf(record.process) * LANE + 4 + BAR / 2;
    const error = 'error' in record ? record.error : undefined;
    const status = isStatus(record) ? record.status : record.type;
    // A close with an error ended the connection for good; one without is the run stopping it.
    const closed = error ? 'closed' : 'closed-plain';
    const kind = status === 'closed' ? closed : error ? 'denied' : 'reconnect';
    const why = error ? `: ${error.class}: ${error.message}` : '';
    const tip = `#${record.index} ${record.process} ${status}${why}`;
    const d =
      status === 'closed'
        ? `M${x - 5} ${y - 5}l10 10m0 -10l-10 10`
        : kind === 'denied'
          ? `M${x} ${y - 6}l5 6l-5 6l-5 -6z`
          : `M${x} ${y - 5}v10`;
    return element('path', { class: kind, d, 'data-record': record.index }, tooltip(tip));
  });
  const labels = processes.map((p, i) => laneLabel(p, i * LANE + 4));
  const empty = events.length === 0 ? laneLabel('no authorization event', 4) : '';
  const content = labels.join('') + marks.join('') + empty;
  return panel('authorization', laneHeight(processes.length), scale, history, content);
}

/** What a fault hit, as `kind target`. */
export function describeFault(fault: FaultRecord): string {
  const { site, server, link } = fault.target;
  return `${fault.kind} ${server ?? link ?? site ?? ''}`.trim();
}

function isAuthorizationEvent(record: HistoryRecord): boolean {
  const errorClass = 'error' in record ? record.error?.class : undefined;
  const credential = errorClass === 'authorization' || errorClass === 'permission';
  if (isStatus(record)) return credential || ['closed', 'reconnect'].includes(record.status);
  return isCompletion(record) && credential;
}

function describeOperation({ invoke }: Operation): string {
  return `#${invoke.index} ${invoke.process} ${invoke.op}${invoke.key ? ` ${invoke.key}` : ''}`;
}

function kindOf({ invoke }: Operation): 'read' | 'write' | undefined {
  if (invoke.op === 'get') return 'read';
  return MUTATIONS.has(invoke.op) ? 'write' : undefined;
}

function laneHeight(lanes: number): number {
  return Math.max(1, lanes) * LANE + 8;
}

/** A panel: faults shaded behind `body`, a time axis below it. */
function panel(name: string, height: number, scale: TimeScale, history: History, body: string) {
  const shade = history.faults.map((f) => {
    const from = scale.x(f.start);
    const to = scale.x(f.healed ?? f.end ?? scale.end);
    return element('rect', { class: 'fault-shade', x: from, y: 0, width: width(from, to), height });
  });
  const total = height + AXIS;
  const attributes = {
    class: 'panel',
    'data-panel': name,
    role: 'img',
    viewBox: `0 0 ${WIDTH} ${total}`,
    width: WIDTH,
    height: total,
    xmlns: 'http://www.w3.org/2000/svg',
  };
  return element('svg', attributes, shade.join('') + body + axis(scale, height));
}

function axis(scale: TimeScale, y: number): string {
  const step = niceStep(scale.end / 8);
  const ticks: string[] = [];
  for (let t = 0; t <= scale.end; t += step) {
    const x = scale.x(t);
    const label = step >= 1000 ? `${round(t / 1000)} s` : `${round(t)} ms`;
    ticks.push(
      element('path', { class: 'axis', d: `M${x} ${y}v4` }) +
        element('text', { class: 'tick', x, y: y + 16, 'text-anchor': 'middle' }, label),
    );
  }
  return element('path', { class: 'axis', d: `M${GUTTER} ${y}H${WIDTH - 10}` }) + ticks.join('');
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
}

function laneLabel(label: string, y: number): string {
  return element('text', { class: 'lane', x: 4, y: y + LANE / 2 + 1 }, text(label));
}

function faultTitle(fault: FaultRecord): string {
  const at = (t: number | undefined) => (t === undefined ? 'never' : `${round(t)} ms`);
  return (
    `fault ${fault.index}: ${describeFault(fault)}; injected ${at(fault.start)}, verified ` +
    `${at(fault.effective)}, ended ${at(fault.end)}, healed ${at(fault.healed)}`
  );
}

function width(from: number, to: number): number {
  return round(Math.max(1, to - from));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
