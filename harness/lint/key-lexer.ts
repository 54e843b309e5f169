import { END, describe, isBlank, isNewline, isSpace, type ConfigCursor } from './config-cursor.ts';

/** Keys are read a little differently at the top level of a file and inside a `{ }` map. */
export type Mode = 'top' | 'map';

/**
 * Reads a key: quoted (no escapes), or unquoted up to white space, `=` or `:`. An unquoted key
 * may hold `{`, `[` or `#`, as in nats-server. `include` followed by white space starts an
 * include instead.
 */
export function readKey(cur: ConfigCursor, mode: Mode): { key: string; include: boolean } {
  const ch = cur.peek();
  if (ch === '=' || ch === ':' || (mode === 'map' && ch === ']')) {
    cur.fail(`expected a key, found ${describe(ch)}`);
  }
  if (ch === '"' || ch === "'") {
    return { key: readQuoted(cur, 'quoted key'), include: false };
  }
  let start = cur.mark();
  if (mode === 'map' && ch === '/') {
    // Inside a map nats-server drops a lone '/' before a key and takes the next character,
    // whatever it is (even a blank), as the key's first.
    cur.next();
    if (cur.peek() === END) cur.fail("expected a key after '/', found the end of the file");
    start = cur.mark();
    cur.next();
  }
  while (!isSpace(cur.peek()) && cur.peek() !== '=' && cur.peek() !== ':') {
    if (cur.peek() === END) {
      if (mode === 'map') cur.fail(`expected the value of key '${cur.since(start)}' and '}'`);
      break;
    }
    cur.next();
  }
  const key = cur.since(start);
  return { key, include: isSpace(cur.peek()) && key.toLowerCase() === 'include' };
}

/** The path after `include`: quoted, or raw up to white space, `;` or `}`. */
export function readIncludePath(cur: ConfigCursor): string {
  cur.skipBlanks();
  const ch = cur.peek();
  if (ch === '"' || ch === "'") return readQuoted(cur, 'include path');
  if (ch === END || isNewline(ch) || /^[-[{(\\\p{Nd}]$/u.test(ch)) {
    cur.fail(`expected the path of the file to include, found ${describe(ch)}`);
  }
  const body = cur.mark();
  const ends = (c: string) => isNewline(c) || isBlank(c) || c === END || c === ';' || c === '}';
  while (!ends(cur.peek())) {
    // A quote ends a raw path and is dropped, as nats-server does.
    if (cur.next() === "'") return cur.since(body).slice(0, -1);
  }
  return cur.since(body);
}

function readQuoted(cur: ConfigCursor, what: string): string {
  const opened = cur.here();
  const quote = cur.next();
  const body = cur.mark();
  while (cur.peek() !== quote) {
    if (cur.peek() === END) {
      cur.fail(
        `the ${what} opened at line ${opened.line}, column ${opened.column} never ends: expected ${quote}`,
      );
    }
    cur.next();
  }
  const text = cur.since(body);
  cur.next();
  return text;
}
