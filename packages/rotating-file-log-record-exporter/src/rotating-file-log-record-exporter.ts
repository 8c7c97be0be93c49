// RotatingFileLogRecordExporter: appends hash-chained OTLP/JSON (or ECS) lines to size- and
// time-rotated files, seals each closed file, and never throws out of the exporter interface.
// The exporter contract and its queue are here; the slot's files are the SlotWriter's, the lines
// the LineRenderer's.
import { diag } from '@opentelemetry/api';
import { ExportResultCode, globalErrorHandler, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { RotatingFileExporterStats, RotatingFileLogRecordExporterOptions } from './types.js';
import { AnchorPoints, hasNonAnchor } from './internal/anchor-points.js';
import { LineRenderer, type Handover } from './internal/line-renderer.js';
import { PACKAGE, resolveOptions, type ResolvedOptions } from './internal/options.js';
import type { ChainState } from './internal/recovery.js';
import { Reporter, asError } from './internal/reporter.js';
import { SelfMetrics } from './internal/self-metrics.js';
import { SlotWriter } from './internal/slot-writer.js';
import { writeLines } from './internal/write-lines.js';
import { sealSync, startSync, takeOverSealingSync, writeLinesSync } from './internal/exit-path.js';

/**
 * A `LogRecordExporter` writing durable, rotating, tamper-evident files of lines: by default
 * OTLP/JSON `ExportLogsServiceRequest`s, each holding the consecutive records of a batch that share
 * resource and scope (up to `maxLineBytes`), every record carrying `seclog.chain.seq` and
 * `seclog.chain.hash`; closed files get a `.seal` sidecar. See docs/file-format.md. With
 * `hashChain: false` the lines carry no chain and the files are not tamper-evident.
 *
 * Contract: `export()` calls back SUCCESS only once every record of the batch is written (and
 * `fdatasync`ed with `fsync: 'batch'`, the default); otherwise FAILED, with the records counted in
 * {@link RotatingFileLogRecordExporter.getStats} under their drop reason. Nothing throws after
 * construction; exports run one at a time in call order. Each exporter holds an exclusive writer
 * slot in its directory, so several processes (or exporters) never write the same file.
 */
export class RotatingFileLogRecordExporter implements LogRecordExporter {
  private readonly _o: ResolvedOptions;
  private readonly _metrics: SelfMetrics;
  private readonly _reporter: Reporter;
  private readonly _renderer: LineRenderer;
  private readonly _writer: SlotWriter;
  /** Off-host anchors of the chain (with `onAnchor`). */
  private readonly _anchors: AnchorPoints | undefined;
  private _queue: Promise<void> = Promise.resolve();
  private _queued = 0;
  private _isShutdown = false;
  private _shutdownPromise: Promise<void> | undefined;
  /**
   * What the exit path ({@link exportSync}) must still write, because no async step runs after an
   * `exit` handler: batches accepted by `export()` and not yet rendered, in order (the slot writer
   * keeps the rest: the line of the rendered batch written next, a seal, a file being opened).
   */
  private readonly _accepted: ReadableLogRecord[][] = [];

  /**
   * @param options see {@link RotatingFileLogRecordExporterOptions}; validated here, throwing a
   * `TypeError` naming the bad option. No file is touched until the first export.
   */
  constructor(options: RotatingFileLogRecordExporterOptions) {
    this._o = resolveOptions(options);
    this._metrics = new SelfMetrics(this._o.meterProvider);
    this._reporter = new Reporter(this._metrics);
    this._writer = new SlotWriter(this._o, this._metrics, this._reporter, {
      enqueue: (fn) => void this._enqueue(fn),
      stopped: () => this._isShutdown,
      sealed: (position) => this._anchors?.sealed(position),
    });
    this._renderer = new LineRenderer(this._o, this._metrics, this._reporter);
    const onAnchor = this._o.onAnchor;
    if (onAnchor !== undefined && this._o.hashChain)
      this._anchors = new AnchorPoints(
        {
          onAnchor,
          anchorIntervalMs: this._o.anchorIntervalMs,
          signing: () => this._writer.signing(),
        },
        (err, what) => this._reporter.report(err, what),
      );
  }

  /** Writes `logs` as one batch; see the class contract. */
  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const n = logs.length;
    if (this._isShutdown) {
      this._metrics.drop('shutdown', n);
      diag.warn(`${PACKAGE}: export() called after shutdown(); ${n} records dropped`);
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error(`${PACKAGE}: exporter is shut down`),
      });
      return;
    }
    if (n === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    if (this._queued + n > this._o.maxQueuedRecords) {
      this._metrics.drop('queue_full', n);
      resultCallback({
        code: ExportResultCode.FAILED,
        error: new Error(
          `${PACKAGE}: more than maxQueuedRecords (${this._o.maxQueuedRecords}) waiting to be written`,
        ),
      });
      return;
    }
    this._queued += n;
    let result: ExportResult = { code: ExportResultCode.FAILED };
    const handover = this._renderer.handOver(logs);
    this._accepted.push(logs);
    void this._enqueue(async () => {
      try {
        result = await this._writeBatch(logs, handover);
      } finally {
        this._unaccept(logs);
      }
    }).then(() => {
      this._queued -= n;
      try {
        resultCallback(result);
      } catch (err) {
        globalErrorHandler(asError(err));
      }
    });
  }

  /**
   * Resolves once every export called before it is on disk (synced, also with `fsync: 'none'`).
   * Never rejects; gives up after `flushTimeoutMillis`, reporting to the global error handler.
   */
  forceFlush(): Promise<void> {
    if (this._isShutdown) return this._shutdownPromise ?? Promise.resolve();
    return this._bounded(
      this._enqueue(() => this._writer.flush()),
      'forceFlush',
    );
  }

  /**
   * Writes pending exports, seals the active file, finishes background gzip/retention and releases
   * the writer slot. Idempotent; never rejects; bounded by `flushTimeoutMillis`.
   */
  shutdown(): Promise<void> {
    if (this._shutdownPromise !== undefined) return this._shutdownPromise;
    this._isShutdown = true;
    this._shutdownPromise = this._bounded(
      this._enqueue(async () => {
        await this._writer.close();
        await this._renderer.close();
        this._anchors?.close();
      }),
      'shutdown',
    );
    return this._shutdownPromise;
  }

  /**
   * Hands where the chain stands to `onAnchor` once every export called before is written, when
   * a record written since the last anchor (other than an anchor record) is not covered yet: a
   * final anchor before the pipeline shuts down (`@seclog/node` calls it first in `shutdown()`,
   * while every export path still takes records). Never rejects.
   */
  anchor(): Promise<void> {
    if (this._writer.exited) {
      this.anchorSync();
      return Promise.resolve();
    }
    if (this._anchors === undefined || this._isShutdown) return Promise.resolve();
    return this._bounded(
      this._enqueue(() => {
        this._anchors?.now();
        return Promise.resolve();
      }),
      'anchor',
    );
  }

  /**
   * The exit path's {@link anchor}: hands where the chain stands to `onAnchor` at once, when a
   * record since the last anchor is not covered, so a process that ends (its event loop ran dry,
   * `process.exit()`, an uncaught exception) still leaves its last position off the host. For
   * `exit` handlers, after {@link exportSync}; never from inside an export. Never throws.
   */
  anchorSync(): void {
    this._anchors?.now();
  }

  /**
   * Self-telemetry snapshot (records and bytes written, rotations, drops by reason). An extra
   * public method beyond `LogRecordExporter` because drops must be observable without a
   * MeterProvider (tests, health checks, the CLI).
   */
  getStats(): RotatingFileExporterStats {
    const m = this._metrics;
    return {
      recordsWritten: m.recordsWritten,
      bytesWritten: m.bytesWritten,
      rotations: m.rotations,
      filesCompressed: m.filesCompressed,
      filesDeleted: m.filesDeleted,
      dropped: { ...m.dropped },
      tornLinesSetAside: m.tornLinesSetAside,
      ecsFieldCollisions: m.ecsFieldCollisions,
      currentFile: this._writer.file?.name,
      slot: this._writer.lockedSlot,
      anchorDue: this._anchors?.due ?? false,
    };
  }

  /**
   * The exit path: writes, with synchronous I/O, every batch `export()` accepted and has not
   * written yet and then `logs`, syncs the active file and seals it, so the last records of a
   * process that ends by `process.exit()`, an uncaught exception or a fatal signal are on disk
   * and verify. For `exit` handlers only (no async work runs there; `@seclog/node` calls it):
   * afterwards the exporter writes only this way, and a later call (a later exit handler that
   * logged) appends to the same file and seals it again. It starts a fresh writer slot if the
   * exporter never got to start. Never throws; records it cannot write are counted as dropped.
   */
  exportSync(logs: readonly ReadableLogRecord[]): ExportResult {
    const w = this._writer;
    const batches = this._accepted.splice(0);
    if (logs.length > 0) batches.push(logs as ReadableLogRecord[]);
    // Nothing to write and no file to seal: no reason to touch the directory.
    if (batches.length === 0 && w.idle) return { code: ExportResultCode.SUCCESS };
    w.exited = true;
    this._isShutdown = true;
    w.clearTimer();
    this._anchors?.close();
    const batch = this._renderer.batch;
    let pending = 0;
    for (const b of batches) pending += b.length;
    if (w.writing !== undefined) {
      const counts = batch.counts;
      for (let k = w.writing.next; k < counts.length; k++) pending += counts[k] as number;
    }
    try {
      const chain = startSync(w);
      takeOverSealingSync(w);
      if (w.writing !== undefined) {
        const next = w.writing.next;
        w.writing = undefined;
        pending -= writeLinesSync(w, batch, chain, next, []);
      }
      for (const records of batches) {
        const times: number[] = [];
        const unserializable = this._renderer.serialize(records, chain, times, false);
        this._metrics.drop('serialization', unserializable);
        pending -= unserializable;
        pending -= writeLinesSync(w, batch, chain, 0, times);
      }
      sealSync(w, chain);
      // Anchors are closed (no timer at exit), but anchorSync may still hand this position over.
      this._anchors?.acknowledged(
        w.position(chain),
        batches.some((b) => hasNonAnchor(b)),
      );
      return { code: ExportResultCode.SUCCESS };
    } catch (err) {
      return this._reporter.failed(err, pending);
    }
  }

  private _unaccept(logs: ReadableLogRecord[]): void {
    const k = this._accepted.indexOf(logs);
    if (k !== -1) this._accepted.splice(k, 1);
  }

  private _enqueue(fn: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this._writer.exited) return;
      try {
        await fn();
      } catch (err) {
        globalErrorHandler(asError(err));
      }
    };
    this._queue = this._queue.then(run);
    return this._queue;
  }

  private _bounded(p: Promise<void>, what: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        globalErrorHandler(
          new Error(`${PACKAGE}: ${what}() gave up after ${this._o.flushTimeoutMillis} ms`),
        );
        resolve();
      }, this._o.flushTimeoutMillis);
      timer.unref();
      void p.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async _writeBatch(
    records: ReadableLogRecord[],
    handover: Handover | undefined,
  ): Promise<ExportResult> {
    let chain: ChainState;
    try {
      chain = await this._writer.start();
    } catch (err) {
      return this._reporter.failed(err, records.length);
    }
    const times: number[] = [];
    const unserializable = await this._renderer.render(records, handover, chain, times);
    // Every await above may have been the last turn of the event loop: the exit path has written
    // these records then (from `_accepted`), and nothing here may touch the files.
    if (this._writer.exited) return { code: ExportResultCode.FAILED, error: new Error('exited') };
    this._metrics.drop('serialization', unserializable);
    this._unaccept(records);
    const real = this._anchors !== undefined && hasNonAnchor(records);
    this._anchors?.writing(real);
    const w = this._writer;
    w.writing = { next: 0 };
    const result = await writeLines(w, this._renderer.batch, chain, times);
    w.writing = undefined;
    if (result.code === ExportResultCode.SUCCESS)
      this._anchors?.acknowledged(w.position(chain), real);
    if (result.code === ExportResultCode.SUCCESS && unserializable > 0) {
      return {
        code: ExportResultCode.FAILED,
        error: new Error(`${PACKAGE}: ${unserializable} records could not be serialized`),
      };
    }
    return result;
  }
}
