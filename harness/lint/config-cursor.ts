import { ConfigParseError } from './config-errors.ts';
import type { SourcePosition } from './config-tree.ts';

/** A saved place in the text, to report where a token began. */
export interface Mark {
  readonly pos: number;
  readonly line: number;
  readonly lineStart: number;
}

/** The end of the text reads as the empty string, so callers compare characters without checks. */
export const END = '';

/**
 * Walks a config text one character at a time and knows the line and column of every place.
 * Lines are counted on `\n` only, as nats-server counts them, so its line numbers and ours
 * agree for the same file.
 */
export class ConfigCursor {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  peek(ahead = 0): string {
    return this.text.charAt(this.pos + ahead);
  }

  next(): string {
    const ch = this.text.charAt(this.pos);
    if (ch === END) return END;
    this.pos += 1;
    if (ch === '\n') {
      this.line += 1;
      this.lineStart = this.pos;
    }
    return ch;
  }

  mark(): Mark {
    return { pos: this.pos, line: this.line, lineStart: this.lineStart };
  }

  /** The text from a mark up to here. */
  since(mark: Mark): string {
    return this.text.slice(mark.pos, this.pos);
  }

  here(): SourcePosition {
    return this.positionOf(this.mark());
  }

  positionOf(mark: Mark): SourcePosition {
    return { file: this.file, line: mark.line, column: mark.pos - mark.lineStart + 1 };
  }

  /** Stops parsing: `problem` says what was found and what was expected. */
  fail(problem: string, at: SourcePosition = this.here()): never {
    throw new ConfigParseError(at, problem);
  }

  /** Skips spaces and tabs only: a value must start on the line of its key. */
  skipBlanks(): void {
    while (isBlank(this.peek())) this.next();
  }

  /** Skips every kind of white space, new lines included. */
  skipSpace(): void {
    while (isSpace(this.peek())) this.next();
  }

  /** True when a `#` or `//` comment starts here. */
  atComment(): boolean {
    const ch = this.peek();
    return ch === '#' || (ch === '/' && this.peek(1) === '/');
  }

  /** Skips a comment up to (not including) the end of its line. */
  skipComment(): void {
    while (!isNewline(this.peek()) && this.peek() !== END) this.next();
  }
}

/** A character for a message: `'x'`, `a new line`, `the end of the file`. */
export function describe(ch: string): string {
  if (ch === END) return 'the end of the file';
  if (isNewline(ch)) return 'a new line';
  return `'${ch}'`;
}

export function isBlank(ch: string): boolean {
  return ch === ' ' || ch === '\t';
}

export function isNewline(ch: string): boolean {
  return ch === '\n' || ch === '\r';
}

/** White space as Go's `unicode.IsSpace` sees it, which is what nats-server's lexer uses. */
export function isSpace(ch: string): boolean {
  if (ch === END || ch === '\uFEFF') return false;
  return ch === '\u0085' || /\s/.test(ch);
}

/** A decimal digit of any script, as Go's `unicode.IsDigit`; only ASCII digits parse. */
export function isDigit(ch: string): boolean {
  return ch !== END && /\p{Nd}/u.test(ch);
}
