// Escaping for line-oriented outputs (console, pretty printers, plain-text files): no value can
// break a line, forge a second record, or drive the terminal.

// Backslash (so escapes stay unambiguous), C0 controls (CR, LF, TAB, ESC, ...), DEL, C1 controls
// (NEL included), Unicode line/paragraph separators, bidi controls (Trojan Source) and lone
// surrogates.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * `text` with every character that could end a line, fake one, or control a terminal written as a
 * visible escape: `\n`, `\r`, `\t`, `\\`, and `\uXXXX` for other C0/C1 controls (so ANSI escape
 * sequences start with the text `\u001b`), DEL, U+2028/U+2029, bidi controls and lone surrogates.
 * The result holds no line terminator of any kind. Records themselves keep values intact; JSON
 * outputs escape these characters on their own, so this is for line-oriented text outputs.
 * Non-string input is converted with `String()`; never throws.
 */
export function escapeForLine(text: string): string {
  let value: string;
  try {
    value = typeof text === 'string' ? text : String(text);
  } catch {
    return '[unserializable]';
  }
  return value.replace(
    UNSAFE,
    (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// Characters JSON.stringify leaves raw that some line readers still treat as line breaks (Python's
// splitlines, Unicode-aware editors): NEL, U+2028, U+2029; plus C1 and bidi controls for terminals.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `json` (the output of `JSON.stringify`) with the characters JSON leaves unescaped but some line
 * readers split on or terminals obey (NEL, U+2028, U+2029, other C1 and bidi controls) rewritten
 * as `\uXXXX` escapes. Outside strings JSON never holds these, so the result parses to the same
 * value and is exactly one line for every reader. Never throws.
 */
export function escapeJsonLine(json: string): string {
  try {
    return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  } catch {
    return '"[unserializable]"';
  }
}
