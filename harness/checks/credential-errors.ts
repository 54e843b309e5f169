/**
 * Authorization and permission errors of a history: where and when they happened, which
 * subjects were denied, and which connections they closed for good (lockouts).
 */
import type { Evidence, History, RecordedError } from '../history/types.ts';
import { isCompletion, isStatus } from './records.ts';

/** The error classes that are about credentials. */
export type CredentialErrorClass = 'authorization' | 'permission';

/** One authorization or permission error, from an operation or a connection status event. */
export interface CredentialError {
  record: number;
  time: number;
  process: string;
  /** The site the record names, when it names one. */
  site: string | undefined;
  class: CredentialErrorClass;
  error: RecordedError;
}

const UNKNOWN_SITE = 'unknown site';

/**
 * Every credential error, in record order. A `closed` status repeats the error that closed the
 * connection; it is a lockout (see `findLockouts`), not one more error, so it is not counted.
 */
export function collectCredentialErrors(history: History): CredentialError[] {
  const invokeSite = new Map<number, string | undefined>();
  const errors: CredentialError[] = [];

  for (const record of history.records) {
    if (record.type === 'invoke') invokeSite.set(record.index, record.site);
    const fromOperation = isCompletion(record);
    if (!fromOperation && !(isStatus(record) && record.status !== 'closed')) continue;

    const error = record.error;
    if (error?.class !== 'authorization' && error?.class !== 'permission') continue;
    const site = record.site ?? (fromOperation ? invokeSite.get(record.invoke) : undefined);
    const { index, time, process } = record;
    errors.push({ record: index, time, process, site, class: error.class, error });
  }
  return errors;
}

/** Counts per class and per site, as figures (`authorizationErrors[site-1]`, ...). */
export function countCredentialErrors(errors: readonly CredentialError[]): Record<string, number> {
  const figures: Record<string, number> = { authorizationErrors: 0, permissionErrors: 0 };
  for (const error of errors) {
    const total = `${error.class}Errors`;
    const perSite = `${total}[${error.site ?? UNKNOWN_SITE}]`;
    figures[total] = (figures[total] ?? 0) + 1;
    figures[perSite] = (figures[perSite] ?? 0) + 1;
  }
  return figures;
}

/**
 * Errors over time: per site and class, a run of errors ends at the next `ok` operation at that
 * site (for errors naming no site: the next `ok` of that process), when the credentials worked
 * again.
 */
export function errorEpisodes(history: History, errors: readonly CredentialError[]): Evidence[] {
  const byRecord = new Map(errors.map((e) => [e.record, e]));
  const open = new Map<string, CredentialError[]>();
  const episodes: CredentialError[][] = [];

  for (const record of history.records) {
    const error = byRecord.get(record.index);
    if (error !== undefined) {
      const group = `${error.site ?? `${UNKNOWN_SITE} of ${error.process}`}\u0000${error.class}`;
      const episode = open.get(group);
      if (episode) episode.push(error);
      else open.set(group, [error]);
      continue;
    }
    if (record.type !== 'ok') continue;

    const closes = [record.site, `${UNKNOWN_SITE} of ${record.process}`];
    for (const [group, episode] of open) {
      if (!closes.includes(group.split('\u0000')[0])) continue;
      episodes.push(episode);
      open.delete(group);
    }
  }
  episodes.push(...open.values());

  return episodes.map((episode) => {
    const first = episode[0] as CredentialError;
    const last = episode.at(-1) as CredentialError;
    const where = first.site ?? `${UNKNOWN_SITE} (${first.process})`;
    return {
      message:
        `${where}: ${episode.length} ${first.class} errors ` +
        `from ${first.time} to ${last.time} ms`,
      records: episode.map((e) => e.record),
    };
  });
}

/** Each denied subject and kind of access once, with every record that was denied it. */
export function deniedSubjects(errors: readonly CredentialError[]): Evidence[] {
  const denied = new Map<string, number[]>();
  for (const { class: kind, error, record } of errors) {
    if (kind !== 'permission') continue;
    const what = `${error.operation ?? 'access'} to ${error.subject ?? 'an unnamed subject'}`;
    denied.set(what, [...(denied.get(what) ?? []), record]);
  }
  return [...denied].map(([what, records]) => ({
    message: `permission denied: ${what} (${records.length} times)`,
    records,
  }));
}

/**
 * LOCKOUTS: a connection closed for good after authorization errors. nats.js stops reconnecting
 * after two authorization errors in a row unless `ignoreAuthErrorAbort` is set, so the client
 * never comes back by itself. Errors are counted per client (process up to its first `/`, so an
 * agent and its watcher share one), and the count restarts at each `ok` or (re)connect.
 */
export function findLockouts(history: History, errors: readonly CredentialError[]): Evidence[] {
  const authorization = new Set(
    errors.filter((e) => e.class === 'authorization').map((e) => e.record),
  );
  const inARow = new Map<string, number[]>();
  const lockouts: Evidence[] = [];

  for (const record of history.records) {
    const client = record.process.split('/')[0] ?? record.process;
    if (authorization.has(record.index)) {
      inARow.set(client, [...(inARow.get(client) ?? []), record.index]);
      continue;
    }

    const reconnected = isStatus(record) && ['connected', 'reconnect'].includes(record.status);
    if (record.type === 'ok' || reconnected) inARow.delete(client);
    if (!isStatus(record) || record.status !== 'closed') continue;

    const previous = inARow.get(client) ?? [];
    if (previous.length === 0 && record.error?.class !== 'authorization') continue;
    // What closed it, when the client said: nats.js giving up, or something of the client's own.
    const closedBy = record.error
      ? ` (closed with ${record.error.class}: ${record.error.message})`
      : '';
    lockouts.push({
      message:
        `LOCKOUT: ${client}'s connection closed after ${previous.length} authorization ` +
        `errors in a row${closedBy}; it will not reconnect by itself`,
      records: [...previous, record.index],
    });
    inARow.delete(client);
  }
  return lockouts;
}
