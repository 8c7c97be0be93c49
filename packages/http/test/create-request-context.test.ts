import { ROOT_CONTEXT, TraceFlags, context, diag, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createRequestContext, isValidRequestId } from '@seclog/http';
import type { HttpRequestLike } from '@seclog/http';
import { afterEach, describe, expect, it, vi } from 'vitest';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function spyOnDiag(): ReturnType<typeof vi.fn> {
  const warn = vi.fn();
  diag.setLogger({
    warn,
    error: vi.fn(),
    info: vi.fn(),
    debug: vi.fn(),
    verbose: vi.fn(),
  });
  return warn;
}

const VALID_IDS = [
  'a',
  'abc-123',
  'req_1.2:3',
  '550e8400-e29b-41d4-a716-446655440000',
  '1-67891233-abcdef012345678912345678',
  'x'.repeat(128),
];

const INVALID_IDS: [string, unknown][] = [
  ['the empty string', ''],
  ['129 characters', 'x'.repeat(129)],
  ['200 characters', 'y'.repeat(200)],
  ['a newline', 'a\nb'],
  ['a CRLF with a forged header', 'a\r\nSet-Cookie: x=1'],
  ['a U+2028 line separator', 'a\u2028b'],
  ['an ANSI escape', '\u001b[31mred'],
  ['markup', '<script>alert(1)</script>'],
  ['a space', 'a b'],
  ['an equals sign', 'Root=1-abc'],
  ['a tab', 'a\tb'],
  ['a slash', '../../etc/passwd'],
  ['JSON', '{"event":"forged"}'],
  ['a NUL', 'a\u0000b'],
  ['non-ASCII', 'caf\u00e9'],
  ['an emoji', 'id-\u{1F600}'],
  ['joined duplicates', 'a, b'],
  ['an array', ['a', 'b']],
  ['a number', 42],
  ['undefined', undefined],
];

describe('isValidRequestId', () => {
  it.each(VALID_IDS)('accepts %j', (id) => {
    expect(isValidRequestId(id)).toBe(true);
  });

  it.each(INVALID_IDS)('rejects %s', (_name, id) => {
    expect(isValidRequestId(id)).toBe(false);
  });
});

describe('createRequestContext', () => {
  afterEach(() => {
    diag.disable();
    context.disable();
    vi.restoreAllMocks();
  });

  describe('requestId', () => {
    it.each(VALID_IDS)('keeps the valid incoming id %j', (id) => {
      const requestContext = createRequestContext({ headers: { 'x-request-id': id } });
      expect(requestContext.requestId).toBe(id);
      expect(requestContext.attributes?.['seclog.request.id_rejected']).toBeUndefined();
    });

    it.each(INVALID_IDS.filter(([, id]) => id !== undefined))(
      'replaces an incoming id with %s and keeps only a flag',
      (_name, id) => {
        const requestContext = createRequestContext({
          headers: { 'x-request-id': id as string | string[] },
        });
        expect(requestContext.requestId).toMatch(UUID);
        expect(requestContext.attributes?.['seclog.request.id_rejected']).toBe(true);
        const serialized = JSON.stringify(requestContext);
        if (typeof id === 'string' && id.length > 0) expect(serialized).not.toContain(id);
      },
    );

    it('generates a distinct id when none is sent', () => {
      const ids = new Set(
        Array.from({ length: 50 }, () => createRequestContext({ headers: {} }).requestId),
      );
      expect(ids.size).toBe(50);
      for (const id of ids) expect(id).toMatch(UUID);
    });

    it('reads the configured header, case-insensitively', () => {
      const req = { headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'other' } };
      expect(createRequestContext(req, { requestIdHeader: 'X-Correlation-ID' }).requestId).toBe(
        'corr-1',
      );
    });
  });

  describe('spanContext', () => {
    it('continues a valid traceparent with a new span id', () => {
      const { spanContext } = createRequestContext({
        headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
      });
      expect(spanContext).toMatchObject({
        traceId: TRACE_ID,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: false,
      });
      expect(spanContext?.spanId).toMatch(/^(?!00f067aa0ba902b7)[0-9a-f]{16}$/);
    });

    it('creates a fresh sampled trace without a traceparent', () => {
      const { spanContext } = createRequestContext({ headers: {} });
      expect(spanContext?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanContext?.traceFlags).toBe(TraceFlags.SAMPLED);
    });

    it('is left undefined while a valid span is active, whatever the traceparent says', () => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const active = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        traceFlags: TraceFlags.SAMPLED,
      });
      const requestContext = context.with(active, () =>
        createRequestContext({ headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } }),
      );
      expect(requestContext.spanContext).toBeUndefined();
    });
  });

  describe('attributes', () => {
    it('records method, path without query, addresses and user agent', () => {
      const { attributes } = createRequestContext({
        headers: { 'user-agent': 'curl/8.0', 'x-forwarded-for': '203.0.113.9' },
        method: 'POST',
        url: '/login?password=hunter2',
        socket: { remoteAddress: '::1' },
      });
      expect(attributes).toEqual({
        'http.request.method': 'POST',
        'url.path': '/login',
        'client.address': '::1',
        'network.peer.address': '::1',
        'user_agent.original': 'curl/8.0',
      });
    });
  });

  describe('failure handling', () => {
    it('returns a fresh context and reports through diag when the request cannot be read', () => {
      const warn = spyOnDiag();
      const hostile = {
        get headers(): never {
          throw new Error('boom');
        },
      } as unknown as HttpRequestLike;
      const requestContext = createRequestContext(hostile);
      expect(requestContext.requestId).toMatch(UUID);
      expect(requestContext.spanContext?.traceFlags).toBe(TraceFlags.SAMPLED);
      expect(warn).toHaveBeenCalledWith(
        '@seclog/http: could not read the request; using a fresh request context',
        expect.any(Error),
      );
    });

    it('uses the defaults and reports through diag when options are invalid', () => {
      const warn = spyOnDiag();
      const requestContext = createRequestContext(
        { headers: { 'x-request-id': 'kept' } },
        { requestIdHeader: 'bad header' },
      );
      expect(requestContext.requestId).toBe('kept');
      expect(warn).toHaveBeenCalledWith(
        '@seclog/http: requestIdHeader must be a valid HTTP header name; using the defaults',
      );
    });
  });
});
