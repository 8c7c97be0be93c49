import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { startSecurityLogging } from '@seclog/node';
import type { SecurityLogging, StartSecurityLoggingOptions } from '@seclog/node';
import { runWithRequestContext } from '@seclog/security-logger';

const started: SecurityLogging[] = [];
let dir: string;

function setup(options: StartSecurityLoggingOptions = {}) {
  const memory = new InMemoryLogRecordExporter();
  const lines: string[] = [];
  const seclog = startSecurityLogging({
    serviceName: 'auth-api',
    console: {
      format: 'json',
      stream: { write: (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)) },
    },
    file: { directory: dir },
    handleExit: false,
    exporters: { memory },
    ...options,
  });
  started.push(seclog);
  return { seclog, memory, lines };
}

function fileRecords(directory: string): any[] {
  const records: any[] = [];
  for (const name of readdirSync(directory).sort()) {
    if (!name.endsWith('.ndjson')) continue;
    for (const line of readFileSync(join(directory, name), 'utf8').split('\n')) {
      if (!line) continue;
      const request = JSON.parse(line);
      for (const rl of request.resourceLogs ?? [])
        for (const sl of rl.scopeLogs) records.push(...sl.logRecords);
    }
  }
  return records;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seclog-node-'));
});

afterEach(async () => {
  for (const s of started.splice(0)) await s.shutdown();
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('startSecurityLogging', () => {
  describe('security', () => {
    it('emits the quick-start event to the console, the files and every other exporter', async () => {
      const { seclog, memory, lines } = setup();
      seclog.security.authn.loginFail({ userId: 'alice', reason: 'bad_password' });
      await seclog.forceFlush();

      const [record] = memory.getFinishedLogRecords();
      expect(record?.eventName).toBe('seclog.authn_login_fail');
      expect(record?.severityNumber).toBe(13);
      expect(record?.severityText).toBe('WARN');
      expect(record?.attributes['user.id']).toBe('alice');
      expect(record?.attributes['seclog.reason']).toBe('bad_password');
      expect(record?.resource.attributes['service.name']).toBe('auth-api');
      expect(record?.resource.attributes['process.pid']).toBe(process.pid);

      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        eventName: 'seclog.authn_login_fail',
        attributes: { 'user.id': 'alice' },
      });

      const inFile = fileRecords(dir);
      expect(inFile).toHaveLength(1);
      expect(inFile[0].eventName).toBe('seclog.authn_login_fail');
    });

    it('carries the request id and trace of the current request on security and foreign records', async () => {
      const { seclog, memory } = setup({ console: false, file: false });
      const spanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
      runWithRequestContext({ requestId: 'req-1', spanContext }, () => {
        seclog.security.authz.fail({ userId: 'alice', resource: '/admin' });
        seclog.loggerProvider.getLogger('some-bridge').emit({ body: 'from a bridge' });
      });
      await seclog.forceFlush();
      const records = memory.getFinishedLogRecords();
      expect(records).toHaveLength(2);
      for (const r of records) {
        expect(r.attributes['seclog.request.id']).toBe('req-1');
        expect(r.spanContext?.traceId).toBe(spanContext.traceId);
        expect(r.spanContext?.spanId).toBe(spanContext.spanId);
      }
    });

    it('redacts secrets before any exporter sees them', async () => {
      const { seclog, memory, lines } = setup();
      const secret = `s3cr3t-${Math.random().toString(36).slice(2)}`;
      seclog.security.authn.loginFail({ userId: 'alice', attributes: { password: secret } });
      await seclog.forceFlush();
      const exported = JSON.stringify(memory.getFinishedLogRecords().map((r) => r.attributes));
      expect(exported).not.toContain(secret);
      expect(lines.join('\n')).not.toContain(secret);
      expect(JSON.stringify(fileRecords(dir))).not.toContain(secret);
    });

    it('leaves secrets in place when redaction is off', async () => {
      const { seclog, memory } = setup({ redaction: false, console: false, file: false });
      seclog.security.authn.loginFail({ userId: 'alice', attributes: { password: 'plain' } });
      await seclog.forceFlush();
      expect(memory.getFinishedLogRecords()[0]?.attributes.password).toBe('plain');
    });
  });

  describe('burst', () => {
    it(
      'delivers all 200k records of a synchronous burst to the files and the in-memory exporter',
      { timeout: 180_000 },
      async () => {
        const { seclog, memory } = setup({
          console: false,
          file: { directory: dir, maxFileBytes: 16 * 1024 * 1024 },
          shutdownTimeoutMillis: 120_000,
        });
        const log = seclog.getLogger('burst');
        for (let i = 0; i < 200_000; i++) log.info('burst record', { i });
        await seclog.forceFlush();
        // InMemoryLogRecordExporter forgets its records on shutdown: count them first.
        // Each rotation sends a chain anchor down every path too; count the burst's records.
        const isApp = (r: { eventName?: string }): boolean => r.eventName !== 'seclog.chain.anchor';
        expect(memory.getFinishedLogRecords().filter(isApp)).toHaveLength(200_000);
        await seclog.shutdown();
        const stats = seclog.stats();
        const all = fileRecords(dir);
        const inFile = all.filter(isApp);
        expect(stats.file?.exported).toBe(all.length);
        expect(Object.values(stats.file!.dropped).reduce((a, b) => a + b, 0)).toBe(0);
        expect(inFile).toHaveLength(200_000);
        // Bounded: one anchor per rotation and the one before shutdown, none from anchors.
        expect(all.length - inFile.length).toBeLessThanOrEqual(
          readdirSync(dir).filter((f) => f.endsWith('.seal')).length + 1,
        );
        expect(
          new Set(inFile.map((r) => r.attributes.find((a: any) => a.key === 'i').value.intValue))
            .size,
        ).toBe(200_000);
      },
    );
  });

  describe('exporters', () => {
    it('takes the exporters from OTEL_LOGS_EXPORTER when the options do not name them', () => {
      vi.stubEnv('OTEL_LOGS_EXPORTER', 'console');
      const lines: string[] = [];
      const seclog = startSecurityLogging({
        handleExit: false,
        console: { format: 'json', stream: { write: (c: string) => lines.push(c) } },
      });
      started.push(seclog);
      expect(Object.keys(seclog.stats())).toEqual(['console']);
    });

    it('turns every built-in exporter off when OTEL_LOGS_EXPORTER contains none', () => {
      vi.stubEnv('OTEL_LOGS_EXPORTER', 'console,none');
      const seclog = startSecurityLogging({ handleExit: false });
      started.push(seclog);
      expect(Object.keys(seclog.stats())).toEqual([]);
    });

    it('lets OTEL_LOGS_EXPORTER=none switch off exporters the options configure too', () => {
      vi.stubEnv('OTEL_LOGS_EXPORTER', 'none');
      const seclog = startSecurityLogging({
        handleExit: false,
        console: { format: 'json', stream: { write: () => true } },
        file: { directory: 'never-created' },
      });
      started.push(seclog);
      expect(Object.keys(seclog.stats())).toEqual([]);
    });

    it('keeps exporters the options turn on beside the ones OTEL_LOGS_EXPORTER names', () => {
      vi.stubEnv('OTEL_LOGS_EXPORTER', 'otlp');
      const seclog = startSecurityLogging({
        handleExit: false,
        console: { format: 'json', stream: { write: () => true } },
        otlp: { url: 'http://127.0.0.1:1/v1/logs' },
      });
      started.push(seclog);
      expect(Object.keys(seclog.stats()).sort()).toEqual(['console', 'otlp']);
    });

    for (const value of ['consol', 'consol,fiel', ' , ']) {
      it(`keeps the default exporters when OTEL_LOGS_EXPORTER=${JSON.stringify(value)} names none it knows`, () => {
        vi.stubEnv('OTEL_LOGS_EXPORTER', value);
        const seclog = startSecurityLogging({
          handleExit: false,
          file: { directory: mkdtempSync(join(tmpdir(), 'seclog-typo-')) },
        });
        started.push(seclog);
        expect(Object.keys(seclog.stats()).sort()).toEqual(['console', 'file']);
      });
    }

    it('keeps the valid names of a list that also holds a typo', () => {
      vi.stubEnv('OTEL_LOGS_EXPORTER', 'fiel,console');
      const seclog = startSecurityLogging({ handleExit: false });
      started.push(seclog);
      expect(Object.keys(seclog.stats())).toEqual(['console']);
    });

    it('does not turn OTLP on for an OTEL_EXPORTER_OTLP_ENDPOINT that is not a URL', () => {
      vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4318');
      const seclog = startSecurityLogging({ handleExit: false, console: false, file: false });
      started.push(seclog);
      expect(Object.keys(seclog.stats())).toEqual([]);
    });

    it('adds OTLP when an OTLP endpoint is configured in the environment', () => {
      vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:1');
      const seclog = startSecurityLogging({ handleExit: false, console: false, file: false });
      started.push(seclog);
      expect(Object.keys(seclog.stats())).toEqual(['otlp']);
    });
  });

  describe('resource', () => {
    it('reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, and options win over them', async () => {
      vi.stubEnv('OTEL_SERVICE_NAME', 'from-env');
      vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment.name=staging,team=sec');
      const { seclog, memory } = setup({
        serviceName: undefined as never,
        console: false,
        file: false,
        resourceAttributes: { team: 'blue' },
      });
      seclog.security.sys.startup({ userId: 'ops' });
      await seclog.forceFlush();
      const resource = memory.getFinishedLogRecords()[0]!.resource.attributes;
      expect(resource['deployment.environment.name']).toBe('staging');
      expect(resource.team).toBe('blue');
      expect(resource['service.name']).toBe('from-env');
    });
  });

  describe('options', () => {
    const bad: [string, unknown, RegExp][] = [
      ['an unknown key', { consol: true }, /^@seclog\/node: consol is not an option/],
      [
        'a misspelt console option',
        { console: { fromat: 'json' } },
        /^@seclog\/node: console.fromat is not an option/,
      ],
      [
        'a console stream without write',
        { console: { stream: 42 } },
        /^@seclog\/node: console.stream must be a writable stream/,
      ],
      [
        'non-string OTLP headers',
        { otlp: { headers: { a: 1 } } },
        /^@seclog\/node: otlp.headers must be an object/,
      ],

      [
        'a non-string service name',
        { serviceName: 42 },
        /^@seclog\/node: serviceName must be a non-empty string/,
      ],
      [
        'a bad console format',
        { console: { format: 'xml' } },
        /^@seclog\/node: console.format must be 'pretty' or 'json'/,
      ],
      [
        'a zero queue size',
        { batch: { maxQueueSize: 0 } },
        /^@seclog\/node: batch.maxQueueSize must be a positive integer/,
      ],
      [
        'a bad OTLP protocol',
        { otlp: { protocol: 'grpc' } },
        /^@seclog\/node: otlp.protocol must be/,
      ],
      [
        'a relative OTLP url',
        { otlp: { url: 'collector/v1/logs' } },
        /^@seclog\/node: otlp.url must be an absolute http\(s\) URL/,
      ],
      [
        'an exporter that is not one',
        { exporters: { mine: {} } },
        /^@seclog\/node: exporters.mine must be a LogRecordExporter/,
      ],
      [
        'a redaction option of the wrong type',
        { redaction: 'yes' },
        /^@seclog\/node: redaction must be an options object, true or false/,
      ],
    ];
    for (const [what, options, message] of bad) {
      it(`throws a TypeError naming the option for ${what}`, () => {
        expect(() => startSecurityLogging(options as StartSecurityLoggingOptions)).toThrow(message);
      });
    }

    // The sub-packages validate their own options; the error names the option as it was written.
    // (`file: false` where the file is not the subject: the default ./logs stays uncreated.)
    const nested: [string, Record<string, unknown>, string][] = [
      ['file', { file: { maxFileSize: 1 } }, 'file.maxFileSize is not an option'],
      ['file', { file: { maxFileBytes: 1 } }, 'file.maxFileBytes must be >= 4096'],
      ['redaction', { redaction: { redact: ['a'] } }, 'redaction.redact is not an option'],
      ['redaction', { redaction: { rules: 'x' } }, 'redaction.rules must be an array'],
      ['detection', { detection: { maxKeys: -1 } }, 'detection.maxKeys must be an integer'],
      ['detection', { detection: { builtins: { nope: {} } } }, 'detection.builtins.nope'],
      ['otlp', { otlp: { spillDirectory: 'a\0b' } }, 'otlp.spillDirectory must not contain NUL'],
    ];
    for (const [sub, options, message] of nested) {
      it(`names ${message.split(' ')[0]} as written, not the ${sub} package's own option`, () => {
        let thrown: unknown;
        try {
          const file = options.file ?? false;
          started.push(
            startSecurityLogging({
              handleExit: false,
              console: false,
              ...options,
              file: file === false ? false : { directory: dir, ...file },
            }),
          );
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(TypeError);
        expect((thrown as Error).message.startsWith(`@seclog/node: ${message}`)).toBe(true);
        // The sub-package's own error stays reachable.
        expect((thrown as Error).cause).toBeInstanceOf(TypeError);
      });
    }
  });

  describe('getLogger', () => {
    it('never throws for an invalid component name and logs under a fixed fallback name', async () => {
      const { seclog, memory } = setup({ console: false, file: false });
      expect(() => seclog.getLogger('').info('still logged')).not.toThrow();
      expect(() => seclog.getLogger(42 as unknown as string).info('still logged')).not.toThrow();
      // Names the warning cannot JSON.stringify.
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const odd of [10n, cyclic]) {
        expect(() => seclog.getLogger(odd as unknown as string).info('still logged')).not.toThrow();
      }
      await seclog.forceFlush();
      const records = memory.getFinishedLogRecords();
      expect(records.map((r) => r.body)).toEqual(Array(4).fill('still logged'));
      expect(records[0]?.attributes['seclog.component']).toBe('invalid-component-name');
    });
  });

  describe('global registration', () => {
    it('registers the provider with the logs API of the installed line and releases it on shutdown', async () => {
      const logsApi =
        (api as unknown as { logs?: { getLoggerProvider(): unknown } }).logs ??
        (await import('@opentelemetry/api-logs')).logs;
      const { seclog } = setup({ console: false, file: false });
      expect(logsApi.getLoggerProvider()).toBe(seclog.loggerProvider);
      await seclog.shutdown();
      expect(logsApi.getLoggerProvider()).not.toBe(seclog.loggerProvider);
    });
  });

  describe('shutdown', () => {
    it('exports what was emitted, is idempotent, and ignores later records without throwing', async () => {
      const { seclog, memory } = setup({ console: false, file: false });
      const exported: unknown[] = [];
      const original = memory.export.bind(memory);
      memory.export = (records, done) => {
        exported.push(...records.map((r) => r.attributes['user.id']));
        original(records, done);
      };
      seclog.security.authn.loginFail({ userId: 'early' });
      await Promise.all([seclog.shutdown(), seclog.shutdown()]);
      expect(() => seclog.security.authn.loginFail({ userId: 'late' })).not.toThrow();
      await seclog.shutdown();
      expect(exported).toEqual(['early']);
      // Our loggers still count what they could not deliver after shutdown.
      seclog.getLogger('late').info('after shutdown');
      expect(seclog.stats().memory?.dropped.shutdown).toBe(2);
    });
  });
});

describe('startSecurityLogging self-telemetry', () => {
  it('counts exported and dropped records per path as OTel metrics when a MeterProvider is given', async () => {
    const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
    class Reader extends MetricReader {
      protected onForceFlush(): Promise<void> {
        return Promise.resolve();
      }
      protected onShutdown(): Promise<void> {
        return Promise.resolve();
      }
    }
    const reader = new Reader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const failing = {
      export: (_: unknown, done: (r: { code: number }) => void) => done({ code: 1 }),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const { setGlobalErrorHandler, loggingErrorHandler } = await import('@opentelemetry/core');
    setGlobalErrorHandler(() => undefined);
    const { seclog } = setup({
      console: false,
      file: false,
      meterProvider,
      exporters: { memory: new InMemoryLogRecordExporter(), failing },
    });
    for (let i = 0; i < 5; i++) seclog.security.authn.loginFail({ userId: `u${i}` });
    await seclog.forceFlush();
    setGlobalErrorHandler(loggingErrorHandler());
    const { resourceMetrics } = await reader.collect();
    const points = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === 'seclog.export.records')
      .flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: number }[]);
    const value = (path: string, result: string) =>
      points
        .filter(
          (p) =>
            p.attributes['seclog.export.path'] === path &&
            p.attributes['seclog.export.result'] === result,
        )
        .reduce((a, p) => a + p.value, 0);
    expect(value('memory', 'exported')).toBe(5);
    expect(value('failing', 'dropped')).toBe(5);
    expect(
      points.find((p) => p.attributes['seclog.export.path'] === 'failing')?.attributes[
        'error.type'
      ],
    ).toBe('export_failed');
    await meterProvider.shutdown();
  });
});
