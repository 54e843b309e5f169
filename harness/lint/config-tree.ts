/** Where something starts in a config file: line and column count from 1. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

interface ValueBase {
  /** Where the value is written; for a `$NAME` reference, where the reference is. */
  readonly position: SourcePosition;
  /** Set when the value came from a `$NAME` reference. */
  readonly variable?: string;
}

export interface StringValue extends ValueBase {
  readonly kind: 'string';
  readonly value: string;
}

/** An integer; size suffixes (`1G`, `512MB`) are already applied. */
export interface IntegerValue extends ValueBase {
  readonly kind: 'integer';
  /** LIMITATION: beyond 2^53 the number loses precision; `raw` keeps the text. */
  readonly value: number;
  readonly raw: string;
}

export interface FloatValue extends ValueBase {
  readonly kind: 'float';
  readonly value: number;
}

/** `true`, `false`, `yes`, `no`, `on`, `off` written without quotes. */
export interface BooleanValue extends ValueBase {
  readonly kind: 'boolean';
  readonly value: boolean;
}

/** A Zulu ISO 8601 date written without quotes, e.g. `2025-02-06T00:00:00Z`. */
export interface DatetimeValue extends ValueBase {
  readonly kind: 'datetime';
  readonly value: string;
}

export interface ArrayValue extends ValueBase {
  readonly kind: 'array';
  readonly items: ConfigValue[];
}

/** A `{ ... }` block, or the whole file. A key written twice keeps its last value. */
export interface MapValue extends ValueBase {
  readonly kind: 'map';
  readonly entries: Map<string, ConfigEntry>;
}

export interface ConfigEntry {
  readonly key: string;
  readonly keyPosition: SourcePosition;
  readonly value: ConfigValue;
}

export type ConfigValue =
  StringValue | IntegerValue | FloatValue | BooleanValue | DatetimeValue | ArrayValue | MapValue;

/** A parsed config file with everything it includes merged in. */
export interface ConfigDocument {
  readonly file: string;
  readonly root: MapValue;
  /** The file itself and every file it included, in the order they were read. */
  readonly files: string[];
}

/**
 * The entry for an option name. nats-server reads option names without regard to case
 * (`Server_Name` is `server_name`), so this does too; account names are looked up exactly
 * with `map.entries.get`.
 */
export function option(map: MapValue | undefined, name: string): ConfigEntry | undefined {
  if (!map) return undefined;
  const exact = map.entries.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const [key, entry] of map.entries) if (key.toLowerCase() === lower) return entry;
  return undefined;
}

/** The first of several option names present (`publish` or `pub`). */
export function firstOption(map: MapValue | undefined, names: string[]): ConfigEntry | undefined {
  for (const name of names) {
    const found = option(map, name);
    if (found) return found;
  }
  return undefined;
}

/** The value as a map, or undefined when it is anything else. */
export function asMap(value: ConfigValue | undefined): MapValue | undefined {
  return value?.kind === 'map' ? value : undefined;
}

/** A scalar value as the text nats-server would compare; undefined for arrays and maps. */
export function asText(value: ConfigValue | undefined): string | undefined {
  if (!value || value.kind === 'array' || value.kind === 'map') return undefined;
  return value.kind === 'integer' ? value.raw : String(value.value);
}

/** A single value or a list of them, as a list (nats-server accepts both for subject lists). */
export function asList(value: ConfigValue | undefined): ConfigValue[] {
  if (!value) return [];
  return value.kind === 'array' ? value.items : [value];
}
