import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExportResultCode, loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { InMemoryLogRecordExporter, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { QueueingLogRecordProcessor } from '../../src/internal/queueing-log-record-processor.js';
import type { DropReason } from '../../src/types.js';

function setup(
  exporter: LogRecordExporter,
  overrides: Partial<{
    maxQueueSize: number;
    maxExportBatchSize: number;
    exportTimeoutMillis: number;
    maxConcurrentExports: number;
  }> = {},
) {
  const dropped: Record<string, number> = {};
  const causes: string[] = [];
  let exported = 0;
  const processor = new QueueingLogRecordProcessor({
    exporter,
    name: 'test',
    maxQueueSize: overrides.maxQueueSize ?? 262_144,
    maxExportBatchSize: overrides.maxExportBatchSize ?? 512,
    scheduledDelayMillis: 50,
    exportTimeoutMillis: overrides.exportTimeoutMillis ?? 30_000,
    ...(overrides.maxConcurrentExports !== undefined && {
      maxConcurrentExports: overrides.maxConcurrentExports,
    }),
    onDrop: (reason: DropReason, n: number, cause?: string) => {
      dropped[reason] = (dropped[reason] ?? 0) + n;
      if (cause !== undefined) causes.push(cause);
    },
    onExported: (n: number) => (exported += n),
  });
  const provider = new LoggerProvider({ processors: [processor] });
  const logger = provider.getLogger('test');
  return { processor, provider, logger, dropped, causes, exported: () => exported };
}

/** An exporter that acknowledges on a later turn of the event loop, like any I/O-bound one. */
class AsyncExporter implements LogRecordExporter {
  readonly records: ReadableLogRecord[] = [];
  result: ExportResult = { code: ExportResultCode.SUCCESS };
  export(records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    setImmediate(() => {
      if (this.result.code === ExportResultCode.SUCCESS) this.records.push(...records);
      done(this.result);
    });
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

afterEach(() => {
  setGlobalErrorHandler(loggingErrorHandler());
});

describe('QueueingLogRecordProcessor', () => {
  describe('onEmit', () => {
    it('delivers every record of a 200k-record synchronous burst to a synchronous exporter', async () => {
      const exporter = new InMemoryLogRecordExporter();
      const { provider, logger, dropped, exported } = setup(exporter);
      for (let i = 0; i < 200_000; i++) logger.emit({ body: 'event', attributes: { i } });
      await provider.forceFlush();
      expect(exporter.getFinishedLogRecords()).toHaveLength(200_000);
      expect(exported()).toBe(200_000);
      expect(dropped).toEqual({});
      await provider.shutdown();
    });

    it('delivers every record of a 200k-record burst to an asynchronous exporter within the default queue', async () => {
      const exporter = new AsyncExporter();
      const { provider, logger, dropped } = setup(exporter);
      for (let i = 0; i < 200_000; i++) logger.emit({ body: 'event', attributes: { i } });
      await provider.forceFlush();
      expect(exporter.records).toHaveLength(200_000);
      expect(exporter.records.map((r) => r.attributes.i)).toEqual(
        Array.from({ length: 200_000 }, (_, i) => i),
      );
      expect(dropped).toEqual({});
      await provider.shutdown();
    });

    it('counts records beyond maxQueueSize as queue_full, so exported plus dropped equals emitted', async () => {
      const exporter = new AsyncExporter();
      const { provider, logger, dropped, exported } = setup(exporter, {
        maxQueueSize: 1000,
        maxExportBatchSize: 100,
      });
      for (let i = 0; i < 5000; i++) logger.emit({ body: 'event' });
      await provider.forceFlush();
      expect(dropped.queue_full).toBeGreaterThan(0);
      expect(exported() + (dropped.queue_full ?? 0)).toBe(5000);
      expect(exporter.records).toHaveLength(exported());
      await provider.shutdown();
    });
  });

  describe('maxConcurrentExports', () => {
    /** Acknowledges each export after a few turns of the event loop and tracks how many overlap. */
    class OverlapExporter extends AsyncExporter {
      running = 0;
      maxRunning = 0;
      override export(records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        setTimeout(() => {
          this.running--;
          this.records.push(...records);
          done({ code: ExportResultCode.SUCCESS });
        }, 2);
      }
    }

    for (const limit of [1, 3]) {
      it(`runs at most ${limit} exports at once and flushes them all, in order`, async () => {
        const exporter = new OverlapExporter();
        const { provider, logger, dropped, exported } = setup(exporter, {
          maxExportBatchSize: 100,
          maxConcurrentExports: limit,
        });
        for (let i = 0; i < 5_000; i++) logger.emit({ body: 'event', attributes: { i } });
        await provider.forceFlush();
        expect(exporter.running).toBe(0);
        expect(exporter.maxRunning).toBe(limit);
        expect(exported()).toBe(5_000);
        expect(dropped).toEqual({});
        expect(exporter.records.map((r) => r.attributes['i'])).toEqual(
          Array.from({ length: 5_000 }, (_, i) => i),
        );
        await provider.shutdown();
      });
    }
  });

  describe('export failures', () => {
    it('counts a failed batch as export_failed, with the exporter’s error as the cause', async () => {
      const errors: unknown[] = [];
      setGlobalErrorHandler((e) => errors.push(e));
      const exporter = new AsyncExporter();
      exporter.result = { code: ExportResultCode.FAILED, error: new Error('disk on fire') };
      const { provider, logger, dropped, causes } = setup(exporter);
      for (let i = 0; i < 10; i++) logger.emit({ body: 'event' });
      await provider.forceFlush();
      expect(dropped.export_failed).toBe(10);
      // One report per failure: the drop, with its cause (the caller says it once, with a remedy).
      expect(causes).toEqual(['disk on fire']);
      expect(errors).toEqual([]);
      await provider.shutdown();
    });

    it('counts a batch whose exporter never answers as export_timeout and keeps going', async () => {
      setGlobalErrorHandler(() => undefined);
      let calls = 0;
      const received: number[] = [];
      const exporter: LogRecordExporter = {
        export(records, done) {
          calls++;
          if (calls === 1) return; // never calls back
          received.push(records.length);
          done({ code: ExportResultCode.SUCCESS });
        },
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      };
      const { provider, logger, dropped, exported } = setup(exporter, {
        exportTimeoutMillis: 100,
        maxExportBatchSize: 5,
      });
      for (let i = 0; i < 10; i++) logger.emit({ body: 'event' });
      await provider.forceFlush();
      expect(dropped.export_timeout).toBe(5);
      expect(exported()).toBe(5);
      await provider.shutdown();
    });

    it('turns an exporter that throws into a counted failure instead of an exception in the app', async () => {
      setGlobalErrorHandler(() => undefined);
      const exporter: LogRecordExporter = {
        export() {
          throw new Error('boom');
        },
        forceFlush: () => Promise.resolve(),
        shutdown: () => Promise.resolve(),
      };
      const { provider, logger, dropped } = setup(exporter, { maxExportBatchSize: 2 });
      expect(() => {
        for (let i = 0; i < 4; i++) logger.emit({ body: 'event' });
      }).not.toThrow();
      await provider.forceFlush();
      expect(dropped.export_failed).toBe(4);
      await provider.shutdown();
    });
  });

  describe('shutdown', () => {
    it('exports what is queued, then counts later records as dropped by shutdown', async () => {
      const exporter = new AsyncExporter();
      const { processor, provider, logger, dropped } = setup(exporter);
      logger.emit({ body: 'before' });
      await provider.shutdown();
      processor.onEmit({} as never);
      expect(exporter.records.map((r) => r.body)).toEqual(['before']);
      expect(dropped.shutdown).toBe(1);
    });

    it('is idempotent', async () => {
      const exporter = new AsyncExporter();
      const spy = vi.spyOn(exporter, 'shutdown');
      const { processor } = setup(exporter);
      await Promise.all([processor.shutdown(), processor.shutdown()]);
      await processor.shutdown();
      expect(spy).toHaveBeenCalledTimes(1);
    });
  });

  describe('the exit path (flushSync)', () => {
    /** An exporter that also writes synchronously, as seclog's file and console exporters do. */
    class SyncExporter extends AsyncExporter {
      readonly syncRecords: string[] = [];
      exportSync(records: readonly ReadableLogRecord[]): ExportResult {
        for (const r of records) this.syncRecords.push(r.body as string);
        return { code: ExportResultCode.SUCCESS };
      }
    }

    it('hands every queued record to exportSync, and every later one as it is emitted', () => {
      const exporter = new SyncExporter();
      const { processor, logger, exported } = setup(exporter);
      for (let i = 0; i < 3; i++) logger.emit({ body: `queued ${i}` });
      processor.flushSync();
      logger.emit({ body: 'from a later exit handler' });
      expect(exporter.syncRecords).toEqual([
        'queued 0',
        'queued 1',
        'queued 2',
        'from a later exit handler',
      ]);
      expect(exported()).toBe(4);
      expect(processor.queued).toBe(0);
    });

    it('counts queued and in-flight records of an exporter that cannot write synchronously as process_exit', () => {
      const exporter = new AsyncExporter();
      const { processor, logger, dropped } = setup(exporter, { maxExportBatchSize: 2 });
      // Two full batches go out at once (one in flight, one queued behind it), one record waits.
      for (let i = 0; i < 5; i++) logger.emit({ body: 'event' });
      processor.flushSync();
      expect(dropped).toEqual({ process_exit: 5 });
    });

    it('spills them synchronously instead when the spill exporter can, in-flight ones included', () => {
      const spill = new SyncExporter();
      let spilled = 0;
      const dropped: Record<string, number> = {};
      const processor = new QueueingLogRecordProcessor({
        exporter: new AsyncExporter(),
        name: 'otlp',
        maxQueueSize: 1000,
        maxExportBatchSize: 2,
        scheduledDelayMillis: 50,
        exportTimeoutMillis: 30_000,
        spill: { exporter: spill, onSpilled: (n) => (spilled += n) },
        onDrop: (reason, n) => (dropped[reason] = (dropped[reason] ?? 0) + n),
        onExported: () => undefined,
      });
      const logger = new LoggerProvider({ processors: [processor] }).getLogger('test');
      for (let i = 0; i < 3; i++) logger.emit({ body: `event ${i}` });
      processor.flushSync();
      expect(spill.syncRecords).toEqual(['event 0', 'event 1', 'event 2']);
      expect(spilled).toBe(3);
      expect(dropped).toEqual({});
    });

    it('takes batches still waiting for the resource to settle', () => {
      const exporter = new SyncExporter();
      const processor = new QueueingLogRecordProcessor({
        exporter,
        name: 'file',
        maxQueueSize: 1000,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 50,
        exportTimeoutMillis: 30_000,
        ready: new Promise<void>(() => undefined),
        onDrop: () => undefined,
        onExported: () => undefined,
      });
      const logger = new LoggerProvider({ processors: [processor] }).getLogger('test');
      logger.emit({ body: 'taken by a flush' });
      void processor.forceFlush();
      expect(processor.queued).toBe(0);
      processor.flushSync();
      expect(exporter.syncRecords).toEqual(['taken by a flush']);
    });
  });
});
