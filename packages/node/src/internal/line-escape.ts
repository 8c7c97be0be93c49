// JSON for line-oriented outputs: one record, one line, nothing that drives a terminal.
import { escapeJsonLine } from '@seclog/security-logger';

/** One-line JSON of `value`; byte arrays as base64, bigints as decimal strings. */
export function jsonLine(value: unknown): string {
  return escapeJsonLine(JSON.stringify(value, jsonReplacer) ?? 'null');
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}
