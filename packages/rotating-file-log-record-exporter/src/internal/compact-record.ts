// The hand-over form of a record for the batch worker: one array per record, all of a batch
// flattened with a single native JSON.stringify on the calling thread and rebuilt in the worker.
// Only records whose values survive JSON unchanged take this road; the rest are rendered in place.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/**
 * `[head, t0, t1, o0, o1, severityNumber, severityText, hasBody, body, eventName,
 *   droppedAttributesCount, traceFlags, traceId, spanId, attributes]`, `null` for absent fields.
 */
export type CompactRecord = [
  number,
  number,
  number,
  number,
  number,
  number | null,
  string | null,
  0 | 1,
  unknown,
  string | null,
  number,
  number | null,
  string | null,
  string | null,
  Record<string, unknown>,
];

/**
 * True when JSON.stringify → JSON.parse gives back a value the OTLP writer renders identically:
 * strings, finite numbers, booleans, null, arrays and plain objects without undefined members.
 * NaN, Infinity, Uint8Array, bigint, undefined and class instances are rendered in place instead.
 */
export function survivesJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      // Deeper than the writer would ever nest a log attribute: not worth a stack overflow here.
      if (depth > 64) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!survivesJson(value[i], depth + 1)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!survivesJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function finiteTime(t: readonly [number, number]): boolean {
  return Number.isFinite(t[0]) && Number.isFinite(t[1]);
}

/** The compact form of `record`, or undefined when it must be rendered in place. */
export function compactRecord(record: ReadableLogRecord, head: number): CompactRecord | undefined {
  const attributes = record.attributes as Record<string, unknown>;
  const body = record.body;
  if (
    !finiteTime(record.hrTime) ||
    !finiteTime(record.hrTimeObserved) ||
    (body !== undefined && !survivesJson(body)) ||
    !survivesJson(attributes)
  )
    return undefined;
  const sc = record.spanContext;
  if (
    (sc !== undefined &&
      (typeof sc.traceId !== 'string' ||
        typeof sc.spanId !== 'string' ||
        typeof sc.traceFlags !== 'number')) ||
    (record.severityText !== undefined && typeof record.severityText !== 'string') ||
    (record.eventName !== undefined && typeof record.eventName !== 'string') ||
    (record.severityNumber !== undefined && !Number.isFinite(Number(record.severityNumber))) ||
    !Number.isFinite(record.droppedAttributesCount)
  )
    return undefined;
  return [
    head,
    record.hrTime[0],
    record.hrTime[1],
    record.hrTimeObserved[0],
    record.hrTimeObserved[1],
    record.severityNumber === undefined ? null : Number(record.severityNumber),
    record.severityText ?? null,
    body === undefined ? 0 : 1,
    body ?? null,
    record.eventName ?? null,
    record.droppedAttributesCount,
    sc === undefined ? null : sc.traceFlags,
    sc === undefined ? null : sc.traceId,
    sc === undefined ? null : sc.spanId,
    attributes,
  ];
}

/** The record fields the OTLP line writer reads, rebuilt from the compact form. */
export function expandRecord(c: CompactRecord): ReadableLogRecord {
  return {
    hrTime: [c[1], c[2]],
    hrTimeObserved: [c[3], c[4]],
    severityNumber: c[5] ?? undefined,
    severityText: c[6] ?? undefined,
    body: c[7] === 1 ? c[8] : undefined,
    eventName: c[9] ?? undefined,
    droppedAttributesCount: c[10],
    spanContext:
      c[12] === null ? undefined : { traceFlags: c[11] ?? 0, traceId: c[12], spanId: c[13] ?? '' },
    attributes: c[14],
  } as unknown as ReadableLogRecord;
}

/** Record time of a compact record in ms since the epoch (as the exporter's staleness checks use). */
export function compactTimeMs(c: CompactRecord): number {
  return c[1] * 1000 + Math.floor(c[2] / 1e6);
}
