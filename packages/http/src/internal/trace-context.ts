// Trace context for a request when no span is active: continue an incoming W3C `traceparent`
// or start a fresh trace, so that every record of the request shares one trace id.
import { randomBytes } from 'node:crypto';
import { TraceFlags } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';

/** The fields of a valid version-00 `traceparent` header. */
export interface ParsedTraceparent {
  readonly traceId: string;
  readonly parentSpanId: string;
  readonly traceFlags: number;
}

// Version 00 only, lowercase hex as the W3C spec requires; anything else (other versions, extra
// fields, uppercase, whitespace, joined duplicates) is rejected rather than guessed at.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;

/** Parses a `traceparent` header strictly; `undefined` when it is absent or invalid. */
export function parseTraceparent(value: unknown): ParsedTraceparent | undefined {
  if (typeof value !== 'string' || value.length !== 55) return undefined;
  const match = TRACEPARENT.exec(value);
  if (match === null) return undefined;
  const [, traceId, parentSpanId, flags] = match;
  if (traceId === undefined || parentSpanId === undefined || flags === undefined) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentSpanId)) return undefined;
  return { traceId, parentSpanId, traceFlags: Number.parseInt(flags, 16) };
}

/**
 * The span context of this request's records: the incoming trace continued with a fresh span id,
 * or a fresh trace. Fresh traces are SAMPLED so that trace-based log filtering (which drops
 * records of unsampled traces) never drops request records; a continued trace keeps the
 * caller's sampled bit, which is the caller's decision to make.
 */
export function requestSpanContext(traceparent: unknown): SpanContext {
  const parsed = parseTraceparent(traceparent);
  if (parsed !== undefined) {
    return {
      traceId: parsed.traceId,
      spanId: randomHexId(8),
      traceFlags: parsed.traceFlags & TraceFlags.SAMPLED,
      isRemote: false,
    };
  }
  return freshSpanContext();
}

/** A new valid trace id and span id, SAMPLED. */
export function freshSpanContext(): SpanContext {
  return {
    traceId: randomHexId(16),
    spanId: randomHexId(8),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: false,
  };
}

function randomHexId(bytes: number): string {
  for (;;) {
    const id = randomBytes(bytes).toString('hex');
    // An all-zero id is invalid in W3C and OTel; the odds are 2^-64 or less, but never emit one.
    if (!ALL_ZERO.test(id)) return id;
  }
}
