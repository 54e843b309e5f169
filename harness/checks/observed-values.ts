/**
 * Every place a history shows a key's value at a revision: acknowledged writes, reads, watch
 * deliveries and the final reads. Since values are unique per run and revisions are stream
 * sequences (unique across the bucket), a value has one revision and a revision one value;
 * sightings that disagree show a write stored twice or a read that invented its answer.
 */
import type { Evidence, History } from '../history/types.ts';
import { pairOperations } from './operations.ts';
import { isFinalRead, isInvoke, isWatchEvent } from './records.ts';

/** A value of a key at a revision, and the record that showed it. */
export interface Sighting {
  key: string;
  /** null: a delete or purge marker. */
  value: string | null;
  revision: number;
  record: number;
  source: 'write' | 'get' | 'watch' | 'final-read';
}

/** Every value any invoke wrote, including writes that failed or never completed. */
export function writtenValues(history: History): Set<string> {
  const values = new Set<string>();
  for (const record of history.records) {
    if (isInvoke(record) && record.value !== undefined) values.add(record.value);
  }
  return values;
}

/** All sightings of the history with a revision (revision 0 means "no value" and is skipped). */
export function collectSightings(history: History): Sighting[] {
  const sightings: Sighting[] = [];
  const add = (sighting: Sighting) => {
    if (sighting.revision > 0) sightings.push(sighting);
  };

  for (const { invoke, completion } of pairOperations(history)) {
    if (completion?.type !== 'ok' || completion.revision === undefined) continue;
    const key = invoke.key ?? completion.key;
    if (key === undefined) continue;
    const { revision, index: record } = completion;

    if (invoke.op === 'get') {
      add({ key, value: completion.value ?? null, revision, record, source: 'get' });
    } else if (invoke.op === 'delete') {
      add({ key, value: null, revision, record, source: 'write' });
    } else if (invoke.value !== undefined) {
      add({ key, value: invoke.value, revision, record, source: 'write' });
    }
  }

  for (const record of history.records) {
    if (isWatchEvent(record)) {
      const { key, value, revision, index } = record;
      add({ key, value, revision, record: index, source: 'watch' });
    }
    if (isFinalRead(record) && record.error === undefined) {
      const { key, value, revision, index } = record;
      add({ key, value, revision, record: index, source: 'final-read' });
      for (const entry of record.history ?? []) {
        add({
          key,
          value: entry.value,
          revision: entry.revision,
          record: index,
          source: 'final-read',
        });
      }
    }
  }
  return sightings;
}

/**
 * Sightings that contradict each other: one value at two revisions (a write stored twice), or
 * one revision holding two different key/values (a read that does not match what was stored).
 */
export function findConflicts(sightings: readonly Sighting[]): Evidence[] {
  const byValue = groupBy(
    sightings.filter((s) => s.value !== null),
    (s) => s.value ?? '',
  );
  const byRevision = groupBy(sightings, (s) => s.revision);
  const evidence: Evidence[] = [];

  for (const [value, seen] of byValue) {
    const revisions = distinct(seen.map((s) => s.revision));
    if (revisions.length < 2) continue;
    evidence.push({
      message: `value ${value} seen at ${revisions.length} revisions (${revisions.join(', ')})`,
      records: distinct(seen.map((s) => s.record)),
    });
  }

  for (const [revision, seen] of byRevision) {
    // Each content with where it was seen: a watch delivery that no write or read agrees with
    // is a write the stream showed and then gave its revision to another.
    const inOrder = [...seen].sort((x, y) => x.record - y.record);
    const byContent = groupBy(inOrder, (s) => `${s.key}=${s.value ?? '(deleted)'}`);
    if (byContent.size < 2) continue;
    const contents = [...byContent].map(([content, at]) => `${content} (${sourcesOf(at)})`);
    evidence.push({
      message: `revision ${revision} seen holding ${contents.join(' and ')}`,
      records: distinct(seen.map((s) => s.record)),
    });
  }
  return evidence;
}

/** Where sightings come from, each named once, in alphabetical order. */
function sourcesOf(sightings: readonly Sighting[]): string {
  return distinct(sightings.map((s) => s.source))
    .sort()
    .join(', ');
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function distinct<T extends string | number>(items: readonly T[]): T[] {
  return [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
