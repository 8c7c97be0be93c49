import { AsyncResource } from 'node:async_hooks';
import http from 'node:http';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { getRequestContext } from '@seclog/security-logger';
import { fastifyRequestContext } from '@seclog/http';
import { describe, expect, it, vi } from 'vitest';
import {
  REQUESTS,
  TAG_HEADER,
  drive,
  emitAcrossAsyncBoundaries,
  expectCorrelated,
  expectServerSpans,
  setupLogs,
  setupTracing,
  withServerSpan,
} from './e2e-harness.js';

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A Fastify app on a node:http server we control, so requests can be wrapped in a span. */
async function setup(wrap: (listener: Listener) => Listener = (listener) => listener) {
  const logs = setupLogs();
  let server: http.Server | undefined;
  const app: FastifyInstance = Fastify({
    serverFactory: (handler) => {
      server = http.createServer(wrap(handler));
      return server;
    },
  });
  await app.register(fastifyRequestContext);
  // Registered in an encapsulated child plugin: the hooks still apply (skip-override).
  await app.register((child, _opts, done) => {
    // An async hook before the handler: the context reaches it.
    child.addHook('preHandler', async (request) => {
      await Promise.resolve();
      if (getRequestContext() === undefined) throw new Error(`no context for ${request.url}`);
    });
    const handle = async (request: { headers: Record<string, unknown> }) => {
      await emitAcrossAsyncBoundaries(logs.logger, String(request.headers[TAG_HEADER]));
      return 'ok';
    };
    child.get('/items/:id', handle);
    child.post('/items/:id', handle);
    done();
  });
  await app.ready();
  if (server === undefined) throw new Error('serverFactory was not called');
  return { ...logs, app, server };
}

describe('fastifyRequestContext', () => {
  describe('without a tracing SDK', () => {
    it('correlates every record of concurrent requests with its own request id and trace', async () => {
      const { server, exporter, app } = await setup();
      const exchanges = await drive(server);
      await app.close();
      expect(exchanges).toHaveLength(REQUESTS);
      expectCorrelated(exchanges, exporter.getFinishedLogRecords());
    });

    it('continues an incoming traceparent with the incoming trace id', async () => {
      const { server, exporter, app } = await setup();
      const traceIdOf = (i: number): string => (i + 7).toString(16).padStart(32, '0');
      const exchanges = await drive(server, (i) => ({
        traceparent: `00-${traceIdOf(i)}-b7ad6b7169203331-00`,
      }));
      await app.close();
      const correlated = expectCorrelated(exchanges, exporter.getFinishedLogRecords());
      for (let i = 0; i < REQUESTS; i++) {
        expect(correlated.get(`req-${i}`)?.traceId).toBe(traceIdOf(i));
      }
    });
  });

  describe('with a tracing SDK', () => {
    it("gives every record its request's server span ids", async () => {
      const tracing = setupTracing();
      try {
        const { server, exporter, app } = await setup(withServerSpan);
        const exchanges = await drive(server);
        await app.close();
        await tracing.provider.forceFlush();
        const correlated = expectCorrelated(exchanges, exporter.getFinishedLogRecords());
        expectServerSpans(correlated, tracing.spans.getFinishedSpans());
      } finally {
        await tracing.teardown();
      }
    });
  });

  describe('hooks', () => {
    it('carries the context into onResponse hooks and echoes the id on a 404', async () => {
      const seen: (string | undefined)[] = [];
      const app = Fastify();
      await app.register(fastifyRequestContext);
      // onResponse runs from the response's 'finish' event, outside the request's async scope.
      app.addHook('onResponse', (_request, _reply, done) => {
        seen.push(getRequestContext()?.requestId);
        done();
      });
      app.post('/echo', (request) => request.body);
      const origin = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const ok = await fetch(`${origin}/echo`, {
          method: 'POST',
          headers: { 'x-request-id': 'hook-1', 'content-type': 'application/json' },
          body: JSON.stringify({ a: 1 }),
        });
        expect(await ok.json()).toEqual({ a: 1 });
        const missing = await fetch(`${origin}/missing`);
        await missing.text();
        expect(ok.headers.get('x-request-id')).toBe('hook-1');
        expect(missing.status).toBe(404);
        const missingId = missing.headers.get('x-request-id');
        expect(missingId).toMatch(/^[0-9a-f-]{36}$/);
        await vi.waitFor(() => expect(seen).toEqual(['hook-1', missingId]));
      } finally {
        await app.close();
      }
    });

    it('restores the context in preValidation and onResponse after a callback left it', async () => {
      // A scope created outside any request, like a connection pool that calls back in its own.
      const foreign = new AsyncResource('foreign-pool');
      const seen: Record<string, string | undefined> = {};
      const app = Fastify();
      await app.register(fastifyRequestContext);
      app.addHook('preParsing', (_request, _reply, payload, done) => {
        foreign.runInAsyncScope(() => done(null, payload));
      });
      app.addHook('onResponse', (_request, _reply, done) => {
        seen.onResponse = getRequestContext()?.requestId;
        done();
      });
      app.get('/', (_request, reply) => {
        seen.handler = getRequestContext()?.requestId;
        foreign.runInAsyncScope(() => void reply.send('ok'));
      });
      const origin = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const response = await fetch(origin, { headers: { 'x-request-id': 'pool-1' } });
        expect(await response.text()).toBe('ok');
        await vi.waitFor(() => expect(seen).toEqual({ handler: 'pool-1', onResponse: 'pool-1' }));
      } finally {
        await app.close();
      }
    });

    it('fails registration on invalid options', async () => {
      const app = Fastify();
      await expect(
        app.register(fastifyRequestContext, { requestIdHeader: 'bad header' }),
      ).rejects.toThrow('@seclog/http: requestIdHeader must be a valid HTTP header name');
      await app.close();
    });
  });
});
