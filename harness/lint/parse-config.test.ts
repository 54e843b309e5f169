import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigParseError, ConfigReadError } from './config-errors.ts';
import { asMap, option, type ConfigValue, type MapValue } from './config-tree.ts';
import { parseConfigFile, parseConfigText, type ParseOptions } from './parse-config.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Parses `text` with no environment and no files, so nothing outside the test leaks in. */
function parse(text: string, options: ParseOptions = {}): MapValue {
  const readFile = () => {
    throw new Error('no files in this test');
  };
  return parseConfigText(text, 'test.conf', { env: {}, readFile, ...options }).root;
}

/** The value at a path of keys, as plain data (positions dropped) for easy comparison. */
function at(root: MapValue, ...path: string[]): unknown {
  let value: ConfigValue | undefined = root;
  for (const key of path) value = option(asMap(value), key)?.value;
  return plain(value);
}

function plain(value: ConfigValue | undefined): unknown {
  if (!value) return undefined;
  if (value.kind === 'array') return value.items.map(plain);
  if (value.kind === 'map') {
    return Object.fromEntries([...value.entries].map(([k, e]) => [k, plain(e.value)]));
  }
  return value.value;
}

function parseError(text: string, options: ParseOptions = {}): ConfigParseError {
  try {
    parse(text, options);
  } catch (err) {
    if (err instanceof ConfigParseError) return err;
    throw err;
  }
  return expect.fail(`expected a ConfigParseError for ${JSON.stringify(text)}`);
}

describe('parseConfigText', () => {
  it('takes =, : and white space as separators', () => {
    const root = parse('a = 1\nb: 2\nc 3\nd=4;e:5');
    expect([1, 2, 3, 4, 5].map((_, i) => at(root, 'abcde'[i]!))).toEqual([1, 2, 3, 4, 5]);
  });

  it('skips # and // comments, also after values and inside blocks and arrays', () => {
    const root = parse(
      '# top\n// also top\na: 1 # after\nb: 2 // after\nm { # in a map\n  c: 3 // here\n}\n' +
        'l: [ # in an array\n  4 // item\n  5\n]\n',
    );
    expect(root.entries.size).toBe(4);
    expect(at(root, 'm')).toEqual({ c: 3 });
    expect(at(root, 'l')).toEqual([4, 5]);
  });

  it('reads blocks and arrays, nested, with commas or new lines between items', () => {
    const root = parse('a { b { c: [1, [2, 3 ], { d: x }] }, e: "f" }\ng: [\n  1\n  2,\n]');
    expect(at(root, 'a')).toEqual({ b: { c: [1, [2, 3], { d: 'x' }] }, e: 'f' });
    expect(at(root, 'g')).toEqual([1, 2]);
  });

  it('reads a number right before ] as text, so the array never ends, as nats-server 2.9 does', () => {
    expect(parseError('a: [1, 2]\n').problem).toMatch(
      /array opened at line 1, column 4 never ends/,
    );
  });

  it('reads quoted strings: escapes in double quotes, none in single quotes', () => {
    const root = parse(`a: "x\\ty\\x41\\"\\\\"\nb: 'no \\t escapes'\nc: "$KV.HARMONY.>"`);
    expect(at(root, 'a')).toBe('x\tyA"\\');
    expect(at(root, 'b')).toBe('no \\t escapes');
    expect(at(root, 'c')).toBe('$KV.HARMONY.>');
  });

  it('applies size suffixes: bare letters are powers of 1000, with b or i powers of 1024', () => {
    const root = parse('a: 1G\nb: 1GB\nc: 512Mi\nd: 1k\ne: -2KB\nf: 10\ng: 1.5');
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => at(root, k))).toEqual([
      1e9,
      1024 ** 3,
      512 * 1024 ** 2,
      1000,
      -2048,
      10,
      1.5,
    ]);
  });

  it('reads booleans, raw strings, durations, IP addresses and dates', () => {
    const root = parse(
      'a: true\nb: Off\nc: raw-text\nd: 2s\ne: 127.0.0.1:4222\nf: 2025-02-06T10:00:00Z\ng: yes',
    );
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => at(root, k))).toEqual([
      true,
      false,
      'raw-text',
      '2s',
      '127.0.0.1:4222',
      '2025-02-06T10:00:00Z',
      true,
    ]);
  });

  it('resolves $VAR from the enclosing blocks, innermost first, then from the environment', () => {
    const root = parse('A: outer\nB: 1\nm { A: inner, x: $A, y: $B, z: $FROM_ENV }\nw: $A', {
      env: { FROM_ENV: '[1, 2 ]' },
    });
    expect(at(root, 'm')).toEqual({ A: 'inner', x: 'inner', y: 1, z: [1, 2] });
    expect(at(root, 'w')).toBe('outer');
  });

  it('refuses a variable that is not defined, or defined only in a block that ended', () => {
    expect(parseError('a: $NOPE').line).toBe(1);
    const err = parseError('m { D: 1 }\n\nx: $D');
    expect([err.line, err.column]).toEqual([3, 4]);
    expect(err.problem).toMatch(/variable '\$D' is not defined/);
  });

  it('does not take an inherited property for a variable or a boolean', () => {
    expect(parseError('a: $constructor').problem).toMatch(/not defined/);
    expect(at(parse('a: constructor'), 'a')).toBe('constructor');
  });

  it('takes a raw string ended by a quote as plain text, never a variable', () => {
    expect(at(parse("a: $NOPE'"), 'a')).toBe('$NOPE');
  });

  it('drops a lone / before a key inside a block, as nats-server does', () => {
    expect(at(parse('m {\n  /name: x\n  / b: y\n}'), 'm')).toEqual({ name: 'x', ' b': 'y' });
  });

  it('keeps a bcrypt hash written without quotes as a string', () => {
    expect(at(parse('p: $2a$11$abcdefghijklmnopqrstuv'), 'p')).toBe(
      '$2a$11$abcdefghijklmnopqrstuv',
    );
  });

  it('reports where things go wrong, with line and column', () => {
    const cases: [string, number, RegExp][] = [
      ['a: 1\nb: "never closed', 2, /double-quoted string opened at line 2, column 4/],
      ['a {\n  b: 1\n', 3, /map opened at line 1, column 3 never ends/],
      ['a: [1,, 2]', 1, /no empty items/],
      ['a: two words', 1, /expected a new line/],
      ['a: .5', 1, /start with a digit/],
      ['a =\n  1', 1, /same line as its key/],
      ['a: "\\q"', 1, /invalid escape/],
      ['m { k }', 1, /has no value/],
      ['a: 1kbb', 1, /unknown size suffix/],
    ];
    for (const [text, line, problem] of cases) {
      const err = parseError(text);
      expect([err.line, err.problem], text).toEqual([line, expect.stringMatching(problem)]);
      expect(err.code).toBe('CONFIG_PARSE');
      expect(err.message).toBe(`test.conf:${err.line}:${err.column}: ${err.problem}`);
    }
  });

  it('refuses nesting deeper than it can handle as a parse error, not a stack overflow', () => {
    expect(parseError(`a: ${'['.repeat(10_000)}`).problem).toMatch(/nest deeper/);
    expect(parseError(`a: ${'{b: '.repeat(10_000)}`).problem).toMatch(/nest deeper/);
  });

  it('never quotes a seed in an error', () => {
    const seed = `SU${'A'.repeat(56)}`;
    const err = parseError(`m { ${seed} }`);
    expect(err.message).not.toContain(seed);
    expect(err.problem).toContain('[REDACTED SEED]');
  });
});

describe('parseConfigFile', () => {
  function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'nats-chaos-parse-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  it('follows includes relative to the including file, at top level and inside blocks', () => {
    const dir = tree({
      'etc/main.conf': 'include "parts/top.conf"\njetstream { include ../js.conf }\n',
      'etc/parts/top.conf': "include 'deeper/users.conf'\nserver_name: top\n",
      'etc/parts/deeper/users.conf': 'USERS = [ { user: a } ]\naccounts { A { users: $USERS } }\n',
      'js.conf': 'store_dir: "/tmp/js"\n',
    });
    const doc = parseConfigFile(join(dir, 'etc/main.conf'), { env: {} });
    expect(at(doc.root, 'server_name')).toBe('top');
    expect(at(doc.root, 'accounts', 'A', 'users')).toEqual([{ user: 'a' }]);
    expect(at(doc.root, 'jetstream')).toEqual({ store_dir: '/tmp/js' });
    expect(doc.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'etc/main.conf',
      'etc/parts/top.conf',
      'etc/parts/deeper/users.conf',
      'js.conf',
    ]);
  });

  it('drops trailing slashes of an include path, as Go does', () => {
    const dir = tree({ 'a.conf': 'include "b.conf//"\n', 'b.conf': 'x: 1\n' });
    expect(at(parseConfigFile(join(dir, 'a.conf'), { env: {} }).root, 'x')).toBe(1);
  });

  it('places keys read from an included file at that file and line', () => {
    const dir = tree({ 'a.conf': '\ninclude b.conf\n', 'b.conf': '\n\nx: 1\n' });
    const entry = option(parseConfigFile(join(dir, 'a.conf'), { env: {} }).root, 'x');
    expect(entry?.keyPosition).toEqual({ file: join(dir, 'b.conf'), line: 3, column: 1 });
  });

  it('refuses a missing include and an include cycle at the include line', () => {
    const dir = tree({ 'a.conf': 'x: 1\ninclude b.conf\n', 'b.conf': 'include a.conf\n' });
    const cycle = expectError(() => parseConfigFile(join(dir, 'b.conf'), { env: {} }));
    expect([cycle.file, cycle.line, cycle.problem]).toEqual([
      join(dir, 'a.conf'),
      2,
      expect.stringMatching(/include cycle/),
    ]);
    const missing = tree({ 'c.conf': '\ninclude "gone.conf"\n' });
    const err = expectError(() => parseConfigFile(join(missing, 'c.conf'), { env: {} }));
    expect([err.line, err.problem]).toEqual([2, expect.stringMatching(/cannot read include/)]);
  });

  it('throws ConfigReadError naming a file that cannot be read', () => {
    const dir = tree({});
    const gone = join(dir, 'gone.conf');
    expect(() => parseConfigFile(gone)).toThrow(ConfigReadError);
    expect(() => parseConfigFile(gone)).toThrow(gone);
  });

  function expectError(run: () => unknown): ConfigParseError {
    try {
      run();
    } catch (err) {
      if (err instanceof ConfigParseError) return err;
      throw err;
    }
    return expect.fail('expected a ConfigParseError');
  }
});
