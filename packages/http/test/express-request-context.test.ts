import http from 'node:http';
import express from 'express';
import { getRequestContext } from '@seclog/security-logger';
import { expressRequestContext } from '@seclog/http';
import { describe, expect, it } from 'vitest';
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
  const app = express();
  app.use(expressRequestContext());
  // A body parser after the middleware: its callbacks must stay in the request's context.
  app.use(express.json());
  const handle = async (req: express.Request, res: express.Response): Promise<void> => {
    await emitAcrossAsyncBoundaries(logs.logger, String(req.headers[TAG_HEADER]));
    res.send('ok');
  };
  app.get('/items/:id', handle);
  app.post('/items/:id', handle);
  return { ...logs, app };
}

describe('expressRequestContext', () => {
  describe('without a tracing SDK', () => {
    it('correlates every record of concurrent requests with its own request id and trace', async () => {
      const { app, exporter } = setup();
      const exchanges = await drive(http.createServer(app));
      expect(exchanges).toHaveLength(REQUESTS);
      expectCorrelated(exchanges, exporter.getFinishedLogRecords());
    });

    it('continues an incoming traceparent with the incoming trace id', async () => {
      const { app, exporter } = setup();
      const traceIdOf = (i: number): string =>
        `4bf92f3577b34da6a3ce929d0e0e${(i + 4096).toString(16)}`;
      const exchanges = await drive(http.createServer(app), (i) => ({
        traceparent: `00-${traceIdOf(i)}-00f067aa0ba902b7-01`,
      }));
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
        const { app, exporter } = setup();
        const exchanges = await drive(http.createServer(withServerSpan(app)));
        await tracing.provider.forceFlush();
        const correlated = expectCorrelated(exchanges, exporter.getFinishedLogRecords());
        expectServerSpans(correlated, tracing.spans.getFinishedSpans());
      } finally {
        await tracing.teardown();
      }
    });
  });

  describe('request attributes', () => {
    it('takes client.address from X-Forwarded-For only with trustProxy', async () => {
      const seen: Record<string, unknown>[] = [];
      for (const trustProxy of [false, true, 1, 2, 5]) {
        const app = express();
        app.use(expressRequestContext({ trustProxy }));
        app.get('/', (_req, res) => {
          seen.push({ ...getRequestContext()?.attributes });
          res.send('ok');
        });
        const server = http.createServer(app);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as { port: number };
        const response = await fetch(`http://127.0.0.1:${port}/?password=hunter2`, {
          headers: { 'x-forwarded-for': 'not-an-ip, 203.0.113.7, 10.0.0.1' },
        });
        expect(await response.text()).toBe('ok');
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expect(seen[0]).toMatchObject({
        'client.address': '127.0.0.1',
        'network.peer.address': '127.0.0.1',
        'url.path': '/',
        'http.request.method': 'GET',
      });
      expect(seen[1]).toMatchObject({
        'client.address': '203.0.113.7',
        'network.peer.address': '127.0.0.1',
      });
      // As a hop count: 1 is the entry the nearest proxy appended, 2 the one before it, and the
      // walk stops before an entry that is not an IP address.
      expect(seen.slice(2).map((s) => s['client.address'])).toEqual([
        '10.0.0.1',
        '203.0.113.7',
        '203.0.113.7',
      ]);
      expect(JSON.stringify(seen)).not.toContain('hunter2');
    });
  });
});
