import { badRequestBody, invalidStream, invalidToxicType } from './api-error.ts';

/** The toxic types this server implements, with Toxiproxy's names. */
export const TOXIC_TYPES = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
] as const;

export type ToxicType = (typeof TOXIC_TYPES)[number];

/** `upstream` acts on client-to-server bytes, `downstream` on server-to-client bytes. */
export type ToxicStream = 'upstream' | 'downstream';

/** Each type's attributes; all are whole numbers, in the units Toxiproxy documents. */
export interface ToxicAttributes {
  /** Milliseconds added to every chunk, plus or minus up to `jitter` milliseconds. */
  latency: { latency: number; jitter: number };
  /** Kilobytes (1000 bytes) per second. */
  bandwidth: { rate: number };
  /** Milliseconds a close waits before it is passed on. */
  slow_close: { delay: number };
  /** Milliseconds until the connection is closed; 0 holds it open. Data is dropped meanwhile. */
  timeout: { timeout: number };
  /** Milliseconds after the first data until both sides get a TCP RST. */
  reset_peer: { timeout: number };
  /** Slice sizes in bytes and the pause between slices in microseconds. */
  slicer: { average_size: number; size_variation: number; delay: number };
  /** Bytes let through before the connection is closed. */
  limit_data: { bytes: number };
}

/** One toxic as the API shows it, typed by its `type`. */
export type ToxicSpec = {
  [T in ToxicType]: {
    name: string;
    type: T;
    stream: ToxicStream;
    /** Chance, drawn once per connection, that the toxic acts on it. */
    toxicity: number;
    attributes: ToxicAttributes[T];
  };
}[ToxicType];

/** The fields of a toxic that are known before its attributes are read. */
export type ToxicHeader = Omit<ToxicSpec, 'attributes'>;

const DEFAULT_ATTRIBUTES: { [T in ToxicType]: ToxicAttributes[T] } = {
  latency: { latency: 0, jitter: 0 },
  bandwidth: { rate: 0 },
  slow_close: { delay: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 0, size_variation: 0, delay: 0 },
  limit_data: { bytes: 0 },
};

function isToxicType(value: string): value is ToxicType {
  return (TOXIC_TYPES as readonly string[]).includes(value);
}

function asObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequestBody(`${what} must be a JSON object`);
  }
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequestBody(`field "${field}" must be a string`);
  return value;
}

function optionalNumber(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequestBody(`field "${field}" must be a number`);
  }
  return value;
}

/**
 * Reads a create request up to the point where Toxiproxy checks for a duplicate name: stream
 * (default `downstream`), name (default `<type>_<stream>`), type and toxicity (default 1).
 */
export function parseToxicHeader(body: unknown): ToxicHeader {
  const input = asObject(body, 'toxic');
  const stream = optionalString(input, 'stream') || 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream') throw invalidStream();

  const type = optionalString(input, 'type') ?? '';
  const name = optionalString(input, 'name') || `${type}_${stream}`;
  if (!isToxicType(type)) throw invalidToxicType();

  const toxicity = optionalNumber(input, 'toxicity') ?? 1;
  return { name, type, stream, toxicity };
}

/**
 * Reads `attributes` over `base`: fields left out keep their value, unknown fields are ignored
 * (as Go's decoder does), and every known field must be a whole number of at least 0.
 */
export function parseAttributes<T extends ToxicType>(
  type: T,
  raw: unknown,
  base: ToxicAttributes[T] = DEFAULT_ATTRIBUTES[type],
): ToxicAttributes[T] {
  const result: Record<string, number> = { ...(base as unknown as Record<string, number>) };
  if (raw === undefined || raw === null) return result as unknown as ToxicAttributes[T];

  const input = asObject(raw, 'attributes');
  for (const field of Object.keys(result)) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw badRequestBody(`attribute "${field}" of a ${type} toxic must be a whole number >= 0`);
    }
    result[field] = value;
  }
  return result as unknown as ToxicAttributes[T];
}

/** A full toxic from a create request. */
export function parseToxicCreate(header: ToxicHeader, body: unknown): ToxicSpec {
  const attributes = parseAttributes(header.type, asObject(body, 'toxic')['attributes']);
  return { ...header, attributes } as ToxicSpec;
}

/**
 * The toxic after an update request: only `attributes` (merged over the current ones) and
 * `toxicity` change; name, type and stream stay, as in Toxiproxy.
 */
export function parseToxicUpdate(current: ToxicSpec, body: unknown): ToxicSpec {
  const input = asObject(body, 'toxic');
  const attributes = parseAttributes(current.type, input['attributes'], current.attributes);
  const toxicity = optionalNumber(input, 'toxicity') ?? current.toxicity;
  return { ...current, attributes, toxicity } as ToxicSpec;
}

/** The JSON Toxiproxy answers with for a toxic, fields in its order. */
export function toxicJson(spec: ToxicSpec): Record<string, unknown> {
  return {
    attributes: { ...spec.attributes },
    name: spec.name,
    type: spec.type,
    stream: spec.stream,
    toxicity: spec.toxicity,
  };
}
