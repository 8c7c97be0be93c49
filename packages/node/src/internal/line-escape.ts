// Escapes text for line-oriented outputs so that no value can start a new line or drive a terminal.
// Covers CR/LF, NEL, U+2028/U+2029, other C0/C1 controls and DEL (ANSI escapes start with ESC).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control or line-separator character written as a visible escape. */
export function escapeLine(text: string): string {
  return text.replace(
    UNSAFE,
    (ch) => NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * JSON.stringify output made safe for line readers and terminals: JSON already escapes C0 controls;
 * DEL, C1 controls and U+2028/U+2029 are valid raw in JSON but split lines or drive terminals.
 */
export function jsonLine(value: unknown): string {
  return (JSON.stringify(value, jsonReplacer) ?? 'null').replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
