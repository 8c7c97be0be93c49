import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { startSecurityLogging } from '@seclog/node';
import type { SecurityLogging, StartSecurityLoggingOptions } from '@seclog/node';
import { runWithRequestContext } from '@seclog/security-logger';
import { startOtlpReceiver } from './support/otlp-receiver.js';
import type { OtlpReceiver } from './support/otlp-receiver.js';

let receiver: OtlpReceiver;
let dir: string;
const started: SecurityLogging[] = [];

function setup(options: StartSecurityLoggingOptions) {
  const seclog = startSecurityLogging({
    serviceName: 'otlp-test',
    console: false,
    file: false,
    handleExit: false,
    ...options,
  });
  started.push(seclog);
  return seclog;
}

const until = async (condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'seclog-otlp-'));
});

afterEach(async () => {
  for (const s of started.splice(0)) await s.shutdown();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
  setGlobalErrorHandler(loggingErrorHandler());
});

describe('startSecurityLogging', () => {
  describe('otlp', () => {
    for (const [protocol, compression] of [
      ['http/json', 'none'],
      ['http/protobuf', 'none'],
      ['http/protobuf', 'gzip'],
      ['http/json', 'gzip'],
    ] as const) {
      it(`delivers every event once with resource, trace context, eventName and severity over ${protocol} (${compression})`, async () => {
        const seclog = setup({ otlp: { url: receiver.url, protocol, compression } });
        const spanContext = {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceFlags: 1,
        };
        runWithRequestContext({ requestId: 'req-42', spanContext }, () => {
          seclog.security.authn.loginFail({ userId: 'alice', reason: 'bad_password' });
          seclog.security.authz.fail({ userId: 'alice', resource: '/admin' });
          seclog.security.sys.configChange({
            userId: 'ops',
            setting: 'firewall.rules',
            to: 'allow 22',
          });
        });
        await seclog.forceFlush();
        expect(receiver.contentTypes[0]).toContain(protocol === 'http/json' ? 'json' : 'protobuf');
        expect(receiver.encodings[0]).toBe(compression === 'gzip' ? 'gzip' : 'identity');
        expect(receiver.records.map((r) => r.eventName)).toEqual([
          'seclog.authn_login_fail',
          'seclog.authz_fail',
          'seclog.sys_config_change',
        ]);
        expect(receiver.records.map((r) => r.severityNumber)).toEqual([13, 18, 13]);
        for (const r of receiver.records) {
          expect(r.resource['service.name']).toBe('otlp-test');
          expect(r.traceId).toBe(spanContext.traceId);
          expect(r.spanId).toBe(spanContext.spanId);
          expect(r.attributes['seclog.request.id']).toBe('req-42');
        }
        expect(receiver.records[0]!.attributes['user.id']).toBe('alice');
      });
    }

    const machineId = existsSync('/etc/machine-id')
      ? readFileSync('/etc/machine-id', 'utf8').trim()
      : '';
    it.skipIf(machineId === '')(
      'sends the complete resource, async host.id included, from the first batch on',
      async () => {
        const seclog = setup({ otlp: { url: receiver.url, protocol: 'http/json' } });
        seclog.security.sys.startup({ userId: 'ops' });
        await seclog.forceFlush();
        expect(receiver.records[0]?.resource['host.id']).toBe(machineId);
      },
    );

    it('never sends a secret the redaction rules cover', async () => {
      const seclog = setup({ otlp: { url: receiver.url, protocol: 'http/json' } });
      const secret = `pw-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
      const bearer = `Bearer ${Buffer.from(Math.random().toString()).toString('base64url')}${Date.now()}`;
      seclog.security.authn.loginFail({
        userId: 'alice',
        attributes: { password: secret, 'http.request.header.authorization': [bearer] },
      });
      seclog.getLogger('app').warn(`login with password=${secret}`);
      await seclog.forceFlush();
      expect(receiver.records).toHaveLength(2);
      const bytes = Buffer.concat(receiver.rawBodies).toString('utf8');
      expect(bytes).not.toContain(secret);
      expect(bytes).not.toContain(bearer.slice(7));
    });

    it('keeps the app running while the Collector refuses, counts what it cannot deliver, and resumes', async () => {
      setGlobalErrorHandler(() => undefined);
      receiver.mode = 'refuse';
      const seclog = setup({
        otlp: { url: receiver.url, protocol: 'http/json', timeoutMillis: 1000 },
        batch: {
          maxQueueSize: 2000,
          maxExportBatchSize: 200,
          exportTimeoutMillis: 1500,
          scheduledDelayMillis: 20,
        },
      });
      const log = seclog.getLogger('fault');
      // The application: an HTTP service that must keep answering while the Collector is down.
      const app = http.createServer((_req, res) => {
        log.info('request served');
        res.end('ok');
      });
      app.listen(0, '127.0.0.1');
      await once(app, 'listening');
      const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
      let emitted = 0;
      let served = 0;
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 500; i++) {
          log.info('while down', { i: emitted });
          emitted++;
        }
        if ((await (await fetch(appUrl)).text()) === 'ok') served++;
        emitted++; // the handler's own record
        await new Promise((r) => setTimeout(r, 10));
      }
      app.close();
      expect(served).toBe(20);
      // More was emitted than the queue holds while nothing could be delivered: the excess is
      // counted, not buffered without bound.
      expect(seclog.stats().otlp!.dropped.queue_full).toBeGreaterThan(0);
      receiver.mode = 'accept';
      await until(() => seclog.stats().otlp!.queued === 0, 'the backlog to drain');
      for (let i = 0; i < 100; i++) {
        log.info('after recovery', { i: emitted });
        emitted++;
      }
      await seclog.forceFlush();
      await until(() => seclog.stats().otlp!.queued === 0, 'the queue to drain');
      const stats = seclog.stats().otlp!;
      const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
      expect(stats.exported + dropped).toBe(emitted);
      expect(dropped).toBeGreaterThan(0);
      expect(receiver.records).toHaveLength(stats.exported);
      expect(receiver.records.filter((r) => r.body === 'after recovery')).toHaveLength(100);
    });

    it('spills what the Collector does not take to local files, so nothing is lost', async () => {
      setGlobalErrorHandler(() => undefined);
      receiver.mode = 'stall';
      const seclog = setup({
        otlp: { url: receiver.url, protocol: 'http/json', timeoutMillis: 300, spillDirectory: dir },
        batch: { maxExportBatchSize: 100, exportTimeoutMillis: 600, scheduledDelayMillis: 20 },
      });
      const log = seclog.getLogger('spill');
      for (let i = 0; i < 1000; i++) log.info('stalled', { i });
      await seclog.forceFlush();
      receiver.mode = 'accept';
      for (let i = 1000; i < 1100; i++) log.info('recovered', { i });
      await seclog.forceFlush();
      const stats = seclog.stats().otlp!;
      const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
      expect(dropped).toBe(0);
      const spilled: number[] = [];
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.ndjson'))) {
        for (const line of readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean)) {
          for (const rl of JSON.parse(line).resourceLogs)
            for (const sl of rl.scopeLogs)
              for (const lr of sl.logRecords) {
                spilled.push(
                  Number(lr.attributes.find((a: { key: string }) => a.key === 'i').value.intValue),
                );
              }
        }
      }
      const delivered = receiver.records.map((r) => r.attributes.i as number);
      expect(new Set([...spilled, ...delivered]).size).toBe(1100);
      expect(stats.spilled).toBe(spilled.length);
    });
  });
});
