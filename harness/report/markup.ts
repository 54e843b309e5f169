/**
 * Escaping for the XML and HTML reports. Every piece of recorded text (error messages, keys,
 * values) goes through `text` or `attribute`, which also redact anything that looks like a
 * secret: a report is an artifact people pass around, so it gets the same care as a log.
 */
import { redactSecrets } from '../history/redact.ts';

// Characters XML 1.0 does not allow at all, even escaped; a recorded message may hold them.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `value` as element content of XML or HTML: redacted, escaped, invalid characters dropped. */
export function text(value: unknown): string {
  return redactSecrets(String(value))
    .replace(NOT_XML, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** `value` as a quoted attribute value; line breaks kept as character references. */
export function attribute(value: unknown): string {
  return text(value).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/**
 * A figure for people: whole numbers as they are, from 100 up rounded to a whole number (a
 * duration in ms), below that to three significant places (a rate).
 */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}

/**
 * One element: `name` with `attributes` (escaped; undefined ones left out) around `content`,
 * which is markup already (escape text with `text` first). Self-closing when it has none.
 */
export function element(
  name: string,
  attributes: Record<string, string | number | undefined>,
  content = '',
): string {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${attribute(value)}"`)
    .join('');
  return content === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

/** An SVG tooltip: a `<title>` holding `tip` as text. */
export function tooltip(tip: string): string {
  return `<title>${text(tip)}</title>`;
}
