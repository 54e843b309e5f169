import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './history-builder.ts';
import {
  formatHistory,
  HistoryFormatError,
  HistoryNotFoundError,
  parseHistory,
  readHistory,
} from './history-file.ts';
import { pairOperations } from './operations.ts';

function sample() {
  const b = new HistoryBuilder();
  b.put('agent-1', 'k', 'agent-1:1', 1, { site: 'site-1', server: 'n1' });
  const pending = b.invoke('agent-1', 'put', { key: 'k', value: 'agent-1:2' });
  b.fail(b.invoke('agent-2', 'get', { key: 'k' }), { class: 'timeout', message: 'timed out' });
  b.watch('agent-1/watch', 'k', 'agent-1:1', 1);
  b.status('agent-1', 'reconnect', { site: 'site-2' });
  b.finalRead('k', 'agent-1:1', 1, { history: [{ value: 'agent-1:1', revision: 1 }] });
  b.replica({
    stream: 'KV_b',
    server: 'n1',
    site: 'site-1',
    firstSeq: 1,
    lastSeq: 1,
    messages: 1,
    leader: true,
  });
  b.fault({ kind: 'kill', target: { site: 'site-1' }, start: 15, effective: 20, end: 40 });
  return { history: b.build(), pending };
}

/** Replaces line `line` (1-based) of a JSON Lines text. */
function withLine(text: string, line: number, replacement: string): string {
  const lines = text.split('\n');
  lines[line - 1] = replacement;
  return lines.join('\n');
}

function formatError(run: () => unknown): HistoryFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof HistoryFormatError) return error;
    throw error;
  }
  throw new Error('expected a HistoryFormatError');
}

describe('parseHistory', () => {
  it('reads back what formatHistory wrote', () => {
    const { history } = sample();
    const parsed = parseHistory(formatHistory(history));
    expect(parsed.history).toEqual(history);
    expect(parsed.warnings).toEqual([]);
  });

  it('round-trips through files in a run directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'history-file-'));
    try {
      const { history } = sample();
      const text = formatHistory(history);
      await writeFile(join(dir, 'history.jsonl'), text.history);
      await writeFile(join(dir, 'faults.jsonl'), text.faults);
      expect((await readHistory(dir)).history).toEqual(history);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a run without faults.jsonl as having no faults, with a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'history-file-'));
    try {
      await writeFile(join(dir, 'history.jsonl'), formatHistory(sample().history).history);
      const parsed = await readHistory(dir);
      expect(parsed.history.faults).toEqual([]);
      expect(parsed.warnings[0]?.message).toMatch(/no faults file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('throws HistoryNotFoundError for a directory without a history', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'history-file-'));
    try {
      await expect(readHistory(dir)).rejects.toBeInstanceOf(HistoryNotFoundError);
      await expect(readHistory(dir)).rejects.toMatchObject({ code: 'HISTORY_NOT_FOUND' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a malformed line, naming the file and the line', () => {
    const text = formatHistory(sample().history);
    const broken = withLine(text.history, 3, '{"index": 2, "type": ');
    const error = formatError(() =>
      parseHistory({ ...text, history: broken, historyFile: 'runs/r1/history.jsonl' }),
    );
    expect(error.code).toBe('HISTORY_FORMAT');
    expect(error.problem).toBe('malformed-line');
    expect(error.file).toBe('runs/r1/history.jsonl');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^runs\/r1\/history\.jsonl:3: not valid JSON/);
  });

  it('rejects a record of the wrong shape, naming the field', () => {
    const text = formatHistory(sample().history);
    const line = text.history.split('\n')[2] ?? '';
    const broken = withLine(text.history, 3, line.replace('"revision":1', '"revision":"1"'));
    const error = formatError(() => parseHistory({ ...text, history: broken }));
    expect(error.problem).toBe('invalid-record');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/revision/);
  });

  it('tolerates a last line cut off by a crash, with a warning', () => {
    const text = formatHistory(sample().history);
    const cut = text.history.slice(0, text.history.length - 20);
    const parsed = parseHistory({ ...text, history: cut });
    const lines = text.history.trimEnd().split('\n').length;
    expect(parsed.history.records).toHaveLength(lines - 1);
    expect(parsed.warnings).toEqual([
      { file: 'history.jsonl', line: lines, message: expect.stringMatching(/incomplete/) },
    ]);
  });

  it('rejects a malformed last line that was written whole (ends with a newline)', () => {
    const text = formatHistory(sample().history);
    const error = formatError(() => parseHistory({ ...text, history: `${text.history}{oops\n` }));
    expect(error.problem).toBe('malformed-line');
  });

  it('rejects a history without a meta record first', () => {
    const text = formatHistory(sample().history);
    const withoutMeta = text.history.split('\n').slice(1).join('\n');
    expect(formatError(() => parseHistory({ history: withoutMeta })).problem).toBe('missing-meta');
    expect(formatError(() => parseHistory({ history: '' })).problem).toBe('missing-meta');
    const shifted = text.history.replace('"index":1,', '"index":7,');
    expect(formatError(() => parseHistory({ history: shifted })).problem).toBe(
      'index-out-of-order',
    );
  });

  it('rejects a version newer than supported', () => {
    const b = new HistoryBuilder({ meta: { version: 2 } });
    const error = formatError(() => parseHistory(formatHistory(b.build())));
    expect(error.problem).toBe('unsupported-version');
    expect(error.line).toBe(1);
  });

  it('rejects a completion that does not point at its invoke', () => {
    const b = new HistoryBuilder();
    const get = b.invoke('agent-1', 'get', { key: 'k' });
    b.ok(get, { value: null, revision: 0 });
    const text = formatHistory(b.build()).history;
    const completion = text.split('\n')[2] ?? '';

    const cases: [string, RegExp][] = [
      [completion.replace('"invoke":1', '"invoke":0'), /not an earlier invoke/],
      [completion.replace('"agent-1"', '"agent-2"'), /completion of agent-2 get/],
      [completion.replace('"op":"get"', '"op":"put"'), /completion of agent-1 put/],
      [completion.replace('"key":"k"', '"key":"other"'), /names key other/],
    ];
    for (const [line, message] of cases) {
      const error = formatError(() => parseHistory({ history: withLine(text, 3, line) }));
      expect(error.problem).toBe('unpaired-completion');
      expect(error.line).toBe(3);
      expect(error.message).toMatch(message);
    }

    const twice = `${text}${completion.replace('"index":2', '"index":3')}\n`;
    expect(formatError(() => parseHistory({ history: twice })).message).toMatch(
      /second completion/,
    );
  });

  it('rejects an unknown record type and a fault of the wrong shape', () => {
    const { history } = sample();
    const text = formatHistory(history);
    const unknown = `${text.history}{"index":${history.records.length},"type":"gossip","time":1,"process":"x"}\n`;
    expect(formatError(() => parseHistory({ history: unknown })).message).toMatch(/unknown record/);

    const faults = text.faults.replace('"kill"', '"meteor"');
    const error = formatError(() => parseHistory({ ...text, faults }));
    expect(error.file).toBe('faults.jsonl');
    expect(error.line).toBe(1);
  });
});

describe('pairOperations', () => {
  it('pairs each invoke with its completion and reads a missing one as info', () => {
    const { history, pending } = sample();
    const operations = pairOperations(history);
    expect(operations.map((o) => o.outcome)).toEqual(['ok', 'info', 'fail']);
    expect(operations[1]?.invoke.index).toBe(pending);
    expect(operations[1]?.completion).toBeUndefined();
    expect(operations[0]?.completion?.invoke).toBe(operations[0]?.invoke.index);
  });
});
