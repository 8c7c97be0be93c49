import http from 'node:http';
import { diag } from '@opentelemetry/api';
import { getRequestContext } from '@seclog/security-logger';
import { withRequestContext } from '@seclog/http';
import type { HttpRequestLike, HttpResponseLike } from '@seclog/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

function setup() {
  const logs = setupLogs();
  const server = http.createServer(
    withRequestContext(async (req, res) => {
      // Request bodies read with `for await` stay in the request's context.
      for await (const chunk of req) void chunk;
      await emitAcrossAsyncBoundaries(logs.logger, String(req.headers[TAG_HEADER]));
      res.end('ok');
    }),
  );
  return { ...logs, server };
}

describe('withRequestContext', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    diag.disable();
  });

  describe('without a tracing SDK', () => {
    it('correlates every record of concurrent requests with its own request id and trace', async () => {
      const { server, exporter } = setup();
      const exchanges = await drive(server);
      expect(exchanges).toHaveLength(REQUESTS);
      expectCorrelated(exchanges, exporter.getFinishedLogRecords());
    });

    it('continues an incoming traceparent with the incoming trace id', async () => {
      const { server, exporter } = setup();
      const traceIdOf = (i: number): string => (i + 1).toString(16).padStart(32, 'a');
      const exchanges = await drive(server, (i) => ({
        traceparent: `00-${traceIdOf(i)}-00f067aa0ba902b7-01`,
      }));
      const correlated = expectCorrelated(exchanges, exporter.getFinishedLogRecords());
      for (let i = 0; i < REQUESTS; i++) {
        const ids = correlated.get(`req-${i}`);
        expect(ids?.traceId).toBe(traceIdOf(i));
        expect(ids?.spanId).not.toBe('00f067aa0ba902b7');
      }
    });
  });

  describe('with a tracing SDK', () => {
    it("gives every record its request's server span ids", async () => {
      const tracing = setupTracing();
      try {
        const { logger, exporter } = setupLogs();
        const server = http.createServer(
          withServerSpan(
            withRequestContext(async (req, res) => {
              for await (const chunk of req) void chunk;
              expect(getRequestContext()?.spanContext).toBeUndefined();
              await emitAcrossAsyncBoundaries(logger, String(req.headers[TAG_HEADER]));
              res.end('ok');
            }),
          ),
        );
        const exchanges = await drive(server);
        await tracing.provider.forceFlush();
        const correlated = expectCorrelated(exchanges, exporter.getFinishedLogRecords());
        expectServerSpans(correlated, tracing.spans.getFinishedSpans());
      } finally {
        await tracing.teardown();
      }
    });
  });

  describe('options', () => {
    it('throws a TypeError naming the option when requestIdHeader is not a header name', () => {
      expect(() => withRequestContext(() => undefined, { requestIdHeader: 'x id\n' })).toThrow(
        '@seclog/http: requestIdHeader must be a valid HTTP header name',
      );
    });

    it.each([['yes'], [-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
      'throws a TypeError naming the option when trustProxy is %j (not a boolean or a hop count)',
      (trustProxy) => {
        expect(() =>
          withRequestContext(() => undefined, { trustProxy: trustProxy as unknown as number }),
        ).toThrow(
          '@seclog/http: trustProxy must be a boolean or the number of proxies in front of this process (an integer >= 0)',
        );
      },
    );

    it.each([[false], [true], [0], [1], [32]])('accepts trustProxy %j', (trustProxy) => {
      expect(() => withRequestContext(() => undefined, { trustProxy })).not.toThrow();
    });

    it('reads and echoes a custom request id header', async () => {
      const server = http.createServer(
        withRequestContext(
          (_req, res) => {
            res.end(getRequestContext()?.requestId ?? 'none');
          },
          { requestIdHeader: 'X-Correlation-Id' },
        ),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        const response = await fetch(`http://127.0.0.1:${port}/`, {
          headers: { 'x-correlation-id': 'corr-1' },
        });
        expect(response.headers.get('x-correlation-id')).toBe('corr-1');
        expect(await response.text()).toBe('corr-1');
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  describe('failure handling', () => {
    it('still runs the handler in its context when the response header cannot be set', () => {
      const warn = vi.fn();
      diag.setLogger({
        warn,
        error: vi.fn(),
        info: vi.fn(),
        debug: vi.fn(),
        verbose: vi.fn(),
      });
      let seen: string | undefined;
      const listener = withRequestContext<HttpRequestLike, HttpResponseLike>((_req, _res) => {
        seen = getRequestContext()?.requestId;
      });
      const res = {
        setHeader() {
          throw new Error('headers already sent');
        },
      };
      listener({ headers: { 'x-request-id': 'kept-1' } }, res);
      expect(seen).toBe('kept-1');
      expect(warn).toHaveBeenCalledWith(
        '@seclog/http: could not set the request id response header',
        expect.any(Error),
      );
    });

    it('propagates errors thrown by the handler unchanged', () => {
      const failure = new Error('handler failed');
      const listener = withRequestContext<HttpRequestLike, HttpResponseLike>(() => {
        throw failure;
      });
      expect(() => listener({ headers: {} }, { setHeader: () => undefined })).toThrow(failure);
    });
  });
});
