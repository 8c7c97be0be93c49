import { TraceFlags, isSpanContextValid } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  freshSpanContext,
  parseTraceparent,
  requestSpanContext,
} from '../../src/internal/trace-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it.each([
    ['a sampled header', `00-${TRACE_ID}-${PARENT_ID}-01`, 1],
    ['an unsampled header', `00-${TRACE_ID}-${PARENT_ID}-00`, 0],
    ['unknown flag bits', `00-${TRACE_ID}-${PARENT_ID}-ff`, 255],
  ])('accepts %s', (_name, header, flags) => {
    expect(parseTraceparent(header)).toEqual({
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
      traceFlags: flags,
    });
  });

  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['an array of headers', [`00-${TRACE_ID}-${PARENT_ID}-01`]],
    ['the empty string', ''],
    ['version 01', `01-${TRACE_ID}-${PARENT_ID}-01`],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['a future version with extra fields', `01-${TRACE_ID}-${PARENT_ID}-01-extra`],
    ['extra fields on version 00', `00-${TRACE_ID}-${PARENT_ID}-01-extra`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['an uppercase trace id', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['an uppercase flag', `00-${TRACE_ID}-${PARENT_ID}-0A`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a long parent id', `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ['non-hex characters', `00-${TRACE_ID.slice(0, 31)}g-${PARENT_ID}-01`],
    ['surrounding whitespace', ` 00-${TRACE_ID}-${PARENT_ID}-01 `],
    ['a CRLF injection', `00-${TRACE_ID}-${PARENT_ID}-01\r\nx: y`],
    ['two joined headers', `00-${TRACE_ID}-${PARENT_ID}-01, 00-${TRACE_ID}-${PARENT_ID}-01`],
    ['underscores for dashes', `00_${TRACE_ID}_${PARENT_ID}_01`],
    ['a huge value', `00-${TRACE_ID}-${PARENT_ID}-01${'0'.repeat(100_000)}`],
  ])('rejects %s', (_name, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('requestSpanContext', () => {
  it('continues an incoming trace with a fresh local span id and its sampled bit', () => {
    const spanContext = requestSpanContext(`00-${TRACE_ID}-${PARENT_ID}-03`);
    expect(spanContext.traceId).toBe(TRACE_ID);
    expect(spanContext.spanId).not.toBe(PARENT_ID);
    expect(spanContext.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(spanContext.isRemote).toBe(false);
    expect(isSpanContextValid(spanContext)).toBe(true);
  });

  it('keeps an unsampled incoming trace unsampled', () => {
    expect(requestSpanContext(`00-${TRACE_ID}-${PARENT_ID}-00`).traceFlags).toBe(TraceFlags.NONE);
  });

  it('starts a fresh sampled trace when the header is invalid', () => {
    const spanContext = requestSpanContext(`00-${'0'.repeat(32)}-${PARENT_ID}-01`);
    expect(spanContext.traceId).not.toBe('0'.repeat(32));
    expect(spanContext.traceFlags).toBe(TraceFlags.SAMPLED);
    expect(isSpanContextValid(spanContext)).toBe(true);
  });
});

describe('freshSpanContext', () => {
  it('creates valid, sampled, local and distinct span contexts', () => {
    const contexts = Array.from({ length: 100 }, () => freshSpanContext());
    for (const spanContext of contexts) {
      expect(isSpanContextValid(spanContext)).toBe(true);
      expect(spanContext.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanContext.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(spanContext.traceFlags).toBe(TraceFlags.SAMPLED);
      expect(spanContext.isRemote).toBe(false);
    }
    expect(new Set(contexts.map((c) => c.traceId)).size).toBe(contexts.length);
  });
});
