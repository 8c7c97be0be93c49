// JSON for line-oriented outputs: one record, one line, nothing that drives a terminal.
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
