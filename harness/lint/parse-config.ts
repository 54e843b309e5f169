import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigCursor, END, describe, isBlank, isNewline } from './config-cursor.ts';
import { ConfigParseError, ConfigReadError } from './config-errors.ts';
import type {
  ArrayValue,
  ConfigDocument,
  ConfigEntry,
  ConfigValue,
  MapValue,
  SourcePosition,
} from './config-tree.ts';
import { readIncludePath, readKey, type Mode } from './key-lexer.ts';
import { readScalar, type ScalarToken } from './scalar-lexer.ts';

/** How deep arrays and maps may nest; real configs stay under 10. */
export const MAX_NESTING = 64;
const MAX_INCLUDE_DEPTH = 16;
const MAX_ENV_DEPTH = 8;

export interface ParseOptions {
  /** Where `$NAME` references that no block defines are looked up; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Reads an included file; default: from disk. Throw to refuse. */
  readFile?: (path: string) => string;
}

interface ParseContext {
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
  /** The files being parsed, outermost first, to catch include cycles. */
  includeChain: string[];
  envDepth: number;
  files: string[];
}

/**
 * Parses a nats-server config file and every file it includes. Throws `ConfigReadError` when
 * `file` cannot be read and `ConfigParseError` (with file, line and column) for anything
 * malformed, also inside included files.
 */
export function parseConfigFile(file: string, options: ParseOptions = {}): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigReadError(file, err instanceof Error ? err.message : String(err));
  }
  return parseConfigText(text, file, options);
}

/** Parses config text as if it were the content of `file` (includes resolve next to it). */
export function parseConfigText(
  text: string,
  file: string,
  options: ParseOptions = {},
): ConfigDocument {
  const context: ParseContext = {
    env: options.env ?? process.env,
    readFile: options.readFile ?? ((path) => readFileSync(path, 'utf8')),
    includeChain: [file],
    envDepth: 0,
    files: [file],
  };
  const root = new ConfigParser(text, file, context).parseDocument();
  return { file, root, files: context.files };
}

/**
 * Recursive descent over nats-server's config grammar. It accepts what nats-server 2.9's
 * lexer accepts (see the tests that run `nats-server -t` on the same files), with deliberate
 * exceptions that are errors here and silently corrupt the result there: a key without a value
 * inside a map, and an integer with an unknown size suffix.
 */
class ConfigParser {
  private readonly cur: ConfigCursor;
  /** The maps being built, outermost first: where `$NAME` is looked up, innermost first. */
  private readonly scopes: Map<string, ConfigEntry>[] = [];

  constructor(
    text: string,
    private readonly file: string,
    private readonly context: ParseContext,
  ) {
    this.cur = new ConfigCursor(text, file);
  }

  parseDocument(): MapValue {
    const cur = this.cur;
    const root: MapValue = { kind: 'map', entries: new Map(), position: cur.here() };
    this.scopes.push(root.entries);
    for (;;) {
      cur.skipSpace();
      const ch = cur.peek();
      if (ch === END) return root;
      if (ch === '{') {
        // nats-server lets a whole file be wrapped in braces: it skips the opening one, and
        // the closing one ends the last value (or is a key without a value, which is dropped).
        cur.next();
      } else if (cur.atComment()) {
        cur.skipComment();
      } else if (ch === '/') {
        cur.fail("unexpected '/': comments start with '//' or '#'");
      } else {
        this.parseEntry(root, 'top', 0);
        this.endTopLevelValue();
      }
    }
  }

  private endTopLevelValue(): void {
    const cur = this.cur;
    for (;;) {
      const ch = cur.peek();
      if (cur.atComment()) return cur.skipComment();
      if (ch === END) return;
      // A lone '/' after a value is ignored by nats-server, like a blank.
      if (isBlank(ch) || ch === '/') cur.next();
      else if (isNewline(ch) || ch === ';' || ch === ',' || ch === '}') return void cur.next();
      else cur.fail(`expected a new line, ';' or a comment after the value, found ${describe(ch)}`);
    }
  }

  /** One `key value` pair (or an `include`), set into `target`. */
  private parseEntry(target: MapValue, mode: Mode, depth: number): void {
    const cur = this.cur;
    const keyPosition = cur.here();
    const { key, include } = readKey(this.cur, mode);
    if (include) return this.include(target, keyPosition);

    cur.skipSpace();
    const separated = cur.peek() === '=' || cur.peek() === ':';
    if (separated) cur.next();
    if (mode === 'top' && separated) cur.skipBlanks();
    if (mode === 'map') cur.skipSpace();

    const ch = cur.peek();
    // A last top-level key with nothing after it is dropped by nats-server; so here.
    if (mode === 'top' && !separated && ch === END) return;
    if (mode === 'map' && (ch === '}' || ch === END)) {
      cur.fail(`key '${key}' has no value: write '${key}: <value>'`, keyPosition);
    }
    if (mode === 'map' && ch === ',') cur.fail(`expected the value of '${key}', found ','`);

    const value = this.parseValue(depth);
    target.entries.set(key, { key, keyPosition, value });
  }

  private parseValue(depth: number): ConfigValue {
    const ch = this.cur.peek();
    if (ch === '[' || ch === '{') {
      if (depth >= MAX_NESTING) {
        this.cur.fail(`arrays and maps nest deeper than ${MAX_NESTING} levels; flatten the config`);
      }
      return ch === '[' ? this.parseArray(depth + 1) : this.parseMap(depth + 1);
    }
    return this.resolve(readScalar(this.cur));
  }

  private parseArray(depth: number): ArrayValue {
    const cur = this.cur;
    const array: ArrayValue = { kind: 'array', items: [], position: cur.here() };
    cur.next();
    for (;;) {
      this.skipSpaceAndComments();
      const ch = cur.peek();
      if (ch === ']') {
        cur.next();
        return array;
      }
      if (ch === END) cur.fail(this.neverEnds('array', array.position, "']'"));
      if (ch === ',' || ch === '/') {
        cur.fail(`expected an array item or ']', found ${describe(ch)} (no empty items)`);
      }
      array.items.push(this.parseValue(depth));
      if (this.endItem(']', array.position) === 'closed') return array;
    }
  }

  private parseMap(depth: number): MapValue {
    const cur = this.cur;
    const map: MapValue = { kind: 'map', entries: new Map(), position: cur.here() };
    cur.next();
    this.scopes.push(map.entries);
    try {
      for (;;) {
        this.skipSpaceAndComments();
        const ch = cur.peek();
        if (ch === '}') {
          cur.next();
          return map;
        }
        if (ch === END) cur.fail(this.neverEnds('map', map.position, "'}'"));
        this.parseEntry(map, 'map', depth);
        if (this.endItem('}', map.position) === 'closed') return map;
      }
    } finally {
      this.scopes.pop();
    }
  }

  /**
   * After an array item or a map value: skips blanks and a comment, then takes the separator
   * (`,`, a new line, `;` in maps, and a lone `/` as nats-server does) or the closing bracket.
   */
  private endItem(closer: ']' | '}', opened: SourcePosition): 'next' | 'closed' {
    const cur = this.cur;
    const what = closer === ']' ? 'an array item' : 'a map value';
    for (;;) {
      const ch = cur.peek();
      if (cur.atComment()) {
        cur.skipComment();
      } else if (isBlank(ch)) {
        cur.next();
      } else if (ch === closer) {
        cur.next();
        return 'closed';
      } else if (ch === ',' || ch === '/' || (closer === '}' && ch === ';') || isNewline(ch)) {
        cur.next();
        return 'next';
      } else if (ch === END) {
        cur.fail(this.neverEnds(closer === ']' ? 'array' : 'map', opened, `'${closer}'`));
      } else {
        cur.fail(`expected ',', a new line or '${closer}' after ${what}, found ${describe(ch)}`);
      }
    }
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      this.cur.skipSpace();
      if (!this.cur.atComment()) return;
      this.cur.skipComment();
    }
  }

  private neverEnds(what: string, opened: SourcePosition, closer: string): string {
    return `the ${what} opened at line ${opened.line}, column ${opened.column} never ends: expected ${closer}`;
  }

  /** `include path`: the file's keys are set here, as if written in place. */
  private include(target: MapValue, at: SourcePosition): void {
    const path = readIncludePath(this.cur);
    // Like nats-server (Go's filepath.Join), even an absolute path is taken as relative to
    // the including file's directory; Go's Join also drops trailing slashes.
    const resolved = join(dirname(this.file), path).replace(/(?<=.)\/+$/, '');
    const chain = this.context.includeChain;
    if (chain.includes(resolved)) {
      this.cur.fail(`include cycle: ${[...chain, resolved].join(' -> ')}`, at);
    }
    if (chain.length > MAX_INCLUDE_DEPTH) {
      this.cur.fail(`includes nest deeper than ${MAX_INCLUDE_DEPTH} files`, at);
    }
    let text: string;
    try {
      text = this.context.readFile(resolved);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return this.cur.fail(`cannot read include file '${path}' (as ${resolved}): ${reason}`, at);
    }
    this.context.files.push(resolved);
    const context = { ...this.context, includeChain: [...chain, resolved] };
    const included = new ConfigParser(text, resolved, context).parseDocument();
    for (const [key, entry] of included.entries) target.entries.set(key, entry);
  }

  /** A scalar as a value; a `$NAME` reference as the value it names. */
  private resolve(token: ScalarToken): ConfigValue {
    if (token.kind !== 'variable') return token;
    const { name, position } = token;
    // A bcrypt hash (`$2a$11$...`) written without quotes is a password, not a reference.
    if (name.startsWith('2a$')) return { kind: 'string', value: `$${name}`, position };

    for (let i = this.scopes.length - 1; i >= 0; i -= 1) {
      const found = this.scopes[i]?.get(name);
      if (found) return { ...found.value, position, variable: name };
    }
    const fromEnv = Object.hasOwn(this.context.env, name) ? this.context.env[name] : undefined;
    if (fromEnv !== undefined) return { ...this.parseEnvValue(name, fromEnv), position };

    const hint = /[.>*]/.test(name)
      ? `; to write the subject '$${name}' put it in quotes`
      : `: define ${name} = ... above it in this block or an enclosing one, or set the environment variable ${name}`;
    return this.cur.fail(`variable '$${name}' is not defined${hint}`, position);
  }

  /** nats-server reads an environment variable's text as a config value. */
  private parseEnvValue(name: string, text: string): ConfigValue {
    const { envDepth } = this.context;
    if (envDepth >= MAX_ENV_DEPTH) {
      this.cur.fail(`environment variable ${name} refers to itself through other variables`);
    }
    const label = `environment variable ${name}`;
    const context = { ...this.context, envDepth: envDepth + 1, files: [], includeChain: [label] };
    try {
      const value = new ConfigParser(`pk=${text}`, label, context)
        .parseDocument()
        .entries.get('pk');
      if (value) return { ...value.value, variable: name };
    } catch (err) {
      if (!(err instanceof ConfigParseError)) throw err;
      this.cur.fail(`environment variable ${name} is not a valid config value: ${err.problem}`);
    }
    return this.cur.fail(`environment variable ${name} holds no value`);
  }
}
