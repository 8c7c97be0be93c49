// seclog's one escaping policy for line-oriented outputs: no value can break a line, forge a second
// record, or drive the terminal. The same file is kept byte-identical in @seclog/security-logger
// (src/escape-for-line.ts) and @seclog/rotating-file-log-record-exporter
// (src/internal/escape-for-line.ts), which depends on no other seclog package; the exporter's copy
// is also what @seclog/node's console and @seclog/cli import, from its OTel-free `./verify`
// subpath. A test in the exporter fails when the copies differ, and
// test/fixtures/line-escape-cases.ts in security-logger is the one table of cases every output is
// checked against.

// What no output writes raw beyond C0 (which JSON.stringify already escapes): DEL, C1 controls
// (NEL, CSI, ...), the Unicode line and paragraph separators, and the bidi controls of Trojan
// Source (ALM, LRM, RLM, LRE..RLO, LRI..PDI).
const BEYOND_C0 =
  '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const LONE_SURROGATE =
  '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

// Text outputs also escape the backslash (so escapes stay unambiguous), C0 and lone surrogates.
const TEXT_UNSAFE = new RegExp(`[\\\\\\u0000-\\u001f${BEYOND_C0}]|${LONE_SURROGATE}`, 'g');
// JSON.stringify escapes C0, `"`, `\` and lone surrogates itself and leaves the rest raw.
const JSON_UNSAFE = new RegExp(`[${BEYOND_C0}]`, 'g');
const HAS_JSON_UNSAFE = new RegExp(`[${BEYOND_C0}]`);

const SHORT: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every character that could end a line, fake one, or control a terminal written as a
 * visible escape: `\n`, `\r`, `\t`, `\\`, and `\uXXXX` for other C0/C1 controls (so ANSI escape
 * sequences start with the text `\u001b`), DEL, U+2028/U+2029, bidi controls and lone surrogates.
 * The result holds no line terminator of any kind. Records themselves keep values intact; JSON
 * outputs use {@link escapeJsonLine}, so this is for plain-text outputs (diagnostic messages).
 * Non-string input is converted with `String()`; never throws.
 */
export function escapeForLine(text: string): string {
  let value: string;
  try {
    value = typeof text === 'string' ? text : String(text);
  } catch {
    return '[unserializable]';
  }
  return value.replace(TEXT_UNSAFE, (c) => SHORT[c] ?? unicodeEscape(c));
}

/**
 * `json` (the output of `JSON.stringify`) with the characters JSON leaves unescaped but some line
 * readers split on (Python's `splitlines`, log shippers, editors) or terminals obey (NEL, U+2028,
 * U+2029, DEL, other C1 and bidi controls) rewritten as `\uXXXX` escapes. Outside strings JSON
 * never holds these, so the result parses to the same value and is exactly one line for every
 * reader. Never throws.
 */
export function escapeJsonLine(json: string): string {
  try {
    // Scanning first: most JSON holds none of these, and a replace with a callback costs more
    // than a scan even when nothing matches (the file exporter's hot path).
    return HAS_JSON_UNSAFE.test(json) ? json.replace(JSON_UNSAFE, unicodeEscape) : json;
  } catch {
    return '"[unserializable]"';
  }
}
