// The end-to-end correlation check through the whole setup: concurrent HTTP requests through
// the middleware, records from SecurityLogger and component loggers, with and without a tracing SDK.
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { startSecurityLogging, withRequestContext } from '@seclog/node';
import type { SecurityLogging } from '@seclog/node';
import { setupTracing } from '../../http/test/e2e-harness.js';

const REQUESTS = 40;
let seclog: SecurityLogging | undefined;
let server: http.Server | undefined;
let teardownTracing: (() => Promise<void>) | undefined;

afterEach(async () => {
  server?.close();
  await seclog?.shutdown();
  await teardownTracing?.();
  seclog = undefined;
  server = undefined;
  teardownTracing = undefined;
});

async function start(withTracing: boolean) {
  const memory = new InMemoryLogRecordExporter();
  const spanIdsByTag = new Map<string, { traceId: string; spanId: string }>();
  let spans: ReturnType<typeof setupTracing>['spans'] | undefined;
  if (withTracing) {
    const tracing = setupTracing();
    teardownTracing = tracing.teardown;
    spans = tracing.spans;
  }
  seclog = startSecurityLogging({
    serviceName: 'corr',
    handleExit: false,
    console: false,
    file: false,
    exporters: { memory },
  });
  const s = seclog;
  const log = s.getLogger('corr.handler');
  const handler = withRequestContext(async (req, res) => {
    const tag = String(req.headers['x-tag']);
    s.security.authn.loginFail({ userId: tag, reason: 'bad_password' });
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    log.info('after a timer', { tag });
    await new Promise((r) => setImmediate(r));
    s.security.session.created({ userId: tag });
    res.end();
  });
  const tracer = trace.getTracer('corr-test');
  server = http.createServer((req, res) => {
    if (!withTracing) return void handler(req, res);
    tracer.startActiveSpan('GET', (span) => {
      const { traceId, spanId } = span.spanContext();
      spanIdsByTag.set(String(req.headers['x-tag']), { traceId, spanId });
      res.on('finish', () => span.end());
      void handler(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { memory, port, spanIdsByTag, spans };
}

async function drive(port: number) {
  const responses = await Promise.all(
    Array.from({ length: REQUESTS }, async (_, i) => {
      const headers: Record<string, string> = { 'x-tag': `user-${i}` };
      if (i % 3 === 0) headers['x-request-id'] = `incoming-${i}`;
      if (i % 3 === 1) headers['x-request-id'] = `bad id <${i}>`;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers });
      return { tag: `user-${i}`, i, echoed: res.headers.get('x-request-id') };
    }),
  );
  return responses;
}

function byTag(records: ReadableLogRecord[]): Map<string, ReadableLogRecord[]> {
  const map = new Map<string, ReadableLogRecord[]>();
  for (const r of records) {
    const tag = (r.attributes['user.id'] ?? r.attributes.tag) as string;
    map.set(tag, [...(map.get(tag) ?? []), r]);
  }
  return map;
}

describe('startSecurityLogging with withRequestContext', () => {
  for (const withTracing of [false, true]) {
    it(`gives every record of a request that request's id and trace, and no other's (${withTracing ? 'with' : 'without'} a tracing SDK)`, async () => {
      const { memory, port, spanIdsByTag } = await start(withTracing);
      const responses = await drive(port);
      expect(responses).toHaveLength(REQUESTS);
      await seclog!.forceFlush();
      const records = byTag(memory.getFinishedLogRecords());
      const seenTraces = new Set<string>();
      const seenIds = new Set<string>();
      for (const { tag, i, echoed } of responses) {
        const own = records.get(tag) ?? [];
        expect(own.map((r) => r.eventName ?? 'log')).toEqual([
          'seclog.authn_login_fail',
          'log',
          'seclog.session_created',
        ]);
        const ids = new Set(own.map((r) => r.attributes['seclog.request.id'] as string));
        const traces = new Set(own.map((r) => r.spanContext?.traceId ?? ''));
        expect(ids.size).toBe(1);
        expect(traces.size).toBe(1);
        const [id] = ids;
        const [traceId] = traces;
        expect(id).toBe(echoed);
        if (i % 3 === 0) expect(id).toBe(`incoming-${i}`);
        else expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(seenIds.has(id!)).toBe(false);
        expect(seenTraces.has(traceId!)).toBe(false);
        seenIds.add(id!);
        seenTraces.add(traceId!);
        if (withTracing) {
          const span = spanIdsByTag.get(tag)!;
          for (const r of own) {
            expect(r.spanContext?.traceId).toBe(span.traceId);
            expect(r.spanContext?.spanId).toBe(span.spanId);
          }
        }
      }
      expect(JSON.stringify(memory.getFinishedLogRecords().map((r) => r.attributes))).not.toContain(
        'bad id',
      );
    });
  }
});
