import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import {
  HISTORY_FORMAT_VERSION,
  type CompletionRecord,
  type CompletionType,
  type FaultRecord,
  type HistoryRecord,
  type InvokeRecord,
  type MetaRecord,
  type OperationName,
} from './types.ts';
import { redactSecrets } from './redact.ts';

type Without<T, K extends keyof T> = Omit<T, K>;
type NewRecord = HistoryRecord extends infer R
  ? R extends HistoryRecord
    ? Without<R, 'index' | 'time'>
    : never
  : never;

/**
 * Writes a run's history as it happens: every record goes to `history.jsonl` at once, so a
 * crash keeps what came before, and is kept in memory for the checkers. Times come from one
 * monotonic clock started with the recorder; faults share it.
 */
export class HistoryRecorder {
  readonly records: HistoryRecord[] = [];
  readonly faults: FaultRecord[] = [];
  private readonly started = performance.now();
  private historyFd?: number;
  private readonly faultsFile?: string;

  constructor(
    meta: Omit<MetaRecord, 'index' | 'time' | 'type' | 'version' | 'process'>,
    files?: { history: string; faults: string },
  ) {
    if (files) {
      this.historyFd = openSync(files.history, 'w');
      this.faultsFile = files.faults;
      writeFileSync(files.faults, '');
    }
    this.append({ ...meta, type: 'meta', version: HISTORY_FORMAT_VERSION, process: 'harness' });
  }

  get meta(): MetaRecord {
    return this.records[0] as MetaRecord;
  }

  /** Milliseconds since the run started. */
  now(): number {
    return Math.round((performance.now() - this.started) * 1000) / 1000;
  }

  /** Records a record of any kind; returns its index. */
  append(record: NewRecord): number {
    const full = { ...record, index: this.records.length, time: this.now() } as HistoryRecord;
    if ('error' in full && full.error) full.error.message = redactSecrets(full.error.message);
    this.records.push(full);
    if (this.historyFd !== undefined) writeSync(this.historyFd, JSON.stringify(full) + '\n');
    return full.index;
  }

  /** Records the start of an operation; returns the index its completion points at. */
  invoke(process: string, op: OperationName, fields: Partial<InvokeRecord> = {}): number {
    return this.append({ ...fields, type: 'invoke', process, op });
  }

  /** Records the one completion of the operation invoked at `invoke`. */
  complete(
    invoke: number,
    type: CompletionType,
    fields: Partial<Omit<CompletionRecord, 'index' | 'type' | 'invoke'>> = {},
  ): number {
    const start = this.records[invoke] as InvokeRecord;
    return this.append({
      key: start.key,
      ...fields,
      type,
      invoke,
      process: start.process,
      op: start.op,
    });
  }

  /** Records a fault as it starts; update it with `updateFault` as it takes effect and heals. */
  startFault(fault: Omit<FaultRecord, 'index' | 'start'>): FaultRecord {
    const record: FaultRecord = { ...fault, index: this.faults.length, start: this.now() };
    this.faults.push(record);
    this.writeFaults();
    return record;
  }

  /** Marks a moment of a fault's life (`effective`, `end`, `healed`) as now. */
  markFault(fault: FaultRecord, moment: 'effective' | 'end' | 'healed'): void {
    fault[moment] = this.now();
    this.writeFaults();
  }

  /** Rewrites faults.jsonl whole: a few lines, kept current so a crash loses none. */
  private writeFaults() {
    if (!this.faultsFile) return;
    writeFileSync(this.faultsFile, this.faults.map((f) => JSON.stringify(f) + '\n').join(''));
  }

  /** Closes the history file. Safe to call twice. */
  close(): void {
    if (this.historyFd !== undefined) {
      closeSync(this.historyFd);
      this.historyFd = undefined;
    }
  }
}
