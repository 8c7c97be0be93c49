// Writes one log record as a flat JSON object with ECS field names (for Filebeat / Elastic Agent),
// ending in the chain fields the hash covers.
import { jsonText } from './json-text.js';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ATTR_SECLOG_CHAIN_HASH, ATTR_SECLOG_CHAIN_SEQ } from './otlp-json-line.js';

/** Text after the 64 hex digits of the hash on an ECS line. */
export const ECS_LINE_SUFFIX = '"}';
/** Text after {@link ecsLinePrefix} on an unchained ECS line. */
export const ECS_UNCHAINED_SUFFIX = '}';
/** Text right before the hash on an ECS line. */
export const ECS_HASH_MARKER = `"${ATTR_SECLOG_CHAIN_HASH}":"`;

function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

function isoTime(time: readonly [number, number]): string {
  const ms = time[0] * 1000 + Math.floor(time[1] / 1e6);
  const iso = new Date(ms).toISOString();
  // Keep microsecond precision: ECS `@timestamp` accepts fractional seconds beyond milliseconds.
  const micros = String(Math.floor((time[1] % 1e6) / 1e3)).padStart(3, '0');
  return `${iso.slice(0, -1)}${micros}Z`;
}

/**
 * The ECS line up to and including the hash marker; without `seq` (hash chain off) up to the last
 * field, to be closed with {@link ECS_UNCHAINED_SUFFIX}.
 */
export function ecsLinePrefix(record: ReadableLogRecord, seq: number | undefined): string {
  const fields = new Map<string, unknown>();
  fields.set('@timestamp', isoTime(record.hrTime));
  const resAttrs = (record.resource as { attributes: Record<string, unknown> }).attributes;
  for (const key of Object.keys(resAttrs)) fields.set(key, jsonSafe(resAttrs[key]));
  if (record.severityText !== undefined) fields.set('log.level', record.severityText);
  if (record.severityNumber !== undefined)
    fields.set('event.severity', Number(record.severityNumber));
  if (record.body !== undefined) {
    const body = jsonSafe(record.body);
    fields.set('message', typeof body === 'string' ? body : jsonText(body));
  }
  if (record.eventName !== undefined) fields.set('event.action', record.eventName);
  fields.set('log.logger', record.instrumentationScope.name);
  if (record.spanContext !== undefined) {
    fields.set('trace.id', record.spanContext.traceId);
    fields.set('span.id', record.spanContext.spanId);
  }
  const attrs = record.attributes as Record<string, unknown>;
  for (const key of Object.keys(attrs)) {
    if (key === ATTR_SECLOG_CHAIN_SEQ || key === ATTR_SECLOG_CHAIN_HASH) continue;
    fields.set(key, jsonSafe(attrs[key]));
  }
  let out = '{';
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    out += `${jsonText(key)}:${jsonText(value)},`;
  }
  // `@timestamp` is always there, so `out` ends with a comma.
  if (seq === undefined) return out.slice(0, -1);
  return `${out}"${ATTR_SECLOG_CHAIN_SEQ}":${seq},${ECS_HASH_MARKER}`;
}
