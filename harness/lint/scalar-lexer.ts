import {
  END,
  describe,
  isBlank,
  isDigit,
  isNewline,
  type ConfigCursor,
  type Mark,
} from './config-cursor.ts';
import type { SourcePosition } from './config-tree.ts';

/** One value that is not an array or a map, or a `$NAME` reference still to be resolved. */
export type ScalarToken =
  | { kind: 'string'; value: string; position: SourcePosition }
  | { kind: 'integer'; value: number; raw: string; position: SourcePosition }
  | { kind: 'float'; value: number; position: SourcePosition }
  | { kind: 'boolean'; value: boolean; position: SourcePosition }
  | { kind: 'datetime'; value: string; position: SourcePosition }
  | { kind: 'variable'; name: string; position: SourcePosition };

const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  on: true,
  false: false,
  no: false,
  off: false,
};

// Size suffixes as nats-server 2.9 applies them: a bare letter is a power of 1000, with `b`,
// `i` or `ib` after it a power of 1024.
const SIZE_POWERS: Record<string, number> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * Reads one scalar value starting at the cursor (blanks already skipped). Follows the value
 * rules of nats-server's lexer: quotes, `( ... )` blocks, numbers that turn into raw strings
 * when a letter follows (`1s`, `12:30`), IP addresses, dates, and unquoted raw strings, of which
 * the boolean words and `$NAME` references are special.
 */
export function readScalar(cur: ConfigCursor): ScalarToken {
  const start = cur.mark();
  const ch = cur.peek();
  if (ch === "'") return readSingleQuoted(cur, start);
  if (ch === '"') return readDoubleQuoted(cur, start);
  if (ch === '(') return readBlock(cur, start);
  if (ch === '-') return readNegativeNumber(cur, start);
  if (isDigit(ch)) return readNumberOrString(cur, start);
  if (ch === '.') cur.fail("floats must start with a digit: write '0.5', not '.5'");
  if (isNewline(ch)) cur.fail('expected a value on the same line as its key, found a new line');
  return readRaw(cur, start, '', false);
}

function readSingleQuoted(cur: ConfigCursor, start: Mark): ScalarToken {
  cur.next();
  const body = cur.mark();
  while (cur.peek() !== "'") {
    if (cur.peek() === END) unterminated(cur, start, 'single-quoted string', "'");
    cur.next();
  }
  const value = cur.since(body);
  cur.next();
  return { kind: 'string', value, position: cur.positionOf(start) };
}

function readDoubleQuoted(cur: ConfigCursor, start: Mark): ScalarToken {
  cur.next();
  let value = '';
  for (;;) {
    const ch = cur.next();
    if (ch === '"') break;
    if (ch === END) unterminated(cur, start, 'double-quoted string', '"');
    value += ch === '\\' ? readEscape(cur) : ch;
  }
  return { kind: 'string', value, position: cur.positionOf(start) };
}

/** A `(` ... `)` block: raw text up to a line that holds nothing but `)`. */
function readBlock(cur: ConfigCursor, start: Mark): ScalarToken {
  cur.next();
  const body = cur.mark();
  for (;;) {
    const ch = cur.peek();
    if (ch === END) unterminated(cur, start, "'(' block", "')' alone on a line");
    const closes =
      ch === ')' &&
      cur.text.charAt(cur.mark().pos - 1) === '\n' &&
      ['\n', END].includes(cur.peek(1));
    if (closes) break;
    cur.next();
  }
  const value = cur.since(body);
  cur.next();
  return { kind: 'string', value, position: cur.positionOf(start) };
}

function readNegativeNumber(cur: ConfigCursor, start: Mark): ScalarToken {
  cur.next();
  if (!isDigit(cur.peek())) {
    cur.fail(`expected a digit after '-', found ${describe(cur.peek())}`);
  }
  while (isDigit(cur.peek())) cur.next();
  const ch = cur.peek();
  if (ch === '.') return readFraction(cur, start);
  if (isSizeLetter(ch)) return readSizeSuffix(cur, start);
  return integer(cur, start);
}

function readNumberOrString(cur: ConfigCursor, start: Mark): ScalarToken {
  while (isDigit(cur.peek())) cur.next();
  const ch = cur.peek();
  if (ch === '-') return readDatetime(cur, start);
  if (ch === '.') return readFraction(cur, start);
  if (isSizeLetter(ch)) return readSizeSuffix(cur, start);
  if (endsNumber(ch)) return integer(cur, start);
  // Like nats-server, the first character that is not part of a number is taken as text
  // whatever it is (so `[1]` does not close its array: the `]` is part of the string `1]`).
  cur.next();
  return readRaw(cur, start, cur.since(start), false);
}

/** After the digits and a '.': a float, or an IP address such as `127.0.0.1:4222`. */
function readFraction(cur: ConfigCursor, start: Mark): ScalarToken {
  cur.next();
  if (!isDigit(cur.peek())) {
    cur.fail(`floats need a digit after the '.', found ${describe(cur.peek())}`);
  }
  while (isDigit(cur.peek())) cur.next();
  if (cur.peek() !== '.') {
    const text = cur.since(start);
    const value = Number(text);
    if (!Number.isFinite(value)) cur.fail(`float '${text}' is out of range`, cur.positionOf(start));
    return { kind: 'float', value, position: cur.positionOf(start) };
  }
  while (isDigit(cur.peek()) || ['.', ':', '-'].includes(cur.peek())) cur.next();
  return { kind: 'string', value: cur.since(start), position: cur.positionOf(start) };
}

function readSizeSuffix(cur: ConfigCursor, start: Mark): ScalarToken {
  cur.next();
  while (['b', 'B', 'i', 'I'].includes(cur.peek())) cur.next();
  const ch = cur.peek();
  if (endsNumber(ch) || isDigit(ch)) return integer(cur, start);
  // `1kx`, `1min`: not a size after all, so nats-server reads the whole word as a string.
  return readRaw(cur, start, cur.since(start), false);
}

function readDatetime(cur: ConfigCursor, start: Mark): ScalarToken {
  if (cur.since(start).length !== 4) {
    cur.fail('dates must be full Zulu ISO 8601, like 2025-02-06T10:00:00Z; quote other text');
  }
  for (const expected of '-00-00T00:00:00Z') {
    const ch = cur.next();
    const ok = expected === '0' ? isDigit(ch) : ch === expected;
    if (!ok) {
      const want = expected === '0' ? 'a digit' : `'${expected}'`;
      cur.fail(`expected ${want} in an ISO 8601 date, found ${describe(ch)}`);
    }
  }
  const value = cur.since(start);
  const time = Date.parse(value);
  if (Number.isNaN(time) || new Date(time).toISOString() !== value.replace('Z', '.000Z')) {
    cur.fail(`'${value}' is not a real date and time`, cur.positionOf(start));
  }
  return { kind: 'datetime', value, position: cur.positionOf(start) };
}

/**
 * An unquoted string, up to a space, new line, `,`, `;`, `]` or `}`. A `'` ends it too (and is
 * dropped), as in nats-server. `prefix` is what was read already as a would-be number.
 */
function readRaw(cur: ConfigCursor, start: Mark, prefix: string, escaped: boolean): ScalarToken {
  let value = prefix;
  let hasEscapes = escaped;
  for (;;) {
    const ch = cur.peek();
    if (endsRaw(ch)) break;
    cur.next();
    // A quote ends the text as a plain string: never a boolean or a `$NAME` reference.
    if (ch === "'") return { kind: 'string', value, position: cur.positionOf(start) };
    if (ch === '\\') {
      value += readEscape(cur);
      hasEscapes = true;
    } else {
      value += ch;
    }
  }
  const position = cur.positionOf(start);
  if (hasEscapes) return { kind: 'string', value, position };
  const word = value.toLowerCase();
  const bool = Object.hasOwn(BOOLEANS, word) ? BOOLEANS[word] : undefined;
  if (bool !== undefined) return { kind: 'boolean', value: bool, position };
  if (value.startsWith('$')) return { kind: 'variable', name: value.slice(1), position };
  return { kind: 'string', value, position };
}

function readEscape(cur: ConfigCursor): string {
  const at = cur.here();
  const ch = cur.next();
  const simple: Record<string, string> = { t: '\t', n: '\n', r: '\r', '"': '"', '\\': '\\' };
  const known = simple[ch];
  if (known !== undefined) return known;
  if (ch !== 'x') {
    cur.fail(
      `invalid escape '\\${ch}': only \\xXX, \\t, \\n, \\r, \\" and \\\\ are allowed; ` +
        'use single quotes for text with backslashes',
      at,
    );
  }
  const hex = cur.next() + cur.next();
  if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
    cur.fail(`expected two hexadecimal digits after '\\x', found '${hex}'`, at);
  }
  return String.fromCharCode(parseInt(hex, 16));
}

function integer(cur: ConfigCursor, start: Mark): ScalarToken {
  const raw = cur.since(start);
  const position = cur.positionOf(start);
  const digits = /^-?[0-9]+/.exec(raw)?.[0];
  const suffix = raw.slice(digits?.length ?? 0).toLowerCase();
  if (digits === undefined || /\p{Nd}/u.test(suffix)) {
    cur.fail(`expected an integer, found '${raw}': only the digits 0-9 make numbers`, position);
  }
  const multiplier = sizeMultiplier(suffix);
  if (multiplier === undefined) {
    cur.fail(
      `'${raw}' has an unknown size suffix '${suffix}' (nats-server 2.9 silently drops such a ` +
        'key); use k, m, g, t, p, e for powers of 1000 or kb/ki/kib, mb, gb ... for powers of 1024',
      position,
    );
  }
  const exact = BigInt(digits) * multiplier;
  if (exact > INT64_MAX || exact < INT64_MIN) {
    cur.fail(`integer '${raw}' is out of the 64-bit range`, position);
  }
  return { kind: 'integer', value: Number(exact), raw, position };
}

function sizeMultiplier(suffix: string): bigint | undefined {
  if (suffix === '') return 1n;
  const power = SIZE_POWERS[suffix.charAt(0)];
  if (power === undefined) return undefined;
  const rest = suffix.slice(1);
  if (rest === '') return 1000n ** BigInt(power);
  if (['b', 'i', 'ib'].includes(rest)) return 1024n ** BigInt(power);
  return undefined;
}

function isSizeLetter(ch: string): boolean {
  return ch !== END && 'kmgtpeKMGTPE'.includes(ch);
}

/** What may follow a number for it to stay a number. */
function endsNumber(ch: string): boolean {
  return ch === END || isNewline(ch) || isBlank(ch) || ch === '}' || ch === ';' || ch === ',';
}

function endsRaw(ch: string): boolean {
  return endsNumber(ch) || ch === ']';
}

function unterminated(cur: ConfigCursor, start: Mark, what: string, closer: string): never {
  const at = cur.positionOf(start);
  return cur.fail(
    `the ${what} opened at line ${at.line}, column ${at.column} never ends: expected ${closer}`,
  );
}
