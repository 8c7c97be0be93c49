// A batching export processor that never drops silently: unlike the SDK's BatchLogRecordProcessor
// (2048-record queue, drops without a trace: ../shared/reference/performance.md), it exports a
// full batch as soon as one is ready, keeps a large bounded queue, and counts every drop by reason.
import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type {
  LogRecordExporter,
  LogRecordProcessor,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import type { DropReason } from '../types.js';
import { reportError } from './report-error.js';

type Record = ReadWriteLogRecord;

export interface QueueingLogRecordProcessorOptions {
  readonly exporter: LogRecordExporter;
  /** Name used in error reports and stats, e.g. 'file'. */
  readonly name: string;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  /**
   * Exports that may run at once (default 1, as the SDK's exporter contract requires). Only
   * exporters that keep their own order may get more: the file exporter (with its worker on) hands
   * a batch to its worker thread while the previous one is still being written.
   */
  readonly maxConcurrentExports?: number;
  readonly onDrop: (reason: DropReason, count: number) => void;
  readonly onExported: (count: number) => void;
  /**
   * Settles when the records' resource is complete (async detectors such as `host.id`); the first
   * export waits for it, as the SDK's batch processor does, so no export sees a partial resource.
   */
  readonly ready?: Promise<void>;
  /** Where batches the exporter failed go instead of being dropped (e.g. local files for OTLP). */
  readonly spill?: {
    readonly exporter: LogRecordExporter;
    readonly onSpilled: (count: number) => void;
  };
}

export class QueueingLogRecordProcessor implements LogRecordProcessor {
  private readonly _options: QueueingLogRecordProcessorOptions;
  // A growable array used as a queue: `_head` is the index of the oldest record. Compacted when
  // the consumed prefix dominates, so shift() costs stay amortised O(1).
  private _queue: Record[] = [];
  private _head = 0;
  private readonly _inFlight = new Set<Promise<void>>();
  private _timer: NodeJS.Timeout | undefined;
  private _isShutdown = false;
  private _isReady = false;
  private _shutdownPromise: Promise<void> | undefined;

  constructor(options: QueueingLogRecordProcessorOptions) {
    this._options = options;
  }

  get queued(): number {
    return this._queue.length - this._head;
  }

  onEmit(record: Record): void {
    if (this._isShutdown) {
      this._options.onDrop('shutdown', 1);
      return;
    }
    if (this.queued >= this._options.maxQueueSize) {
      this._options.onDrop('queue_full', 1);
      return;
    }
    this._queue.push(record);
    if (this.queued >= this._options.maxExportBatchSize) {
      this._drain(false);
    } else {
      this._schedule();
    }
  }

  forceFlush(): Promise<void> {
    return this._flushAll();
  }

  shutdown(): Promise<void> {
    this._shutdownPromise ??= (async () => {
      this._isShutdown = true;
      await this._flushAll();
      await this._eachExporter((exporter) => exporter.shutdown());
    })();
    return this._shutdownPromise;
  }

  private async _flushAll(): Promise<void> {
    this._clearTimer();
    // Every loop either exports a batch or waits for the one in flight, so it ends once the
    // queue is empty; records emitted meanwhile are flushed too.
    while (this.queued > 0 || this._inFlight.size > 0) {
      if (
        this._inFlight.size >= this._maxInFlight ||
        (this.queued === 0 && this._inFlight.size > 0)
      ) {
        await Promise.race(this._inFlight);
        continue;
      }
      this._drain(true);
    }
    await this._eachExporter((exporter) => exporter.forceFlush());
  }

  private async _eachExporter(call: (exporter: LogRecordExporter) => Promise<void>): Promise<void> {
    for (const exporter of [this._options.exporter, this._options.spill?.exporter]) {
      if (exporter === undefined) continue;
      try {
        await call(exporter);
      } catch (error) {
        reportError(error);
      }
    }
  }

  private get _maxInFlight(): number {
    return this._options.maxConcurrentExports ?? 1;
  }

  // Starts exports while a slot is free and a batch is due. Synchronous exporters complete
  // inside export(), so this loop drains a burst without growing the queue.
  private _drain(partial: boolean): void {
    const batchSize = this._options.maxExportBatchSize;
    while (
      this._inFlight.size < this._maxInFlight &&
      (this.queued >= batchSize || (partial && this.queued > 0))
    ) {
      this._exportBatch(this._take(batchSize));
    }
    if (this.queued > 0) this._schedule();
  }

  private _take(count: number): Record[] {
    const end = Math.min(this._head + count, this._queue.length);
    const batch = this._queue.slice(this._head, end);
    this._head = end;
    if (this._head === this._queue.length) {
      this._queue = [];
      this._head = 0;
    } else if (this._head > 65_536 && this._head * 2 > this._queue.length) {
      this._queue = this._queue.slice(this._head);
      this._head = 0;
    }
    return batch;
  }

  private _exportBatch(batch: Record[]): void {
    const ready = this._options.ready;
    if (ready === undefined || this._isReady) {
      this._startExport(batch);
      return;
    }
    // Hold the export slot while the resource settles; `ready` never rejects.
    let release!: () => void;
    const waiting = new Promise<void>((resolve) => (release = resolve));
    this._inFlight.add(waiting);
    void ready.then(() => {
      this._isReady = true;
      this._inFlight.delete(waiting);
      release();
      this._startExport(batch);
    });
  }

  private _startExport(batch: Record[]): void {
    let settled = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    this._inFlight.add(done);
    let sync = true;
    // Ends this export: frees the slot and, when it ended asynchronously, starts the next batch.
    const complete = (): void => {
      this._inFlight.delete(done);
      resolveDone();
      if (!sync && (!this._isShutdown || this.queued > 0)) this._drain(false);
    };
    const finish = (result: ExportResult, failureReason: DropReason): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.code === ExportResultCode.SUCCESS) {
        this._options.onExported(batch.length);
        complete();
        return;
      }
      reportError(
        result.error ??
          new Error(
            `@seclog/node: ${this._options.name} exporter failed to export ${batch.length} records`,
          ),
      );
      this._spillOrDrop(batch, failureReason, complete);
    };
    const timer = setTimeout(() => {
      finish(
        { code: ExportResultCode.FAILED, error: new Error('export timed out') },
        'export_timeout',
      );
    }, this._options.exportTimeoutMillis);
    timer.unref();
    try {
      context.with(suppressTracing(context.active()), () => {
        this._options.exporter.export(batch, (result) => finish(result, 'export_failed'));
      });
    } catch (error) {
      finish({ code: ExportResultCode.FAILED, error: error as Error }, 'export_failed');
    }
    sync = false;
  }

  // A failed batch goes to the spill exporter when there is one (still inside this export, so the
  // one-export-in-flight bound and the order hold), else it is counted as dropped.
  private _spillOrDrop(batch: Record[], reason: DropReason, complete: () => void): void {
    const spill = this._options.spill;
    if (spill === undefined) {
      this._options.onDrop(reason, batch.length);
      complete();
      return;
    }
    let answered = false;
    const answer = (ok: boolean): void => {
      if (answered) return;
      answered = true;
      if (ok) spill.onSpilled(batch.length);
      else this._options.onDrop(reason, batch.length);
      complete();
    };
    try {
      spill.exporter.export(batch, (result) => {
        if (result.code !== ExportResultCode.SUCCESS && result.error) reportError(result.error);
        answer(result.code === ExportResultCode.SUCCESS);
      });
    } catch (error) {
      reportError(error);
      answer(false);
    }
  }

  private _schedule(): void {
    if (this._timer !== undefined) return;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      this._drain(true);
    }, this._options.scheduledDelayMillis);
    this._timer.unref();
  }

  private _clearTimer(): void {
    if (this._timer !== undefined) {
      clearTimeout(this._timer);
      this._timer = undefined;
    }
  }
}
