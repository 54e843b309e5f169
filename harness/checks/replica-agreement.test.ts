import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './history-builder.ts';
import { checkReplicaAgreement } from './replica-agreement.ts';

const state = { stream: 'KV_b', firstSeq: 1, lastSeq: 40, messages: 40, leader: false };

describe('replica-agreement', () => {
  it('passes when every replica holds the same messages', () => {
    const b = new HistoryBuilder();
    b.replica({ ...state, server: 'n1', site: 'site-1', leader: true });
    b.replica({ ...state, server: 'n2', site: 'site-1' });
    b.replica({ ...state, server: 'n3', site: 'site-1' });
    const result = checkReplicaAgreement(b.build());
    expect(result.verdict).toBe('pass');
    expect(result.figures).toMatchObject({ replicas: 3, streams: 1, lastSeqSpread: 0 });
  });

  it('fails when replicas disagree, naming the servers', () => {
    const b = new HistoryBuilder();
    const leader = b.replica({ ...state, server: 'n1', site: 'site-1', leader: true });
    const behind = b.replica({ ...state, server: 'n2', site: 'site-1', lastSeq: 37, messages: 37 });
    const result = checkReplicaAgreement(b.build());
    expect(result.verdict).toBe('fail');
    expect(result.figures.lastSeqSpread).toBe(3);
    expect(result.evidence[0]?.records).toEqual([leader, behind]);
    expect(result.evidence[0]?.message).toMatch(/disagree on lastSeq, messages: n1 .*; n2 /);
  });

  it('is unknown without replica observations', () => {
    expect(checkReplicaAgreement(new HistoryBuilder().build()).verdict).toBe('unknown');
  });

  it('is unknown when a replica could not be observed', () => {
    const b = new HistoryBuilder();
    b.replica({ ...state, server: 'n1', site: 'site-1' });
    const error = { class: 'connection', message: 'refused' } as const;
    const failed = b.replica({ ...state, server: 'n2', site: 'site-1', error });
    const result = checkReplicaAgreement(b.build());
    expect(result.verdict).toBe('unknown');
    expect(result.evidence[0]?.records).toEqual([failed]);
  });
});
