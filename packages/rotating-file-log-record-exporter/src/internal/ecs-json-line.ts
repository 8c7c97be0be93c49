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
 * Prefix under which an attribute is written when its name is a field the ECS line sets itself
 * (`@timestamp`, `message`, `event.action`, ...) or already starts with this prefix, so app input
 * can never forge a core field and the renaming cannot collide either. The same name as
 * `ATTR_SECLOG_COLLISION` in @seclog/semconv (the file exporter depends on no seclog package).
 */
export const ECS_COLLISION_PREFIX = 'seclog.collision.';

/** Fields the ECS line writes from the record itself, never from its attributes. */
const CORE_FIELDS: ReadonlySet<string> = new Set([
  '@timestamp',
  'log.level',
  'event.severity',
  'message',
  'event.action',
  'log.logger',
  'trace.id',
  'span.id',
]);

/** Receives how many attribute names were moved under {@link ECS_COLLISION_PREFIX}. */
export interface EcsCollisionCounter {
  ecsCollided(count: number): void;
}

/**
 * Fields an attribute must not reach by nesting either: Elasticsearch reads `{"log":{"level":…}}`
 * as `log.level`, so `log: { level }` forges the level as surely as `'log.level'` would.
 */
const NESTED_GUARDED: readonly string[] = [
  ...CORE_FIELDS,
  ATTR_SECLOG_CHAIN_SEQ,
  ATTR_SECLOG_CHAIN_HASH,
].filter((f) => f.includes('.'));

/** True when the object `value` under `key` holds one of {@link NESTED_GUARDED} by its path. */
function nestsGuardedField(key: string, value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const field of NESTED_GUARDED) {
    if (!field.startsWith(`${key}.`)) continue;
    let at: unknown = value;
    for (const part of field.slice(key.length + 1).split('.')) {
      if (at === null || typeof at !== 'object' || Array.isArray(at)) break;
      at = Object.hasOwn(at, part) ? (at as Record<string, unknown>)[part] : undefined;
      if (at === undefined) break;
    }
    if (at !== undefined) return true;
  }
  return false;
}

/** The name attribute `key` is written under (see {@link ECS_COLLISION_PREFIX}). */
function fieldName(key: string, value: unknown): string {
  return CORE_FIELDS.has(key) ||
    key.startsWith(ECS_COLLISION_PREFIX) ||
    nestsGuardedField(key, value)
    ? ECS_COLLISION_PREFIX + key
    : key;
}

/**
 * The ECS line up to and including the hash marker; without `seq` (hash chain off) up to the last
 * field, to be closed with {@link ECS_UNCHAINED_SUFFIX}. Resource and record attributes whose names
 * are core fields are written under {@link ECS_COLLISION_PREFIX} and counted on `collisions`.
 */
export function ecsLinePrefix(
  record: ReadableLogRecord,
  seq: number | undefined,
  collisions?: EcsCollisionCounter,
): string {
  const fields = new Map<string, unknown>();
  fields.set('@timestamp', isoTime(record.hrTime));
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
  let moved = 0;
  const resAttrs = (record.resource as { attributes: Record<string, unknown> }).attributes;
  for (const key of Object.keys(resAttrs)) {
    const name = fieldName(key, resAttrs[key]);
    if (name !== key) moved++;
    fields.set(name, jsonSafe(resAttrs[key]));
  }
  const attrs = record.attributes as Record<string, unknown>;
  for (const key of Object.keys(attrs)) {
    if (key === ATTR_SECLOG_CHAIN_SEQ || key === ATTR_SECLOG_CHAIN_HASH) continue;
    const name = fieldName(key, attrs[key]);
    if (name !== key) moved++;
    // A record attribute wins over a resource attribute of the same name.
    fields.set(name, jsonSafe(attrs[key]));
  }
  if (moved > 0) collisions?.ecsCollided(moved);
  let out = '{';
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    out += `${jsonText(key)}:${jsonText(value)},`;
  }
  // `@timestamp` is always there, so `out` ends with a comma.
  if (seq === undefined) return out.slice(0, -1);
  return `${out}"${ATTR_SECLOG_CHAIN_SEQ}":${seq},${ECS_HASH_MARKER}`;
}
