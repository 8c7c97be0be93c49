// Writes log records as OTLP/JSON ExportLogsServiceRequest lines, straight to strings (no
// intermediate request objects): a line head (resource and scope), then each record ending in the
// chain attributes its hash covers. LineBatch joins the records that share a head into one line.
import { isPlainText, jsonText } from './json-text.js';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** Attribute keys the exporter adds; copies arriving on a record are dropped so only ours count. */
export const ATTR_SECLOG_CHAIN_SEQ = 'seclog.chain.seq';
export const ATTR_SECLOG_CHAIN_HASH = 'seclog.chain.hash';

/** Text after the 64 hex digits of a record's hash: closes the value, attribute, list, record. */
export const OTLP_RECORD_TAIL = '"}}]}';
/** Text after a line's last record: closes `logRecords`, the scope, the resource, the request. */
export const OTLP_LINE_END = ']}]}]}';
/** Text after the 64 hex digits of the hash of the last record on an OTLP line. */
export const OTLP_LINE_SUFFIX = OTLP_RECORD_TAIL + OTLP_LINE_END;
/** Text after {@link otlpLineBody} of an unchained record (no chain attributes, no hash). */
export const OTLP_UNCHAINED_RECORD_TAIL = '}';
/** Text right before the hash on an OTLP line. */
export const OTLP_HASH_MARKER = `{"key":"${ATTR_SECLOG_CHAIN_HASH}","value":{"stringValue":"`;

type AnyObject = Record<string, unknown>;

const headCache = new WeakMap<object, WeakMap<object, Buffer>>();

/** `[sec, nanos]` to the decimal string of nanoseconds since the epoch. */
function hrTimeToNanosString(time: readonly [number, number]): string {
  const sec = time[0];
  const ns = time[1];
  if (Number.isSafeInteger(sec) && Number.isSafeInteger(ns) && sec >= 0 && ns >= 0 && ns < 1e9) {
    return sec === 0 ? String(ns) : String(sec) + String(ns).padStart(9, '0');
  }
  return (BigInt(Math.trunc(sec)) * 1_000_000_000n + BigInt(Math.trunc(ns))).toString();
}

function anyValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return '{"stringValue":' + jsonText(value) + '}';
    case 'number':
      if (Number.isSafeInteger(value)) return '{"intValue":"' + String(value) + '"}';
      if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) {
        return `{"intValue":"${Number.isSafeInteger(value) ? String(value) : BigInt(value).toString()}"}`;
      }
      // proto3 JSON spells the non-finite doubles as strings.
      if (Number.isNaN(value)) return '{"doubleValue":"NaN"}';
      if (!Number.isFinite(value))
        return `{"doubleValue":"${value > 0 ? 'Infinity' : '-Infinity'}"}`;
      return `{"doubleValue":${String(value)}}`;
    case 'bigint':
      return `{"intValue":"${value.toString()}"}`;
    case 'boolean':
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'object': {
      if (value === null) return '{}';
      if (value instanceof Uint8Array) {
        return `{"bytesValue":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"}`;
      }
      if (Array.isArray(value)) {
        let out = '{"arrayValue":{"values":[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += anyValue(value[i]);
        }
        return out + ']}}';
      }
      return `{"kvlistValue":{"values":[${keyValues(value as AnyObject, false)}]}}`;
    }
    default:
      return '{}';
  }
}

/** Attribute names repeat across records; their JSON opening is built once (up to a bound). */
const keyOpenings = new Map<string, string>();
const MAX_CACHED_KEYS = 4096;

function keyOpening(key: string): string {
  let text = keyOpenings.get(key);
  if (text === undefined) {
    text = '{"key":' + jsonText(key) + ',"value":';
    if (keyOpenings.size < MAX_CACHED_KEYS) keyOpenings.set(key, text);
  }
  return text;
}

/**
 * The text before a plain string value of `key`, up to its opening quote: after another attribute
 * (`next`, with the comma) or first in the list. Rendering a string attribute is then two
 * concatenations instead of seven, each one a string the GC collects.
 */
interface StringOpening {
  readonly first: string;
  readonly next: string;
}
const stringOpenings = new Map<string, StringOpening>();

function stringOpening(key: string): StringOpening {
  let o = stringOpenings.get(key);
  if (o === undefined) {
    const first = keyOpening(key) + '{"stringValue":"';
    o = { first, next: ',' + first };
    if (stringOpenings.size < MAX_CACHED_KEYS) stringOpenings.set(key, o);
  }
  return o;
}

function keyValues(obj: AnyObject, skipChain: boolean): string {
  let out = '';
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (skipChain && (key === ATTR_SECLOG_CHAIN_SEQ || key === ATTR_SECLOG_CHAIN_HASH)) continue;
    const value = obj[key];
    if (typeof value === 'string' && isPlainText(value)) {
      const o = stringOpening(key);
      out = (out.length > 0 ? out + o.next : o.first) + value + '"}}';
      continue;
    }
    const sep = out.length > 0 ? ',' : '';
    out +=
      typeof value === 'string'
        ? sep + keyOpening(key) + '{"stringValue":' + jsonText(value) + '}}'
        : sep + keyOpening(key) + anyValue(value) + '}';
  }
  return out;
}

interface ResourceShape {
  readonly attributes: AnyObject;
  readonly schemaUrl?: string | undefined;
  readonly asyncAttributesPending?: boolean | undefined;
}

interface ScopeShape {
  readonly name: string;
  readonly version?: string | undefined;
  readonly schemaUrl?: string | undefined;
  readonly attributes?: AnyObject | undefined;
  readonly droppedAttributesCount?: number | undefined;
}

function buildHead(resource: ResourceShape, scope: ScopeShape): Buffer {
  let out = `{"resourceLogs":[{"resource":{"attributes":[${keyValues(resource.attributes, false)}],"droppedAttributesCount":0},`;
  if (resource.schemaUrl) out += `"schemaUrl":${jsonText(resource.schemaUrl)},`;
  out += `"scopeLogs":[{"scope":{"name":${jsonText(scope.name)}`;
  if (scope.version !== undefined) out += `,"version":${jsonText(scope.version)}`;
  if (scope.attributes && Object.keys(scope.attributes).length > 0) {
    out += `,"attributes":[${keyValues(scope.attributes, false)}],"droppedAttributesCount":${scope.droppedAttributesCount ?? 0}`;
  }
  out += '},';
  if (scope.schemaUrl) out += `"schemaUrl":${jsonText(scope.schemaUrl)},`;
  out += '"logRecords":[';
  return Buffer.from(out, 'utf8');
}

/**
 * The UTF-8 bytes every line of this record's (resource, scope) pair starts with, up to the open
 * `logRecords` array. Cached per pair, since a provider shares one resource object across all its
 * records; a resource still waiting for async detectors may change, so it is rebuilt each time.
 * The returned Buffer is shared: callers copy from it and never write to it.
 */
export function otlpLineHead(record: ReadableLogRecord): Buffer {
  const resource = record.resource as unknown as ResourceShape;
  const scope = record.instrumentationScope as ScopeShape;
  let byScope = headCache.get(resource);
  const cached = byScope?.get(scope);
  if (cached !== undefined) return cached;
  const out = buildHead(resource, scope);
  if (resource.asyncAttributesPending !== true) {
    if (byScope === undefined) {
      byScope = new WeakMap();
      headCache.set(resource, byScope);
    }
    byScope.set(scope, out);
  }
  return out;
}

/** Record fields that repeat across records, as text, keyed by their values (up to a bound). */
const severityTexts = new Map<string, string>();
const eventNameTexts = new Map<string, string>();

function cachedText(cache: Map<string, string>, key: string, build: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    text = build();
    if (cache.size < MAX_CACHED_KEYS) cache.set(key, text);
  }
  return text;
}

/** `,"severityNumber":N,"severityText":"T"` (either part only when set). */
function severityText(record: ReadableLogRecord): string {
  const n = record.severityNumber;
  const t = record.severityText;
  if (n === undefined && t === undefined) return '';
  const build = (): string =>
    (n === undefined ? '' : `,"severityNumber":${Number(n)}`) +
    (t === undefined ? '' : `,"severityText":${jsonText(t)}`);
  // Not cached for an odd severityNumber (not an integer): its text is built the same way.
  return Number.isInteger(n) || n === undefined
    ? cachedText(severityTexts, `${n ?? ''}|${t === undefined ? '' : '"' + t}`, build)
    : build();
}

/** The record's part of the line up to and including the opening of its attribute list. */
function recordOpening(record: ReadableLogRecord): string {
  let out = `{"timeUnixNano":"${hrTimeToNanosString(record.hrTime)}","observedTimeUnixNano":"${hrTimeToNanosString(record.hrTimeObserved)}"`;
  out += severityText(record);
  const body = record.body;
  if (body !== undefined) {
    out +=
      typeof body === 'string' && isPlainText(body)
        ? ',"body":{"stringValue":"' + body + '"}'
        : `,"body":${anyValue(body)}`;
  }
  const eventName = record.eventName;
  if (eventName !== undefined) {
    out += cachedText(eventNameTexts, eventName, () => `,"eventName":${jsonText(eventName)}`);
  }
  out += `,"droppedAttributesCount":${record.droppedAttributesCount}`;
  const sc = record.spanContext;
  if (sc !== undefined) {
    out += `,"flags":${sc.traceFlags},"traceId":${jsonText(sc.traceId)},"spanId":${jsonText(sc.spanId)}`;
  }
  return `${out},"attributes":[`;
}

function closeLine(open: string, hasAttributes: boolean, seq: number | undefined): string {
  if (seq === undefined) return `${open}]`;
  return `${open}${hasAttributes ? ',' : ''}{"key":"${ATTR_SECLOG_CHAIN_SEQ}","value":{"intValue":"${seq}"}},${OTLP_HASH_MARKER}`;
}

/**
 * The record's part of the line after {@link otlpLineHead}, open after its last attribute: finish
 * it with {@link otlpLineClose}.
 */
export function otlpLineOpen(record: ReadableLogRecord): string {
  return recordOpening(record) + keyValues(record.attributes, true);
}

/**
 * Finishes an {@link otlpLineOpen} text: with the record's chain sequence number, the chain
 * attributes up to and including the hash marker (the caller appends the 64 hex digits of the hash
 * and {@link OTLP_RECORD_TAIL}); without `seq` (hash chain off) the closed attribute list (the
 * caller appends {@link OTLP_UNCHAINED_RECORD_TAIL}).
 */
export function otlpLineClose(open: string, seq: number | undefined): string {
  return closeLine(open, !open.endsWith('['), seq);
}

/** {@link otlpLineOpen} and {@link otlpLineClose} in one. */
export function otlpLineBody(record: ReadableLogRecord, seq: number | undefined): string {
  // Decided from the attribute text's length: asking the joined string for its last character
  // would flatten it, a copy of the whole line.
  const attrs = keyValues(record.attributes, true);
  return closeLine(recordOpening(record) + attrs, attrs.length > 0, seq);
}
