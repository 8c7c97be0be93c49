import { describe, it, expect, afterEach } from 'vitest';
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  ExportResultCode,
  loggingErrorHandler,
  setGlobalErrorHandler,
  type ExportResult,
} from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
  type RotatingFileLogRecordExporterOptions,
} from '@seclog/rotating-file-log-record-exporter';
import { allLines, dataFiles, lineNumbers, setup, tempDir } from './helpers.js';

function exportOnce(
  exporter: RotatingFileLogRecordExporter,
  records: ReadableLogRecord[],
): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(records, resolve));
}

function fakeRecord(n: number): ReadableLogRecord {
  return {
    hrTime: [1_700_000_000, n],
    hrTimeObserved: [1_700_000_000, n],
    body: `record ${n}`,
    severityNumber: 9,
    resource: { attributes: { 'service.name': 'svc' } },
    instrumentationScope: { name: 'scope' },
    attributes: { 'test.n': n },
    droppedAttributesCount: 0,
  } as unknown as ReadableLogRecord;
}

const errors: Error[] = [];
afterEach(() => {
  setGlobalErrorHandler(loggingErrorHandler());
  errors.length = 0;
});
function captureErrors(): void {
  setGlobalErrorHandler((e) => errors.push(e as Error));
}

describe('RotatingFileLogRecordExporter', () => {
  describe('constructor', () => {
    const { dir, cleanup } = tempDir();
    afterEach(() => undefined);
    it.each<[Partial<RotatingFileLogRecordExporterOptions>, RegExp]>([
      [
        { maxFileBytes: 100 },
        /^@seclog\/rotating-file-log-record-exporter: maxFileBytes must be >= 4096$/,
      ],
      [{ baseName: '../escape' }, /baseName must match/],
      [{ baseName: 'a/b' }, /baseName must match/],
      [{ baseName: '.hidden' }, /baseName must match/],
      [{ fsync: 'always' as never }, /fsync must be 'batch' or 'none'/],
      [{ format: 'xml' as never }, /format must be/],
      [{ hmacKey: 'short', keyId: 'k1' }, /hmacKey must be at least 16 bytes/],
      [{ hmacKey: 'a-long-enough-secret-key' }, /keyId is required with hmacKey/],
      [{ rotateIntervalMs: 10 }, /rotateIntervalMs must be >= 1000/],
      [{ rotateIntervalMs: 2 ** 31 }, /rotateIntervalMs must be <= 2147483647/],
      [
        { maxFileByte: 5000 } as never,
        /^@seclog\/rotating-file-log-record-exporter: maxFileByte is not an option \(known: directory, /,
      ],
      [{ maxFiles: 0 }, /maxFiles must be >= 1/],
      [{ fileMode: 0o1777 }, /fileMode must be a permission mode/],
      [{ meterProvider: {} as never }, /meterProvider must have a getMeter/],
      [
        { worker: 'yes' as never },
        /^@seclog\/rotating-file-log-record-exporter: worker must be a boolean$/,
      ],
      [
        { hashChain: 'off' as never },
        /^@seclog\/rotating-file-log-record-exporter: hashChain must be a boolean$/,
      ],
    ])('rejects %o', (bad, message) => {
      expect(() => new RotatingFileLogRecordExporter({ directory: dir, ...bad })).toThrow(message);
      cleanup();
    });

    it('rejects a missing directory', () => {
      expect(
        () => new RotatingFileLogRecordExporter({} as RotatingFileLogRecordExporterOptions),
      ).toThrow(
        /^@seclog\/rotating-file-log-record-exporter: directory must be a non-empty string$/,
      );
    });

    it('touches nothing on disk before the first export', async () => {
      const t = tempDir();
      const exporter = new RotatingFileLogRecordExporter({ directory: join(t.dir, 'logs') });
      expect(existsSync(join(t.dir, 'logs'))).toBe(false);
      await exporter.shutdown();
      t.cleanup();
    });
  });

  describe('export', () => {
    it('writes one OTLP/JSON request per record through a LoggerProvider, with 0600 files in a 0700 directory', async () => {
      const s = setup();
      s.emit(5);
      await s.flush();
      const lines = allLines(s.logDir);
      expect(lineNumbers(lines)).toEqual([0, 1, 2, 3, 4]);
      const first = JSON.parse(lines[0]!);
      expect(first.resourceLogs[0].scopeLogs[0].scope).toEqual({
        name: 'test-scope',
        version: '1.2.3',
      });
      expect(first.resourceLogs[0].scopeLogs[0].logRecords[0].body).toEqual({
        stringValue: 'event 0',
      });
      expect(statSync(s.logDir).mode & 0o777).toBe(0o700);
      const file = join(s.logDir, dataFiles(s.logDir)[0]!);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(s.logDir, 'seclog.current'), 'utf8')).toBe('seclog-000001.ndjson\n');
      expect(s.exporter.getStats()).toMatchObject({
        recordsWritten: 5,
        currentFile: 'seclog-000001.ndjson',
        slot: 0,
      });
      await s.done();
    });

    it('chains every line and passes verification after shutdown seals the file', async () => {
      const s = setup();
      s.emit(20);
      await s.provider.shutdown();
      const seal = JSON.parse(readFileSync(join(s.logDir, 'seclog-000001.seal'), 'utf8'));
      expect(seal).toMatchObject({
        v: 1,
        file: 'seclog-000001.ndjson',
        count: 20,
        firstSeq: 1,
        lastSeq: 20,
      });
      const result = await verifyDirectory(s.logDir);
      expect(result).toMatchObject({ ok: true, issues: [], recordsChecked: 20, filesChecked: 1 });
      await s.done();
    });

    it('rotates by size into increasing indexes without splitting lines, and continues the chain', async () => {
      const s = setup({ maxFileBytes: 4096 });
      s.emit(60);
      await s.provider.shutdown();
      const files = dataFiles(s.logDir);
      expect(files.length).toBeGreaterThan(3);
      expect(files[0]).toBe('seclog-000001.ndjson');
      for (const f of files) expect(statSync(join(s.logDir, f)).size).toBeLessThanOrEqual(4096);
      expect(lineNumbers(allLines(s.logDir))).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect((await verifyDirectory(s.logDir)).ok).toBe(true);
      expect(s.exporter.getStats().rotations).toBe(files.length);
      await s.done();
    });

    it('rotates when the wall clock crosses the interval boundary', async () => {
      const s = setup({ rotateIntervalMs: 60_000 });
      const realNow = Date.now;
      let now = Math.floor(realNow() / 60_000) * 60_000 + 1000;
      Date.now = () => now;
      try {
        s.emit(2);
        await s.flush();
        now += 60_000;
        s.emit(2, 2);
        await s.flush();
      } finally {
        Date.now = realNow;
      }
      await s.provider.shutdown();
      expect(dataFiles(s.logDir)).toEqual(['seclog-000001.ndjson', 'seclog-000002.ndjson']);
      expect((await verifyDirectory(s.logDir)).ok).toBe(true);
      await s.done();
    });

    it('continues the chain in a new file after a restart', async () => {
      const { dir, cleanup } = tempDir();
      for (let run = 0; run < 3; run++) {
        const e = new RotatingFileLogRecordExporter({ directory: dir });
        expect((await exportOnce(e, [fakeRecord(run * 2), fakeRecord(run * 2 + 1)])).code).toBe(
          ExportResultCode.SUCCESS,
        );
        await e.shutdown();
      }
      expect(dataFiles(dir)).toEqual([
        'seclog-000001.ndjson',
        'seclog-000002.ndjson',
        'seclog-000003.ndjson',
      ]);
      expect(await verifyDirectory(dir)).toMatchObject({ ok: true, recordsChecked: 6 });
      cleanup();
    });

    it('sets a torn last line aside into a .torn sidecar on start-up and seals the rest', async () => {
      const { dir, cleanup } = tempDir();
      const first = new RotatingFileLogRecordExporter({ directory: dir });
      await exportOnce(first, [fakeRecord(1), fakeRecord(2)]);
      await first.shutdown();
      // What a kill -9 in the middle of a write leaves: no seal, half a line at the end.
      unlinkSync(join(dir, 'seclog-000001.seal'));
      const partial = '{"resourceLogs":[{"resource":{"attrib';
      appendFileSync(join(dir, 'seclog-000001.ndjson'), partial);
      const before = await verifyDirectory(dir);
      expect(before.ok).toBe(true);
      // Both records of the batch share line 1 (format v2), so the partial one is line 2.
      expect(before.notes.join('\n')).toMatch(/partial line 2/);
      const next = new RotatingFileLogRecordExporter({ directory: dir });
      expect((await exportOnce(next, [fakeRecord(3)])).code).toBe(ExportResultCode.SUCCESS);
      await next.shutdown();
      expect(next.getStats().tornLinesSetAside).toBe(1);
      expect(readFileSync(join(dir, 'seclog-000001.torn'), 'utf8')).toBe(partial);
      const seal = JSON.parse(readFileSync(join(dir, 'seclog-000001.seal'), 'utf8'));
      expect(seal).toMatchObject({
        recovered: true,
        count: 2,
        torn: { bytes: partial.length, file: 'seclog-000001.torn' },
      });
      const after = await verifyDirectory(dir);
      expect(after).toMatchObject({ ok: true, recordsChecked: 3 });
      expect(after.notes.join('\n')).toMatch(/torn last line .* set aside in seclog-000001\.torn/);
      expect(allLines(dir)).toHaveLength(2);
      expect(lineNumbers(allLines(dir))).toEqual([1, 2, 3]);
      cleanup();
    });

    it('recovers a crashed unchained file as unchained and resumes the chain after it', async () => {
      const { dir, cleanup } = tempDir();
      const first = new RotatingFileLogRecordExporter({ directory: dir, hashChain: false });
      await exportOnce(first, [fakeRecord(1), fakeRecord(2)]);
      await first.shutdown();
      unlinkSync(join(dir, 'seclog-000001.seal'));
      const partial = '{"resourceLogs":[{"resource":{"attrib';
      appendFileSync(join(dir, 'seclog-000001.ndjson'), partial);
      const next = new RotatingFileLogRecordExporter({ directory: dir });
      expect((await exportOnce(next, [fakeRecord(3)])).code).toBe(ExportResultCode.SUCCESS);
      await next.shutdown();
      expect(next.getStats().tornLinesSetAside).toBe(1);
      expect(JSON.parse(readFileSync(join(dir, 'seclog-000001.seal'), 'utf8'))).toMatchObject({
        chained: false,
        recovered: true,
        count: 2,
        firstSeq: 1,
        lastSeq: 0,
        torn: { bytes: partial.length },
      });
      // The chain passed through the unchained file (one line for the batch of two): the first
      // chained record has sequence 1.
      expect(allLines(dir)[1]).toContain('{"key":"seclog.chain.seq","value":{"intValue":"1"}}');
      const result = await verifyDirectory(dir, { allowUnchained: true });
      expect(result).toMatchObject({ ok: true, recordsChecked: 3 });
      cleanup();
    });

    it('seals an older file whose seal was never written before a crash', async () => {
      const { dir, cleanup } = tempDir();
      const a = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
      for (let i = 0; i < 40; i++) await exportOnce(a, [fakeRecord(i)]);
      await a.shutdown();
      expect(dataFiles(dir).length).toBeGreaterThan(2);
      unlinkSync(join(dir, 'seclog-000001.seal'));
      unlinkSync(join(dir, 'seclog-000002.seal'));
      const b = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
      await exportOnce(b, [fakeRecord(99)]);
      await b.shutdown();
      expect(JSON.parse(readFileSync(join(dir, 'seclog-000002.seal'), 'utf8'))).toMatchObject({
        recovered: true,
      });
      expect((await verifyDirectory(dir)).ok).toBe(true);
      cleanup();
    });

    it('gives two exporters on one directory separate writer slots', async () => {
      const { dir, cleanup } = tempDir();
      const a = new RotatingFileLogRecordExporter({ directory: dir });
      const b = new RotatingFileLogRecordExporter({ directory: dir });
      await Promise.all([exportOnce(a, [fakeRecord(1)]), exportOnce(b, [fakeRecord(2)])]);
      expect(new Set([a.getStats().slot, b.getStats().slot])).toEqual(new Set([0, 1]));
      await Promise.all([a.shutdown(), b.shutdown()]);
      expect(dataFiles(dir)).toEqual(['seclog-000001.ndjson', 'seclog-w1-000001.ndjson']);
      expect(await verifyDirectory(dir)).toMatchObject({ ok: true, recordsChecked: 2 });
      cleanup();
    });

    it('refuses to write through a symlink planted at the next file name', async () => {
      captureErrors();
      const { dir, cleanup } = tempDir();
      const target = join(dir, 'target.txt');
      writeFileSync(target, 'do not touch');
      mkdirSync(join(dir, 'logs'), { mode: 0o700 });
      symlinkSync(target, join(dir, 'logs', 'seclog-000001.ndjson'));
      const e = new RotatingFileLogRecordExporter({ directory: join(dir, 'logs') });
      const r = await exportOnce(e, [fakeRecord(1)]);
      expect(r.code).toBe(ExportResultCode.FAILED);
      expect(readFileSync(target, 'utf8')).toBe('do not touch');
      expect(lstatSync(join(dir, 'logs', 'seclog-000001.ndjson')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, 'logs', 'seclog-000001.ndjson'))).toBe(target);
      expect(e.getStats().dropped).toEqual({ unsafe_path: 1 });
      // The caller reports it (the SDK's processors through the error handler), from the result.
      expect(r.error?.message).toMatch(/refusing to open seclog-000001\.ndjson/);
      await e.shutdown();
      cleanup();
    });

    it('replaces a symlink planted at the pointer path instead of writing through it', async () => {
      const { dir, cleanup } = tempDir();
      const target = join(dir, 'target.txt');
      writeFileSync(target, 'do not touch');
      mkdirSync(join(dir, 'logs'), { mode: 0o700 });
      symlinkSync(target, join(dir, 'logs', 'seclog.current'));
      const e = new RotatingFileLogRecordExporter({ directory: join(dir, 'logs') });
      expect((await exportOnce(e, [fakeRecord(1)])).code).toBe(ExportResultCode.SUCCESS);
      await e.shutdown();
      expect(readFileSync(target, 'utf8')).toBe('do not touch');
      expect(lstatSync(join(dir, 'logs', 'seclog.current')).isFile()).toBe(true);
      expect(readFileSync(join(dir, 'logs', 'seclog.current'), 'utf8')).toBe(
        'seclog-000001.ndjson\n',
      );
      cleanup();
    });

    it('reports FAILED with directory_missing while the parent is gone, and resumes once it is back', async () => {
      captureErrors();
      const { dir, cleanup } = tempDir();
      const parent = join(dir, 'var');
      const logDir = join(parent, 'logs');
      const e = new RotatingFileLogRecordExporter({ directory: logDir });
      expect((await exportOnce(e, [fakeRecord(1)])).code).toBe(ExportResultCode.SUCCESS);
      rmSync(parent, { recursive: true, force: true });
      const failed = await exportOnce(e, [fakeRecord(2), fakeRecord(3)]);
      expect(failed.code).toBe(ExportResultCode.FAILED);
      expect(e.getStats().dropped).toEqual({ directory_missing: 2 });
      mkdirSync(parent);
      expect((await exportOnce(e, [fakeRecord(4)])).code).toBe(ExportResultCode.SUCCESS);
      await e.shutdown();
      expect(errors.length).toBeGreaterThan(0);
      expect(lineNumbers(allLines(logDir))).toEqual([4]);
      cleanup();
    });

    it('fails exports after shutdown without throwing, and shutdown is idempotent', async () => {
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir });
      await e.shutdown();
      await e.shutdown();
      const r = await exportOnce(e, [fakeRecord(1)]);
      expect(r.code).toBe(ExportResultCode.FAILED);
      expect(e.getStats().dropped).toEqual({ shutdown: 1 });
      await e.forceFlush();
      cleanup();
    });

    it('fails fast with queue_full beyond maxQueuedRecords', async () => {
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir, maxQueuedRecords: 3 });
      const results = await Promise.all([
        exportOnce(e, [fakeRecord(1), fakeRecord(2)]),
        exportOnce(e, [fakeRecord(3), fakeRecord(4)]),
      ]);
      expect(results.map((r) => r.code)).toEqual([
        ExportResultCode.SUCCESS,
        ExportResultCode.FAILED,
      ]);
      expect(e.getStats().dropped).toEqual({ queue_full: 2 });
      await e.shutdown();
      cleanup();
    });

    it('writes flat ECS lines with the ecs-json format, chained and verifiable', async () => {
      const s = setup({ format: 'ecs-json' });
      s.logger.emit({
        body: 'login failed',
        severityText: 'WARN',
        severityNumber: 13,
        eventName: 'authn.failure',
        attributes: { 'user.name': 'alice' },
      });
      await s.provider.shutdown();
      const [line] = allLines(s.logDir);
      const obj = JSON.parse(line!);
      expect(obj).toMatchObject({
        message: 'login failed',
        'log.level': 'WARN',
        'event.action': 'authn.failure',
        'user.name': 'alice',
        'seclog.chain.seq': 1,
      });
      expect(obj['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect((await verifyDirectory(s.logDir)).ok).toBe(true);
      await s.done();
    });

    it('never takes ECS core fields from attributes, and counts the attributes it moved', async () => {
      const s = setup({ format: 'ecs-json' });
      s.logger.emit({
        body: 'login failed',
        severityText: 'WARN',
        eventName: 'seclog.authn_login_fail',
        attributes: { message: 'all good', '@timestamp': '1999-01-01T00:00:00Z' },
      });
      s.logger.emit({ body: 'plain', attributes: { 'user.name': 'bob' } });
      await s.flush();
      const [first] = allLines(s.logDir);
      const obj = JSON.parse(first!);
      expect(obj.message).toBe('login failed');
      expect(obj['event.action']).toBe('seclog.authn_login_fail');
      expect(obj['seclog.collision.message']).toBe('all good');
      expect(obj['@timestamp']).not.toBe('1999-01-01T00:00:00Z');
      expect(s.exporter.getStats().ecsFieldCollisions).toBe(2);
      await s.done();
    });

    it('writes flat ECS lines without chain fields with hashChain: false', async () => {
      const s = setup({ format: 'ecs-json', hashChain: false });
      s.logger.emit({ body: 'login failed', attributes: { 'user.name': 'alice' } });
      await s.provider.shutdown();
      const [line] = allLines(s.logDir);
      const obj = JSON.parse(line!);
      expect(obj).toMatchObject({ message: 'login failed', 'user.name': 'alice' });
      expect(Object.keys(obj).filter((k) => k.startsWith('seclog.chain.'))).toEqual([]);
      expect((await verifyDirectory(s.logDir)).issues.map((i) => i.kind)).toEqual(['unchained']);
      expect((await verifyDirectory(s.logDir, { allowUnchained: true })).ok).toBe(true);
      await s.done();
    });

    it('reports records, bytes, rotations and drops as OTel counters', async () => {
      const adds: { name: string; value: number; attrs: Record<string, string> | undefined }[] = [];
      const meterProvider = {
        getMeter: () => ({
          createCounter: (name: string) => ({
            add: (value: number, attrs?: Record<string, string>) =>
              adds.push({ name, value, attrs }),
          }),
        }),
      };
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir, meterProvider });
      await exportOnce(e, [fakeRecord(1), fakeRecord(2)]);
      await e.shutdown();
      await exportOnce(e, [fakeRecord(3)]);
      const sum = (n: string) => adds.filter((a) => a.name === n).reduce((x, a) => x + a.value, 0);
      expect(sum('seclog.file_exporter.records')).toBe(2);
      expect(sum('seclog.file_exporter.bytes')).toBe(e.getStats().bytesWritten);
      expect(sum('seclog.file_exporter.rotations')).toBe(1);
      expect(adds.find((a) => a.name === 'seclog.file_exporter.dropped')).toEqual({
        name: 'seclog.file_exporter.dropped',
        value: 1,
        attrs: { reason: 'shutdown' },
      });
      cleanup();
    });
  });

  describe('getStats', () => {
    it('feeds a real MeterProvider from @opentelemetry/sdk-metrics', async () => {
      const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({
        exporter: metricExporter,
        exportIntervalMillis: 3_600_000,
      });
      const meterProvider = new MeterProvider({ readers: [reader] });
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir, meterProvider });
      await exportOnce(e, [fakeRecord(1), fakeRecord(2), fakeRecord(3)]);
      await reader.forceFlush();
      const metrics = metricExporter
        .getMetrics()
        .flatMap((r) => r.scopeMetrics.flatMap((sm) => sm.metrics));
      const records = metrics.find((m) => m.descriptor.name === 'seclog.file_exporter.records');
      expect(records?.dataPoints[0]?.value).toBe(3);
      expect(e.getStats()).toMatchObject({ recordsWritten: 3, rotations: 0, dropped: {} });
      await e.shutdown();
      await meterProvider.shutdown();
      cleanup();
    });
  });

  describe('retention', () => {
    it('keeps at most maxFiles, records each deletion, and still verifies', async () => {
      const s = setup({ maxFileBytes: 4096, maxFiles: 3 });
      s.emit(60);
      await s.provider.shutdown();
      expect(dataFiles(s.logDir).length).toBe(3);
      const retention = readFileSync(join(s.logDir, 'seclog.retention'), 'utf8').trim().split('\n');
      expect(retention.length).toBe(s.exporter.getStats().filesDeleted);
      expect(JSON.parse(retention[0]!)).toMatchObject({
        v: 1,
        deleted: 'seclog-000001.ndjson',
        reason: 'maxFiles',
      });
      const result = await verifyDirectory(s.logDir);
      expect(result.ok).toBe(true);
      expect(result.notes.some((n) => n.includes('removed by retention'))).toBe(true);
      await s.done();
    });

    it('keeps the total size under maxTotalBytes', async () => {
      const s = setup({ maxFileBytes: 4096, maxTotalBytes: 10_000 });
      s.emit(60);
      await s.provider.shutdown();
      const total = dataFiles(s.logDir).reduce((a, f) => a + statSync(join(s.logDir, f)).size, 0);
      expect(total).toBeLessThanOrEqual(10_000);
      expect((await verifyDirectory(s.logDir)).ok).toBe(true);
      await s.done();
    });

    it('deletes closed files older than maxAgeMs', async () => {
      const { dir, cleanup } = tempDir();
      const old = new RotatingFileLogRecordExporter({ directory: dir });
      await exportOnce(old, [fakeRecord(1)]); // hrTime of fakeRecord is in 2023
      await old.shutdown();
      const e = new RotatingFileLogRecordExporter({ directory: dir, maxAgeMs: 24 * 3_600_000 });
      const rec = {
        ...fakeRecord(2),
        hrTime: [Math.floor(Date.now() / 1000), 0],
      } as unknown as ReadableLogRecord;
      await exportOnce(e, [rec]);
      await e.shutdown();
      expect(dataFiles(dir)).toEqual(['seclog-000002.ndjson']);
      expect(JSON.parse(readFileSync(join(dir, 'seclog.retention'), 'utf8'))).toMatchObject({
        reason: 'maxAgeMs',
      });
      expect((await verifyDirectory(dir)).ok).toBe(true);
      cleanup();
    });

    it('gzips closed files and verification reads them', async () => {
      const s = setup({ maxFileBytes: 4096, compress: true });
      s.emit(30);
      await s.provider.shutdown();
      const names = readdirSync(s.logDir);
      const gz = names.filter((n) => n.endsWith('.ndjson.gz'));
      expect(gz.length).toBeGreaterThan(1);
      expect(names.filter((n) => n.endsWith('.ndjson'))).toEqual([]);
      expect(gunzipSync(readFileSync(join(s.logDir, gz[0]!))).toString('utf8')).toContain(
        '"seclog.chain.seq"',
      );
      expect(await verifyDirectory(s.logDir)).toMatchObject({ ok: true, recordsChecked: 30 });
      await s.done();
    });
  });

  describe('export (hash worker)', () => {
    it('writes the same bytes whether the chain is hashed on the worker thread or in place', async () => {
      const t = tempDir();
      const records = Array.from({ length: 700 }, (_, i) => fakeRecord(i));
      // 300 and 200 go to the worker, 10 are hashed in place, then the worker again.
      const batches = [records.slice(0, 300), records.slice(300, 500), records.slice(500, 510)];
      batches.push(records.slice(510));
      const contents: string[] = [];
      for (const worker of [true, false]) {
        const directory = join(t.dir, String(worker));
        // Small files, so batches also span rotations.
        const exporter = new RotatingFileLogRecordExporter({
          directory,
          worker,
          maxFileBytes: 16384,
        });
        for (const b of batches)
          expect((await exportOnce(exporter, b)).code).toBe(ExportResultCode.SUCCESS);
        await exporter.shutdown();
        expect(exporter.getStats().recordsWritten).toBe(700);
        const result = await verifyDirectory(directory);
        expect(result.issues).toEqual([]);
        expect(result.ok).toBe(true);
        expect(dataFiles(directory).length).toBeGreaterThan(5);
        contents.push(
          dataFiles(directory)
            .map((f) => readFileSync(join(directory, f), 'utf8'))
            .join('|'),
        );
      }
      expect(contents[0]).toBe(contents[1]);
      t.cleanup();
    });

    it('chains ecs-json lines on the worker thread too', async () => {
      const t = tempDir();
      const exporter = new RotatingFileLogRecordExporter({
        directory: t.dir,
        format: 'ecs-json',
        worker: true,
      });
      const records = Array.from({ length: 200 }, (_, i) => fakeRecord(i));
      expect((await exportOnce(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
      await exporter.shutdown();
      expect(allLines(t.dir).length).toBe(200);
      expect((await verifyDirectory(t.dir)).ok).toBe(true);
      t.cleanup();
    });
  });

  describe('forceFlush', () => {
    it('resolves after earlier exports are on disk, also with fsync none', async () => {
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir, fsync: 'none' });
      let acked = 0;
      e.export([fakeRecord(1)], () => acked++);
      await e.forceFlush();
      expect(acked).toBe(1);
      expect(allLines(dir).length).toBe(1);
      await e.shutdown();
      cleanup();
    });
  });

  describe('seals', () => {
    it('signs seals with the HMAC key and key id', async () => {
      const key = `k-${Math.random().toString(36).slice(2)}-${Date.now()}`;
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({
        directory: dir,
        hmacKey: key,
        keyId: 'key-2026',
      });
      await exportOnce(e, [fakeRecord(1)]);
      await e.shutdown();
      const seal = JSON.parse(readFileSync(join(dir, 'seclog-000001.seal'), 'utf8'));
      expect(seal.keyId).toBe('key-2026');
      expect(seal.hmac).toMatch(/^[0-9a-f]{64}$/);
      expect((await verifyDirectory(dir, { hmacKey: key })).ok).toBe(true);
      const wrong = await verifyDirectory(dir, { hmacKey: `${key}-other` });
      expect(wrong.issues).toContainEqual(
        expect.objectContaining({ kind: 'bad-signature', file: 'seclog-000001.seal' }),
      );
      expect(wrong.issues).toContainEqual(
        expect.objectContaining({ kind: 'bad-signature', file: 'seclog.head' }),
      );
      cleanup();
    });
  });
});
