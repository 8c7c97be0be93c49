// A batching export processor that never drops silently: unlike the SDK's BatchLogRecordProcessor
// (2048-record queue, drops without a trace), it exports a full batch as soon as one is ready,
// keeps a large bounded queue, and counts every drop by reason.
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

/** An exporter that can also write synchronously, for the exit path (seclog's file and console). */
interface SyncExporter extends LogRecordExporter {
  exportSync(records: readonly Record[]): ExportResult;
}

function canExportSync(exporter: LogRecordExporter | undefined): exporter is SyncExporter {
  return typeof (exporter as Partial<SyncExporter> | undefined)?.exportSync === 'function';
}

export interface QueueingLogRecordProcessorOptions {
  readonly exporter: LogRecordExporter;
  /** Name used in error reports and stats, e.g. 'file'. */
  readonly name: string;
  /** What a person can do when exports fail, appended to the failure report. */
  readonly remedy?: string;
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
  /** Records not delivered; `cause` says why when an exporter failed. */
  readonly onDrop: (reason: DropReason, count: number, cause?: string) => void;
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
  /** Set by {@link flushSync}: from then on every record is exported as it is emitted. */
  private _exiting = false;
  /** Batches handed to the exporter and not yet answered. */
  private readonly _inFlightBatches = new Set<Record[]>();
  /** In-flight batches flushSync handed to the spill or counted as dropped. */
  private readonly _taken = new WeakSet<Record[]>();
  private _dropReason: 'process_exit' | 'shutdown' = 'process_exit';
  /** The last export failed. */
  private _failing = false;
  /** Batches taken from the queue that wait for the resource to settle before their export. */
  private readonly _waitingBatches = new Set<Record[]>();
  private _isReady = false;
  private _shutdownPromise: Promise<void> | undefined;

  constructor(options: QueueingLogRecordProcessorOptions) {
    this._options = options;
  }

  get queued(): number {
    return this._queue.length - this._head;
  }

  /** Records handed to the exporter whose export has not ended yet. */
  get sending(): number {
    let n = 0;
    for (const batch of this._inFlightBatches) n += batch.length;
    return n;
  }

  onEmit(record: Record): void {
    if (this._exiting) {
      this._exportSync([record], []);
      return;
    }
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

  /**
   * The exit path (an `exit` handler, where no async work runs): hands every queued record to the
   * exporter's `exportSync`, or, for an exporter without one (OTLP), to the spill exporter's,
   * together with the batches in flight there (delivery unknown: better twice than never).
   * Records neither can take are counted as dropped, reason `process_exit`. From then on each
   * record is handled this way as it is emitted (later exit handlers may still log).
   */
  flushSync(reason: 'process_exit' | 'shutdown' = 'process_exit'): void {
    this._exiting = true;
    this._dropReason = reason;
    this._clearTimer();
    const queued = this._take(this.queued);
    const earlier = canExportSync(this._options.exporter) ? [] : [...this._inFlightBatches];
    for (const batch of earlier) this._taken.add(batch);
    earlier.push(...this._waitingBatches);
    this._inFlightBatches.clear();
    this._waitingBatches.clear();
    this._exportSync(queued, earlier);
  }

  private _exportSync(records: Record[], inFlight: Record[][]): void {
    const { exporter, spill } = this._options;
    let target: SyncExporter | undefined;
    if (canExportSync(exporter)) target = exporter;
    else if (canExportSync(spill?.exporter)) target = spill.exporter;
    const all = inFlight.length === 0 ? records : [...inFlight.flat(), ...records];
    if (target === undefined) {
      if (all.length > 0) this._options.onDrop(this._dropReason, all.length);
      return;
    }
    let result: ExportResult;
    try {
      result = target.exportSync(all);
    } catch (error) {
      result = { code: ExportResultCode.FAILED, error: error as Error };
    }
    if (result.code !== ExportResultCode.SUCCESS) {
      if (all.length > 0) this._options.onDrop(this._dropReason, all.length, result.error?.message);
      else if (result.error) reportError(result.error);
    } else if (all.length > 0) {
      if (target === exporter) this._options.onExported(all.length);
      else spill?.onSpilled(all.length);
    }
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
    this._waitingBatches.add(batch);
    void ready.then(() => {
      this._isReady = true;
      this._inFlight.delete(waiting);
      release();
      // The exit path took it (flushSync).
      if (!this._waitingBatches.delete(batch)) return;
      this._startExport(batch);
    });
  }

  private _startExport(batch: Record[]): void {
    let settled = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    this._inFlight.add(done);
    this._inFlightBatches.add(batch);
    let sync = true;
    // Ends this export: frees the slot and, when it ended asynchronously, starts the next batch.
    const complete = (): void => {
      this._inFlight.delete(done);
      this._inFlightBatches.delete(batch);
      resolveDone();
      if (!sync && (!this._isShutdown || this.queued > 0)) {
        // After a failure the next batch waits for the (unref'd) timer instead of following at
        // once: a dead Collector is not hammered, and it does not keep the event loop alive
        // batch after batch once the application is done (then beforeExit comes, and its flush).
        if (this._failing && !this._isShutdown) {
          if (this.queued > 0) this._schedule();
        } else this._drain(false);
      }
    };
    const finish = (result: ExportResult, failureReason: DropReason): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // flushSync already spilled or counted this batch; the process went on (a timed-out shutdown).
      if (this._taken.has(batch)) {
        complete();
        return;
      }
      this._failing = result.code !== ExportResultCode.SUCCESS;
      if (result.code === ExportResultCode.SUCCESS) {
        this._options.onExported(batch.length);
        complete();
        return;
      }
      this._spillOrDrop(batch, failureReason, complete, result.error);
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
  private _spillOrDrop(
    batch: Record[],
    reason: DropReason,
    complete: () => void,
    error: Error | undefined,
  ): void {
    const spill = this._options.spill;
    const cause = error?.message ?? 'the exporter reported a failure';
    if (spill === undefined) {
      // The drop report names the cause: one line per failure, not a failure and then a drop.
      this._options.onDrop(reason, batch.length, cause);
      complete();
      return;
    }
    const { name, remedy } = this._options;
    reportError(
      new Error(
        `@seclog/node: the ${name} export path failed to export ${batch.length} records (spilling them to files): ${cause}${remedy === undefined ? '' : `; ${remedy}`}`,
        { cause: error },
      ),
    );
    let answered = false;
    const answer = (ok: boolean): void => {
      if (answered) return;
      answered = true;
      if (ok) spill.onSpilled(batch.length);
      else this._options.onDrop(reason, batch.length, `${cause}; spilling failed too`);
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
