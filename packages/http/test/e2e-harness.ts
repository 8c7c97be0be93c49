// Shared end-to-end harness: a real LoggerProvider with an in-memory exporter, a handler body that
// emits records across async boundaries, a concurrent HTTP client, and the correlation checks.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { contextForEmit, getRequestContext } from '@seclog/security-logger';
import { isValidRequestId } from '@seclog/http';
import { expect } from 'vitest';

export const TAG_HEADER = 'x-test-tag';
export const STEPS = [
  'sync',
  'await',
  'timeout',
  'immediate',
  'emitter',
  'stream-a',
  'stream-b',
] as const;
export const REQUESTS = 60;

/** A LoggerProvider exporting to memory. */
export function setupLogs(): {
  exporter: InMemoryLogRecordExporter;
  provider: LoggerProvider;
  logger: Logger;
} {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  return { exporter, provider, logger: provider.getLogger('seclog-http-test') };
}

/**
 * A tracing SDK: NodeTracerProvider with an in-memory span exporter, registered through the
 * `@opentelemetry/api` the code under test sees (on the 3.x test line that is api 1.10, which
 * cannot read globals registered by the 1.9 copy `provider.register()` would use).
 */
export function setupTracing(): {
  spans: InMemorySpanExporter;
  provider: NodeTracerProvider;
  teardown: () => Promise<void>;
} {
  const spans = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())).toBe(
    true,
  );
  expect(trace.setGlobalTracerProvider(provider)).toBe(true);
  expect(propagation.setGlobalPropagator(new W3CTraceContextPropagator())).toBe(true);
  return {
    spans,
    provider,
    teardown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * What an HTTP instrumentation does: wraps a request listener in an active SERVER span, tagged so
 * tests can find the span of each request.
 */
export function withServerSpan(
  listener: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const tracer = trace.getTracer('seclog-http-test');
  return (req, res) => {
    const tag = String(req.headers[TAG_HEADER]);
    tracer.startActiveSpan(
      `${req.method ?? 'GET'}`,
      { attributes: { 'test.tag': tag } },
      (span) => {
        res.on('finish', () => span.end());
        listener(req, res);
      },
    );
  };
}

function jitter(): number {
  return Math.floor(Math.random() * 4);
}

/** Emits one record per STEPS entry, each after a different kind of async boundary. */
export async function emitAcrossAsyncBoundaries(logger: Logger, tag: string): Promise<void> {
  const emit = (step: string): void => {
    logger.emit({
      body: `${tag} ${step}`,
      context: contextForEmit(),
      attributes: {
        'seclog.request.id': getRequestContext()?.requestId ?? 'none',
        'test.tag': tag,
        'test.step': step,
      },
    });
  };
  emit('sync');
  await Promise.resolve();
  emit('await');
  await new Promise<void>((resolve) => {
    setTimeout(() => {
      emit('timeout');
      resolve();
    }, jitter());
  });
  await new Promise<void>((resolve) => {
    setImmediate(() => {
      emit('immediate');
      resolve();
    });
  });
  const emitter = new EventEmitter();
  const heard = new Promise<void>((resolve) => {
    emitter.once('ping', () => {
      emit('emitter');
      resolve();
    });
  });
  setTimeout(() => emitter.emit('ping'), jitter());
  await heard;
  await pipeline(
    Readable.from(['a', 'b']),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        emit(`stream-${chunk.toString()}`);
        setTimeout(callback, jitter());
      },
    }),
  );
}

/** One request the client sent and what came back. */
export interface Exchange {
  readonly tag: string;
  readonly sentId: string | undefined;
  readonly responseId: string;
  readonly status: number;
  readonly body: string;
}

/** Incoming request ids the client sends, cycling: none, valid ones, and hostile ones. */
export function requestIdFor(i: number): string | undefined {
  switch (i % 8) {
    case 0:
      return undefined;
    case 1:
      return `client-${i}_a.b:c`;
    case 2:
      return `${'v'.repeat(124)}${String(i).padStart(4, '0')}`; // 128 chars: the longest kept
    case 3:
      return `<script>alert(${i})</script>`;
    case 4:
      return `${'x'.repeat(196)}${String(i).padStart(4, '0')}`; // 200 chars
    case 5:
      return `a b ${i}`;
    case 6:
      return `a\tb${i}`;
    default:
      return `caf\u00e9-${i}`;
  }
}

/** Sends one request (POST with a JSON body for odd `i`) and collects the response. */
export function send(
  port: number,
  agent: http.Agent,
  i: number,
  extraHeaders: Record<string, string> = {},
): Promise<Exchange> {
  const tag = `req-${i}`;
  const sentId = requestIdFor(i);
  const post = i % 2 === 1;
  const headers: Record<string, string> = { [TAG_HEADER]: tag, ...extraHeaders };
  if (sentId !== undefined) headers['x-request-id'] = sentId;
  if (post) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: post ? 'POST' : 'GET',
        path: `/items/${i}?token=secret-${i}`,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const header = res.headers['x-request-id'];
          resolve({
            tag,
            sentId,
            responseId: typeof header === 'string' ? header : '',
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(post ? JSON.stringify({ i }) : undefined);
  });
}

/** Starts `server` on 127.0.0.1 port 0, drives REQUESTS concurrent requests, and closes it. */
export async function drive(
  server: http.Server,
  extraHeaders: (i: number) => Record<string, string> = () => ({}),
): Promise<Exchange[]> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Kept-alive sockets are reused across requests, so one socket serves several contexts.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    return await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) => send(port, agent, i, extraHeaders(i))),
    );
  } finally {
    agent.destroy();
    await new Promise<void>((resolve, reject) =>
      server.close((err) => (err ? reject(err) : resolve())),
    );
  }
}

function stringsOf(record: ReadableLogRecord): string[] {
  const values: unknown[] = [record.body, ...Object.values(record.attributes)];
  return values.filter((v): v is string => typeof v === 'string');
}

/**
 * Checks the correlation contract: every record of a request carries that request's id and one
 * trace id shared by its records and by no other request; the response echoes the id; valid
 * incoming ids are kept, others replaced and never present raw in any record. Returns each
 * request's span context so callers can compare it with a server span or a traceparent.
 */
export function expectCorrelated(
  exchanges: readonly Exchange[],
  records: readonly ReadableLogRecord[],
): Map<string, { traceId: string; spanId: string }> {
  const byTag = new Map<string, ReadableLogRecord[]>();
  for (const record of records) {
    const tag = record.attributes['test.tag'] as string;
    byTag.set(tag, [...(byTag.get(tag) ?? []), record]);
  }
  expect(byTag.size).toBe(exchanges.length);
  const traceOwner = new Map<string, string>();
  const idOwner = new Map<string, string>();
  const result = new Map<string, { traceId: string; spanId: string }>();
  for (const exchange of exchanges) {
    expect(exchange.status).toBe(200);
    expect(exchange.body).toBe('ok');
    expect(isValidRequestId(exchange.responseId)).toBe(true);
    if (exchange.sentId !== undefined && isValidRequestId(exchange.sentId)) {
      expect(exchange.responseId).toBe(exchange.sentId);
    } else if (exchange.sentId !== undefined) {
      expect(exchange.responseId).not.toBe(exchange.sentId);
      for (const record of records) {
        for (const value of stringsOf(record)) expect(value).not.toContain(exchange.sentId);
      }
    }
    const own = byTag.get(exchange.tag) ?? [];
    expect(own.map((r) => r.attributes['test.step']).sort()).toEqual([...STEPS].sort());
    for (const record of own) {
      expect(record.attributes['seclog.request.id']).toBe(exchange.responseId);
    }
    const traceIds = new Set(own.map((r) => r.spanContext?.traceId));
    const spanIds = new Set(own.map((r) => r.spanContext?.spanId));
    expect(traceIds.size).toBe(1);
    expect(spanIds.size).toBe(1);
    const traceId = [...traceIds][0] ?? '';
    const spanId = [...spanIds][0] ?? '';
    expect(traceId).toMatch(/^(?!0+$)[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^(?!0+$)[0-9a-f]{16}$/);
    expect(traceOwner.get(traceId)).toBeUndefined();
    traceOwner.set(traceId, exchange.tag);
    expect(idOwner.get(exchange.responseId)).toBeUndefined();
    idOwner.set(exchange.responseId, exchange.tag);
    result.set(exchange.tag, { traceId, spanId });
  }
  // No record anywhere carries the query string.
  for (const record of records) {
    for (const value of stringsOf(record)) expect(value).not.toContain('secret-');
  }
  return result;
}

/** Checks that each request's records carry exactly its server span's trace id and span id. */
export function expectServerSpans(
  correlated: Map<string, { traceId: string; spanId: string }>,
  spans: readonly ReadableSpan[],
): void {
  expect(spans.length).toBe(correlated.size);
  for (const span of spans) {
    const tag = String(span.attributes['test.tag']);
    const { traceId, spanId } = span.spanContext();
    expect(correlated.get(tag)).toEqual({ traceId, spanId });
  }
}
