import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigParseError } from './config-errors.ts';
import type { ConfigValue, MapValue } from './config-tree.ts';
import { parseConfigText } from './parse-config.ts';

/** Pieces of real config syntax, so random inputs get deep into the grammar, not only errors. */
// prettier-ignore
const PIECES = [
  '{', '}', '[', ']', '(', ')', '\n)\n', ',', ';', ':', '=', ' ', '\t', '\n', '\r\n', '"', "'",
  '#', '//', '/', '\\', '\\x4', '\\n', '$', '$A', '$B.>', 'A = 1\n', 'include ', 'include "x"\n',
  'key', 'accounts', 'users', 'nkey', '1', '-', '.', '1.5', '1k', '1GB', '2Mi', '1kbb', 'true',
  'off', '127.0.0.1:4222', '2025-02-06T10:00:00Z', '2025-13', '$2a$11$x', '\u00a0', '\u0660',
  '\ufeff', '\u2028', 'é',
];

const configLike = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 60 })
  .map((parts) => parts.join(''));

const anyText = fc.oneof(configLike, fc.string({ maxLength: 200, unit: 'binary' }));

/**
 * Parses `text` with included files and environment variables drawn by the property too. The
 * outcome is either a tree or a ConfigParseError; anything else thrown escapes and fails.
 */
function outcome(
  text: string,
  includes: Record<string, string>,
  env: Record<string, string>,
): { root: MapValue; error?: never } | { root?: never; error: ConfigParseError } {
  const readFile = (path: string) => {
    const name = path.split('/').pop() ?? '';
    const found = includes[name];
    if (found === undefined) throw new Error(`no such file ${name}`);
    return found;
  };
  try {
    return { root: parseConfigText(text, '/fuzz/main.conf', { env, readFile }).root };
  } catch (err) {
    if (err instanceof ConfigParseError) return { error: err };
    throw err;
  }
}

describe('parseConfigText on any input', () => {
  it('returns a tree or throws a ConfigParseError with a real line and column, nothing else', () => {
    const files = fc.dictionary(fc.constantFrom('x', 'y.conf'), configLike, { maxKeys: 2 });
    const env = fc.dictionary(fc.constantFrom('A', 'B', 'HOME'), configLike, { maxKeys: 3 });

    fc.assert(
      fc.property(anyText, files, env, (text, includes, vars) => {
        const result = outcome(text, includes, vars);
        if (result.root) {
          expect(result.root.kind).toBe('map');
          return;
        }
        const err = result.error;
        expect(err.code).toBe('CONFIG_PARSE');
        expect(err.line).toBeGreaterThanOrEqual(1);
        expect(err.column).toBeGreaterThanOrEqual(1);
        // The error is in the main file, an included one or an environment variable's text.
        const source =
          err.file === '/fuzz/main.conf'
            ? text
            : (includes[err.file.split('/').pop() ?? ''] ?? vars[err.file.split(' ').pop() ?? '']);
        if (source !== undefined) {
          expect(err.line).toBeLessThanOrEqual(source.split('\n').length + 1);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('parses every value it printed back the same way, for generated configs', () => {
    // A round trip: generated key/value trees written out as config text read back equal.
    const key = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter((k) => !RESERVED.has(k));
    const leaf = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.boolean(),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/[\\"\x00-\x1f\x7f]/g, '')),
    );
    const tree = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    }));

    fc.assert(
      fc.property(fc.dictionary(key, tree.value, { maxKeys: 6 }), (config) => {
        const text = Object.entries(config)
          .map(([k, v]) => `${k}: ${write(v)}`)
          .join('\n');
        const root = parseConfigText(text, 'round-trip.conf', { env: {} }).root;
        expect(plain(root)).toEqual(config);
      }),
      { numRuns: 500 },
    );
  });
});

/** Words that read as something other than a key. */
const RESERVED = new Set(['include']);

function write(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(write).join(', ')} ]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${write(v)}`);
    return `{\n${entries.join('\n')}\n}`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function plain(value: ConfigValue): unknown {
  if (value.kind === 'array') return value.items.map(plain);
  if (value.kind === 'map') {
    return Object.fromEntries([...value.entries].map(([k, e]) => [k, plain(e.value)]));
  }
  return value.value;
}
