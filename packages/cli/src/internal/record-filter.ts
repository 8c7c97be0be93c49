// `seclog tail` filters: which records read back from the files a person asked to see, and the
// flat JSON record `--json` prints for jq.
import { isIPv6 } from 'node:net';
import type { FileRecord } from '../format-pretty.js';
import { parseDuration } from '../parse-duration.js';
import { jsonLine } from '@seclog/rotating-file-log-record-exporter/verify';

/** What `--event`, `--user`, `--address`, `--since` and `--severity` asked for. */
export interface RecordFilter {
  /** Event names; one ending in `*` matches by prefix. */
  events?: readonly string[];
  userIds?: readonly string[];
  /** Client addresses, in any spelling (see `canonicalAddress`). */
  addresses?: readonly string[];
  /** Milliseconds since the epoch: records older are left out. */
  sinceMs?: number;
  /** Lowest severity number shown. */
  minSeverity?: number;
}

const SEVERITY_FLOORS: Readonly<Record<string, number>> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
};
/** seclog's OWASP level that is not an OTel level name: CRITICAL is ERROR2 (as syslog Critical). */
// @seclog/semconv's SEVERITY_NUMBER_BY_LEVEL.CRITICAL, not imported: verify and tail load no OTel package.
const CRITICAL = 18;

/**
 * The severity number of a level name (`warn`, `WARN2`, `critical`) or number (`13`); undefined if
 * neither.
 */
export function parseSeverity(text: string): number | undefined {
  if (text.toUpperCase() === 'CRITICAL') return CRITICAL;
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 24 ? n : undefined;
  }
  const m = /^([a-z]+)([2-4])?$/i.exec(text);
  const floor = m === null ? undefined : SEVERITY_FLOORS[(m[1] as string).toUpperCase()];
  return floor === undefined ? undefined : floor + (m?.[2] === undefined ? 0 : Number(m[2]) - 1);
}

/**
 * `--since` as milliseconds since the epoch: a duration back from `nowMs` (`15m`, `2h`) or an
 * ISO 8601 time (`2026-12-07T10:00:00Z`); undefined if neither.
 */
export function parseSince(text: string, nowMs: number): number | undefined {
  const ms = parseDuration(text);
  if (ms !== undefined) return nowMs - ms;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

/** A comma-separated flag value as its non-empty entries. */
export function listOf(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The severity number of a record: its own, else the one its severity text names. */
function severityOf(record: FileRecord): number | undefined {
  if (record.severityNumber !== undefined && record.severityNumber > 0)
    return record.severityNumber;
  return record.severityText === undefined ? undefined : parseSeverity(record.severityText);
}

function eventMatches(name: string | undefined, patterns: readonly string[]): boolean {
  if (name === undefined) return false;
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

function attributeIn(record: FileRecord, key: string, values: readonly string[]): boolean {
  const value = record.attributes[key];
  return (typeof value === 'string' || typeof value === 'number') && values.includes(String(value));
}

/**
 * One spelling per address: IPv6 compressed and lower-case, and an IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, as a dual-stack server reports an IPv4 client) as its IPv4 form, so that
 * `--address 10.0.0.1` finds the records of either server and `--address ::ffff:10.0.0.1` too.
 */
function canonicalAddress(text: string): string {
  const t = text.trim();
  if (!isIPv6(t)) return t;
  let host: string;
  try {
    host = new URL(`http://[${t}]`).hostname.slice(1, -1);
  } catch {
    // A zone id (`fe80::1%eth0`) is no URL host: compared as written, less the case.
    return t.toLowerCase();
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped === null) return host;
  const hi = parseInt(mapped[1] as string, 16);
  const lo = parseInt(mapped[2] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function addressIn(record: FileRecord, addresses: readonly string[]): boolean {
  const value = record.attributes['client.address'];
  if (typeof value !== 'string') return false;
  const address = canonicalAddress(value);
  return addresses.some((a) => canonicalAddress(a) === address);
}

/**
 * Whether `record` passes every filter given. A filter on a field the record lacks leaves it out:
 * `--user alice` shows no record without `user.id`, `--severity warn` none without a severity.
 */
export function matchesFilter(record: FileRecord, filter: RecordFilter): boolean {
  if (filter.events !== undefined && !eventMatches(record.eventName, filter.events)) return false;
  if (filter.userIds !== undefined && !attributeIn(record, 'user.id', filter.userIds)) return false;
  if (filter.addresses !== undefined && !addressIn(record, filter.addresses)) return false;
  if (filter.sinceMs !== undefined) {
    const ms = record.time[0] * 1000 + Math.floor(record.time[1] / 1e6);
    if (!(ms >= filter.sinceMs)) return false;
  }
  if (filter.minSeverity !== undefined) {
    const severity = severityOf(record);
    if (severity === undefined || severity < filter.minSeverity) return false;
  }
  return true;
}

function isoTime(time: readonly [number, number]): string | null {
  const ms = time[0] * 1000 + Math.floor(time[1] / 1e6);
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

/**
 * One record as one flat JSON object for jq: `time` (ISO 8601), `severity_text`,
 * `severity_number`, `event_name`, `body`, `trace_id`, `span_id`, then every resource and record
 * attribute under its own dotted key (`service.name`, `user.id`), the record's winning over the
 * resource's. An attribute whose key is one of the fixed fields is written as `attributes.<key>`,
 * so nothing is lost. Escaped by the one policy like every line seclog prints.
 */
export function flatJsonLine(record: FileRecord): string {
  const out: Record<string, unknown> = {
    time: isoTime(record.time),
    severity_text: record.severityText ?? null,
    severity_number: record.severityNumber ?? null,
    event_name: record.eventName ?? null,
    body: record.body ?? null,
    trace_id: record.traceId ?? null,
    span_id: record.spanId ?? null,
  };
  const fixed = new Set(Object.keys(out));
  for (const [key, value] of [
    ...Object.entries(record.resource),
    ...Object.entries(record.attributes),
  ]) {
    out[fixed.has(key) ? `attributes.${key}` : key] = value;
  }
  return jsonLine(out);
}
