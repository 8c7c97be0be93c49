// JSON.stringify for line-delimited files under seclog's one escaping policy (./escape-for-line.ts):
// JSON leaves NEL, U+2028/U+2029, C1 and bidi controls raw inside strings, and readers that split
// on them (Python's splitlines, many log shippers) would see a forged line, terminals a forged one.
import { escapeJsonLine } from './escape-for-line.js';

/** Printable ASCII but `"` and `\`: a string of these is its own JSON text between quotes. */
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

/** True when `value` is its own JSON text between quotes (see {@link jsonText}). */
export function isPlainText(value: string): boolean {
  return PLAIN.test(value);
}

/**
 * `JSON.stringify(value)` with every character the policy forbids raw written as `\uXXXX`; parses
 * to the same value.
 */
export function jsonText(value: unknown): string {
  // Most attribute values are plain ASCII: one regex scan is ~3x cheaper than stringify + check,
  // and such a string holds nothing the policy escapes.
  if (typeof value === 'string' && isPlainText(value)) return '"' + value + '"';
  return escapeJsonLine(JSON.stringify(value));
}
