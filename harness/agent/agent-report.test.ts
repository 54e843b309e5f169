import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../history/recorder.ts';
import type { CompletionRecord, HistoryRecord } from '../history/types.ts';
import { pollUntil } from '../wait.ts';
import { AgentReport } from './agent-report.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nats-chaos-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function recorder() {
  return new HistoryRecorder({
    runId: 'r',
    scenario: 's',
    deployment: 'd',
    backend: 'b',
    seed: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
  });
}

const line = (value: unknown) => JSON.stringify(value);
const agentRecords = (r: HistoryRecorder): HistoryRecord[] =>
  r.records.filter((x) => x.process.startsWith('agent-1'));

describe("merging an agent's report into the history", () => {
  it('pairs completions with their invokes by id, keeping the value written', () => {
    const r = recorder();
    const report = new AgentReport('agent-1', '/unused', r);
    report.mergeLine(line({ type: 'invoke', id: 1, op: 'put', key: 'k', value: 'agent-1:1' }));
    report.mergeLine(line({ type: 'invoke', id: 'g', op: 'get', key: 'k' }));
    report.mergeLine(line({ type: 'ok', id: 'g', value: 'agent-1:1', revision: 4, site: 's1' }));
    report.mergeLine(line({ type: 'ok', id: 1, revision: 4, server: 'n1', site: 'site-2' }));

    const [put, get, read, ack] = agentRecords(r) as CompletionRecord[];
    expect(put).toMatchObject({ type: 'invoke', op: 'put', value: 'agent-1:1' });
    expect(read).toMatchObject({ type: 'ok', op: 'get', invoke: get!.index, value: 'agent-1:1' });
    expect(ack).toMatchObject({ type: 'ok', op: 'put', invoke: put!.index, value: 'agent-1:1' });
    expect(report.progress).toMatchObject({ ok: 2, failed: 0, site: 'site-2', rejected: 0 });
  });

  it('refuses lines it cannot trust, counts them and keeps the first reasons', () => {
    const r = recorder();
    const report = new AgentReport('agent-1', '/unused', r);
    report.mergeLine('{not json');
    report.mergeLine(line({ type: 'ok', id: 9 }));
    report.mergeLine(line({ type: 'invoke', id: 1, op: 'probe' }));
    report.mergeLine(line({ type: 'invoke', id: 2, op: 'get', key: 'k' }));
    report.mergeLine(line({ type: 'invoke', id: 2, op: 'get', key: 'k' }));
    expect(report.progress.rejected).toBe(4);
    expect(report.progress.reasons.join('\n')).toMatch(/not JSON[^]*unknown id 9[^]*op[^]*twice/);
    expect(agentRecords(r)).toHaveLength(1);
  });

  it('records failures with their class, secrets removed, and status and watch events', () => {
    const r = recorder();
    const report = new AgentReport('agent-1', '/unused', r);
    const seed = `SU${'A'.repeat(56)}`;
    report.mergeLine(line({ type: 'invoke', id: 1, op: 'put', key: 'k', value: 'v' }));
    const error = { class: 'authorization', message: `denied for ${seed}` };
    report.mergeLine(line({ type: 'fail', id: 1, error, site: 'site-3' }));
    report.mergeLine(line({ type: 'status', status: 'disconnect' }));
    const watchEvent = { type: 'watch-event', key: 'k', value: null, revision: 5 };
    report.mergeLine(line({ ...watchEvent, operation: 'DEL' }));

    const [, fail, status, watch] = agentRecords(r);
    expect(fail).toMatchObject({ type: 'fail', error: { class: 'authorization' } });
    expect(JSON.stringify(fail)).not.toContain(seed);
    expect(status).toMatchObject({ type: 'event', op: 'status', status: 'disconnect' });
    expect(watch).toMatchObject({ process: 'agent-1/watch', watch: 'agent-1/watch' });
    expect(report.progress).toMatchObject({ ok: 0, failed: 1 });
  });

  it('tails the file as the agent appends, and merges a last line left without newline', async () => {
    const file = join(dir, 'history.jsonl');
    await writeFile(file, '');
    const r = recorder();
    const report = new AgentReport('agent-1', file, r, 10);
    await report.start();
    try {
      await appendFile(file, line({ type: 'invoke', id: 1, op: 'get', key: 'k' }) + '\n{"ty');
      await pollUntil(async () => (agentRecords(r).length === 1 ? true : undefined), {
        timeoutMs: 5000,
        intervalMs: 10,
        condition: 'the invoke merged',
      });
      await appendFile(file, 'pe":"ok","id":1,"value":null,"revision":0}');
    } finally {
      await report.stop();
    }
    expect(agentRecords(r).map((x) => x.type)).toEqual(['invoke', 'ok']);
    expect(report.progress.rejected).toBe(0);
  });
});
