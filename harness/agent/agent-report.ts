/**
 * Reads the operations an external agent reports about itself (the file `NATS_CHAOS_HISTORY`
 * names, one JSON object per line) and merges them into the run's history as that agent's
 * records, as they arrive. The format is a small subset of the history's own, keyed by an id the
 * agent chooses per operation, so an agent never needs to know record indexes.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { ERROR_CLASSES } from '../checks/history-schema.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import { logger } from '../logger.ts';

const log = logger('agent-report');

const REPORTED_OPERATIONS = [
  'put',
  'create',
  'update',
  'delete',
  'get',
  'connect',
  'open-bucket',
  'watch',
] as const;

const error = z.object({
  class: z.enum(ERROR_CLASSES),
  message: z.string(),
  subject: z.string().optional(),
  operation: z.enum(['publish', 'subscription']).optional(),
  code: z.number().optional(),
});
const id = z.union([z.string(), z.number()]).transform(String);
const where = { server: z.string().optional(), site: z.string().optional() };

const reportLine = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('invoke'),
    id,
    op: z.enum(REPORTED_OPERATIONS),
    key: z.string().optional(),
    value: z.string().optional(),
    expectedRevision: z.number().int().nonnegative().optional(),
  }),
  z.object({
    type: z.enum(['ok', 'fail', 'info']),
    id,
    value: z.string().nullable().optional(),
    revision: z.number().int().nonnegative().optional(),
    ...where,
    error: error.optional(),
  }),
  z.object({
    type: z.literal('status'),
    status: z.enum([
      'connected',
      'disconnect',
      'reconnecting',
      'reconnect',
      'error',
      'closed',
      'stale-connection',
      'ldm',
    ]),
    ...where,
    error: error.optional(),
  }),
  z.object({
    type: z.literal('watch-event'),
    key: z.string(),
    value: z.string().nullable(),
    revision: z.number().int().nonnegative(),
    operation: z.enum(['PUT', 'DEL', 'PURGE']),
  }),
]);

/** One line of the agent's report, as the harness accepts it. */
export type ReportLine = z.infer<typeof reportLine>;

/** What the report showed so far: the agent's own count of its work. */
export interface ReportProgress {
  ok: number;
  failed: number;
  /** History time of the last `ok` merged. */
  lastOkAt?: number;
  /** The site of the last completion or status that named one. */
  site?: string;
  /** Lines refused (not JSON, not the format, an unknown or repeated id), with the first reasons. */
  rejected: number;
  reasons: string[];
}

/**
 * Tails one agent's report file and appends what it reads to the history. A line is recorded
 * when the harness reads it (every `pollMs`), so its time is up to that much later than the
 * operation. An invoke left without completion is indeterminate, as for any process.
 */
export class AgentReport {
  readonly progress: ReportProgress = { ok: 0, failed: 0, rejected: 0, reasons: [] };
  private readonly invokes = new Map<string, number>();
  private handle?: FileHandle;
  private offset = 0;
  private partial = '';
  private timer?: NodeJS.Timeout;
  private reading = Promise.resolve();

  constructor(
    private readonly agentId: string,
    private readonly file: string,
    private readonly recorder: HistoryRecorder,
    private readonly pollMs = 25,
  ) {}

  /** Starts tailing the file (which must exist). */
  async start(): Promise<void> {
    this.handle = await open(this.file, 'r');
    this.timer = setInterval(() => void this.readMore(), this.pollMs);
  }

  /** Reads what is left, merges a last line without newline, and stops. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.readMore();
    if (this.partial.trim().length > 0) this.mergeLine(this.partial);
    this.partial = '';
    await this.handle?.close();
    this.handle = undefined;
  }

  private readMore(): Promise<void> {
    // Reads one after another, so lines are merged in file order.
    this.reading = this.reading.then(async () => {
      if (!this.handle) return;
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) return;
        this.offset += bytesRead;
        const lines = (this.partial + buffer.toString('utf8', 0, bytesRead)).split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim().length > 0) this.mergeLine(line);
      }
    });
    return this.reading;
  }

  /** Checks one line and records it; a bad line is counted and its reason kept. */
  mergeLine(text: string): void {
    let parsed: ReportLine;
    try {
      const result = reportLine.safeParse(JSON.parse(text));
      if (!result.success) {
        const issue = result.error.issues[0];
        return this.reject(`${issue?.path.join('.') || 'line'}: ${issue?.message}`);
      }
      parsed = result.data;
    } catch {
      return this.reject('not JSON');
    }
    this.merge(parsed);
  }

  private merge(line: ReportLine): void {
    const { recorder, agentId } = this;
    switch (line.type) {
      case 'invoke': {
        if (this.invokes.has(line.id)) return this.reject(`invoke id ${line.id} used twice`);
        const { type: _type, id: reportId, op, ...fields } = line;
        this.invokes.set(reportId, recorder.invoke(agentId, op, fields));
        return;
      }
      case 'ok':
      case 'fail':
      case 'info': {
        const invoke = this.invokes.get(line.id);
        if (invoke === undefined) return this.reject(`completion of unknown id ${line.id}`);
        this.invokes.delete(line.id);
        const { type, id: _id, ...fields } = line;
        const written = recorder.records[invoke];
        const value = written && 'value' in written ? written.value : undefined;
        recorder.complete(invoke, type, { ...(value !== undefined ? { value } : {}), ...fields });
        this.count(type, line.site);
        return;
      }
      case 'status': {
        const { type: _type, ...fields } = line;
        recorder.append({ ...fields, type: 'event', op: 'status', process: agentId });
        if (line.site) this.progress.site = line.site;
        return;
      }
      case 'watch-event': {
        const { type: _type, ...fields } = line;
        const watch = `${agentId}/watch`;
        recorder.append({ ...fields, type: 'event', op: 'watch-event', process: watch, watch });
        return;
      }
    }
  }

  private count(type: 'ok' | 'fail' | 'info', site: string | undefined) {
    if (site) this.progress.site = site;
    if (type !== 'ok') {
      this.progress.failed++;
      return;
    }
    this.progress.ok++;
    this.progress.lastOkAt = this.recorder.now();
  }

  private reject(reason: string): void {
    this.progress.rejected++;
    if (this.progress.reasons.length < 5) this.progress.reasons.push(reason);
    log('%s: report line refused: %s', this.agentId, reason);
  }
}
