// JSON.stringify for line-delimited files: JSON leaves NEL, U+2028 and U+2029 raw inside strings,
// and readers that split on them (Python's splitlines, many log shippers) would see a forged line.

const LINE_BREAKING = /[\u0085\u2028\u2029]/g;

/** `JSON.stringify(value)` with every Unicode line terminator escaped; parses to the same value. */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  LINE_BREAKING.lastIndex = 0;
  return LINE_BREAKING.test(text)
    ? text.replace(LINE_BREAKING, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}
