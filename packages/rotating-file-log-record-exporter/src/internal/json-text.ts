// JSON.stringify for line-delimited files: JSON leaves NEL, U+2028 and U+2029 raw inside strings,
// and readers that split on them (Python's splitlines, many log shippers) would see a forged line.

const LINE_BREAKING = /[\u0085\u2028\u2029]/g;
/** Printable ASCII but `"` and `\`: a string of these is its own JSON text between quotes. */
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

/** `JSON.stringify(value)` with every Unicode line terminator escaped; parses to the same value. */
export function jsonText(value: unknown): string {
  // Most attribute values are plain ASCII: one regex scan is ~3x cheaper than stringify + check.
  if (typeof value === 'string' && PLAIN.test(value)) return '"' + value + '"';
  const text = JSON.stringify(value);
  LINE_BREAKING.lastIndex = 0;
  return LINE_BREAKING.test(text)
    ? text.replace(LINE_BREAKING, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}
