// `seclog tail` on a terminal: a file line (otlp-json or ecs-json) read back into a record and
// printed as the console's readable line, so a record reads the same in both.
import {
  escapeForLine,
  formatPrettyLine,
  type PrettyRecord,
} from '@seclog/rotating-file-log-record-exporter/verify';

type Json = Record<string, unknown>;

/** A record read back from a file line, with the attributes of the resource that wrote it. */
export interface FileRecord extends PrettyRecord {
  readonly resource: Readonly<Record<string, unknown>>;
}

/** The line's own chain fields, which the console never shows (an anchor's `seclog.chain.anchor.*` it does). */
const CHAIN_FIELDS = new Set(['seclog.chain.seq', 'seclog.chain.hash']);
/** ECS fields the line sets from the record itself (see docs/file-format.md). */
const ECS_CORE = new Set([
  '@timestamp',
  'log.level',
  'event.severity',
  'message',
  'event.action',
  'log.logger',
  'trace.id',
  'span.id',
]);

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function optionalNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** An OTLP/JSON AnyValue as the value the record held (so it prints as the console prints it). */
function fromAnyValue(v: unknown): unknown {
  if (!isObject(v)) return null;
  if ('stringValue' in v) return String(v.stringValue);
  if ('intValue' in v) return Number(v.intValue);
  // proto3 JSON spells the non-finite doubles as strings: Number() reads them back.
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('boolValue' in v) return v.boolValue === true;
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(String(v.bytesValue), 'base64'));
  if ('arrayValue' in v) {
    const values = isObject(v.arrayValue) ? v.arrayValue.values : undefined;
    return Array.isArray(values) ? values.map(fromAnyValue) : [];
  }
  if ('kvlistValue' in v) return fromKeyValues(isObject(v.kvlistValue) ? v.kvlistValue.values : []);
  return null;
}

function fromKeyValues(list: unknown, skipChain = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObject(kv) || typeof kv.key !== 'string') continue;
    if (skipChain && CHAIN_FIELDS.has(kv.key)) continue;
    out[kv.key] = fromAnyValue(kv.value);
  }
  return out;
}

/** Nanoseconds since the epoch (a decimal string) as `[seconds, nanoseconds]`. */
function nanosToHrTime(ns: unknown): [number, number] | undefined {
  if (typeof ns !== 'string' || !/^\d{1,30}$/.test(ns) || /^0+$/.test(ns)) return undefined;
  const n = BigInt(ns);
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
}

function fromOtlpRecord(rec: Json, resource: Record<string, unknown>): FileRecord {
  return {
    resource,
    time: nanosToHrTime(rec.timeUnixNano) ?? nanosToHrTime(rec.observedTimeUnixNano) ?? [NaN, 0],
    severityText: optionalString(rec.severityText),
    severityNumber: optionalNumber(rec.severityNumber),
    eventName: optionalString(rec.eventName),
    body: 'body' in rec ? fromAnyValue(rec.body) : undefined,
    attributes: fromKeyValues(rec.attributes, true),
    traceId: optionalString(rec.traceId),
    spanId: optionalString(rec.spanId),
  };
}

/** Every record of an OTLP line (one ExportLogsServiceRequest: several in format v2), in order. */
function fromOtlp(line: Json): FileRecord[] {
  const out: FileRecord[] = [];
  const resourceLogs = Array.isArray(line.resourceLogs) ? (line.resourceLogs as unknown[]) : [];
  for (const rl of resourceLogs) {
    const resource = fromKeyValues(
      isObject(rl) && isObject(rl.resource) ? rl.resource.attributes : undefined,
    );
    const scopeLogs =
      isObject(rl) && Array.isArray(rl.scopeLogs) ? (rl.scopeLogs as unknown[]) : [];
    for (const sl of scopeLogs) {
      const logRecords =
        isObject(sl) && Array.isArray(sl.logRecords) ? (sl.logRecords as unknown[]) : [];
      for (const rec of logRecords) if (isObject(rec)) out.push(fromOtlpRecord(rec, resource));
    }
  }
  return out;
}

function fromEcs(line: Json): FileRecord {
  const ms = typeof line['@timestamp'] === 'string' ? Date.parse(line['@timestamp']) : NaN;
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(line)) {
    if (!ECS_CORE.has(key) && !CHAIN_FIELDS.has(key)) attributes[key] = value;
  }
  return {
    resource: {},
    time: [Math.floor(ms / 1000), (((ms % 1000) + 1000) % 1000) * 1e6],
    severityText: optionalString(line['log.level']),
    severityNumber: optionalNumber(line['event.severity']),
    eventName: optionalString(line['event.action']),
    body: line.message,
    attributes,
    traceId: optionalString(line['trace.id']),
    spanId: optionalString(line['span.id']),
  };
}

/**
 * The records of one line of a seclog file (an `otlp-json` line of format v2 holds several), chain
 * attributes left out; undefined when the line is not a record. An `ecs-json` line has its
 * resource fields among the attributes.
 */
export function readFileLine(line: string): FileRecord[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  if (!('resourceLogs' in parsed)) return [fromEcs(parsed)];
  const records = fromOtlp(parsed);
  return records.length === 0 ? undefined : records;
}

/**
 * One line of a seclog file rendered as the console's readable lines, one per record (an
 * `otlp-json` line of format v2 holds several): time, level, event, the fields a reader looks for,
 * body, other attributes; chain attributes left out. An `ecs-json` line has its resource fields
 * among the attributes. A line that is not a record comes back with every unsafe character
 * escaped. Each readable line is escaped on its own, so they are joined by newlines only.
 */
export function formatPretty(line: string): string {
  const records = readFileLine(line);
  return records === undefined ? escapeForLine(line) : records.map(formatPrettyLine).join('\n');
}
