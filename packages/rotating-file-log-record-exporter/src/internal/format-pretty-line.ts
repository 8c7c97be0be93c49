// The console's line formats, shared by the console exporter (@seclog/node) and `seclog tail` and
// `seclog verify --json` (@seclog/cli), so a record reads the same in both, quoted and escaped the
// same way. Here, under the `./verify` subpath, because both depend on this package and that
// module graph loads no OpenTelemetry package (the CLI runs without one).
import { escapeJsonLine } from './escape-for-line.js';

/** What the readable line shows of a record: built from a ReadableLogRecord or a file line. */
export interface PrettyRecord {
  /** Time of the record as `[seconds, nanoseconds]` since the Unix epoch. */
  readonly time: readonly [number, number];
  readonly severityText?: string | undefined;
  readonly severityNumber?: number | undefined;
  readonly eventName?: string | undefined;
  readonly body?: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly traceId?: string | undefined;
  readonly spanId?: string | undefined;
}

/**
 * Attributes a reader looks for first, right after the event name, in this order: who
 * (`user.id`), from where (`client.address`), how it ended (`seclog.outcome`) and why
 * (`seclog.reason`). The names of @seclog/semconv (a node test checks them through the line).
 */
const LEADING_ATTRIBUTES: readonly string[] = [
  'user.id',
  'client.address',
  'seclog.outcome',
  'seclog.reason',
];

// Characters that would make a bare token ambiguous: it would end early or look like a key.
const NOT_BARE = /[\s"=\\]/;
const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/**
 * A string as one token: bare when it is non-empty and holds nothing JSON or the escaping policy
 * would escape and nothing that ends a token (whitespace, `"`, `=`, `\`); otherwise its JSON
 * string, escaped once by the policy (`"say \"hi\""`).
 */
function textToken(text: string): string {
  const quoted = escapeJsonLine(JSON.stringify(text));
  return text !== '' && quoted.length === text.length + 2 && !NOT_BARE.test(text) ? text : quoted;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * One-line JSON of `value` under the escaping policy; byte arrays as base64, bigints as decimal
 * strings. Throws what `JSON.stringify` throws (a cycle, a throwing `toJSON`).
 */
export function jsonLine(value: unknown): string {
  return escapeJsonLine(JSON.stringify(value, jsonReplacer) ?? 'null');
}

/** A value as one token: strings as {@link textToken}, everything else as one-line JSON. */
function valueToken(value: unknown): string {
  if (typeof value === 'string') return textToken(value);
  try {
    return jsonLine(value);
  } catch {
    return '"[unserializable]"';
  }
}

function isoTime(time: readonly [number, number]): string {
  const ms = time[0] * 1000 + Math.floor(time[1] / 1e6);
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '-';
}

/** `WARN` for 13, `WARN2` for 14, ... as the OTel log data model names severity ranges. */
function severityName(n: number): string {
  const name = Number.isInteger(n) && n >= 1 && n <= 24 ? SEVERITY_NAMES[(n - 1) >> 2] : undefined;
  if (name === undefined) return '-';
  const step = (n - 1) % 4;
  return step === 0 ? name : `${name}${step + 1}`;
}

/**
 * The readable line of `record`, without its newline: time (ISO 8601, milliseconds), level
 * (severity text, else the name of the severity number) padded to 5, event name, the
 * {@link LEADING_ATTRIBUTES} present, body, the other attributes in record order as `key=value`,
 * then `trace_id=` and `span_id=`. Every field passes through the one escaping policy, so the line
 * holds no line terminator, control or bidi character whatever the record holds.
 */
export function formatPrettyLine(record: PrettyRecord): string {
  const level =
    record.severityText !== undefined
      ? textToken(record.severityText)
      : record.severityNumber !== undefined
        ? severityName(record.severityNumber)
        : '-';
  const parts = [isoTime(record.time), level.padEnd(5)];
  if (record.eventName !== undefined) parts.push(textToken(record.eventName));
  const attributes = record.attributes;
  for (const key of LEADING_ATTRIBUTES) {
    const value = attributes[key];
    if (value !== undefined) parts.push(`${key}=${valueToken(value)}`);
  }
  if (record.body !== undefined) parts.push(valueToken(record.body));
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined || LEADING_ATTRIBUTES.includes(key)) continue;
    parts.push(`${textToken(key)}=${valueToken(value)}`);
  }
  if (record.traceId !== undefined) parts.push(`trace_id=${textToken(record.traceId)}`);
  if (record.spanId !== undefined) parts.push(`span_id=${textToken(record.spanId)}`);
  return parts.join(' ');
}
