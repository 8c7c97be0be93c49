// RotatingFileLogRecordExporter: appends hash-chained OTLP/JSON (or ECS) lines to size- and
// time-rotated files, seals each closed file, and never throws out of the exporter interface.
import { fdatasyncSync, fstatSync, ftruncateSync, readdirSync } from 'node:fs';
import { stat, chmod } from 'node:fs/promises';
import { diag } from '@opentelemetry/api';
import { ExportResultCode, globalErrorHandler, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { RotatingFileExporterStats, RotatingFileLogRecordExporterOptions } from './types.js';
import { nameParser } from './internal/file-names.js';
import { writeAllSync, makeDirectory, makeDirectorySync } from './internal/fs-safe.js';
import { runMaintenance } from './internal/maintenance.js';
import { PACKAGE, resolveOptions, type ResolvedOptions } from './internal/options.js';
import { loadSlot, recoverFile, type ChainState } from './internal/recovery.js';
import type { Seal } from './internal/seal.js';
import { openDataFile, openDataFileSync, sealOf, type OpenFile } from './internal/data-file.js';
import { LineRenderer, type Handover } from './internal/line-renderer.js';
import { SealQueue } from './internal/seal-queue.js';
import { SealingScheme } from './internal/sealing-scheme.js';
import { SelfMetrics } from './internal/self-metrics.js';
import { Reporter, asError } from './internal/reporter.js';
import {
  acquireFreshSlotSync,
  acquireSlot,
  releaseSlot,
  removeStaleTemps,
  type SlotLock,
} from './internal/slot-lock.js';
import { GENESIS_HASH } from './internal/chain.js';
import { countSlots, HeadFile, renderHead } from './internal/head.js';
import { AnchorPoints, hasNonAnchor, type ChainPosition } from './internal/anchor-points.js';
import { startUpCheck } from './internal/start-up-check.js';

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
  private readonly _scheme: SealingScheme;
  /** Off-host anchors of the chain (with `onAnchor`). */
  private readonly _anchors: AnchorPoints | undefined;
  private _queue: Promise<void> = Promise.resolve();
  private _maint: Promise<void> = Promise.resolve();
  /**
   * Closing work of rotated files (sync, close, retention) and pointer updates, run behind the
   * writes so a rotation costs the write path only the seal and the new file's open: under load
   * each file-system round trip waits for a turn of the event loop, and a rotation took about 25.
   */
  private _closing: Promise<void> = Promise.resolve();
  private _maintPending = false;
  private _queued = 0;
  private _isShutdown = false;
  private _shutdownPromise: Promise<void> | undefined;
  private _lock: SlotLock | undefined;
  private _head: HeadFile | undefined;
  /** Writer slots known in the directory (from start-up and each maintenance scan). */
  private _knownSlots = 1;
  private _chain: ChainState | undefined;
  private _file: OpenFile | undefined;
  private readonly _seals: SealQueue;
  private _timer: NodeJS.Timeout | undefined;
  /**
   * What the exit path ({@link exportSync}) must still write, because no async step runs after an
   * `exit` handler: batches accepted by `export()` and not yet rendered, in order; the line of the
   * rendered batch (`_renderer.batch`) that is written next; the seal of a file being closed; the name of
   * a file being opened.
   */
  private readonly _accepted: ReadableLogRecord[][] = [];
  private _writing: { next: number } | undefined;
  private _sealing: { seal: Seal; fd: number } | undefined;
  private _opening: string | undefined;
  /** Set by the exit path: from then on only {@link exportSync} writes. */
  private _exited = false;

  /**
   * @param options see {@link RotatingFileLogRecordExporterOptions}; validated here, throwing a
   * `TypeError` naming the bad option. No file is touched until the first export.
   */
  constructor(options: RotatingFileLogRecordExporterOptions) {
    this._o = resolveOptions(options);
    this._metrics = new SelfMetrics(this._o.meterProvider);
    this._reporter = new Reporter(this._metrics);
    this._seals = new SealQueue(this._o, {
      report: (err, context) => this._reporter.report(err, context),
      signing: () => this._scheme.signing(),
      slot: () => this._lock?.slot ?? 0,
      currentFile: () => this._file?.name,
    });
    this._scheme = new SealingScheme(this._o, {
      report: (err, context) => this._reporter.report(err, context),
      stopped: () => this._isShutdown,
      // A batch between its write and its head re-signs on its own; nothing to do then.
      epochEnded: () => {
        if (this._writing === undefined && this._chain !== undefined && !this._exited)
          this._signHead(this._chain);
      },
    });
    this._renderer = new LineRenderer(this._o, this._metrics, this._reporter);
    const onAnchor = this._o.onAnchor;
    if (onAnchor !== undefined && this._o.hashChain)
      this._anchors = new AnchorPoints(
        {
          onAnchor,
          anchorIntervalMs: this._o.anchorIntervalMs,
          signing: () => this._scheme.signing(),
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
      this._enqueue(async () => {
        if (this._file !== undefined && !this._file.broken) await this._file.fh.datasync();
        // Files rotated out before this call are synced and sealed behind the writes.
        await this._closing;
      }),
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
        this._clearTimer();
        if (this._file !== undefined) await this._closeFile();
        await this._closing;
        await this._seals.retry();
        this._scheduleMaintenance();
        await this._maint;
        if (this._lock !== undefined) {
          await releaseSlot(this._lock);
          this._lock = undefined;
          this._head?.close();
          this._head = undefined;
          this._scheme.close();
        }
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
      currentFile: this._file?.name,
      slot: this._lock?.slot,
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
    const batches = this._accepted.splice(0);
    if (logs.length > 0) batches.push(logs as ReadableLogRecord[]);
    const idle =
      batches.length === 0 &&
      this._writing === undefined &&
      this._sealing === undefined &&
      this._seals.empty;
    // Nothing to write and no file to seal: no reason to touch the directory.
    if (idle && this._file === undefined) return { code: ExportResultCode.SUCCESS };
    this._exited = true;
    this._isShutdown = true;
    this._clearTimer();
    this._anchors?.close();
    let pending = 0;
    for (const b of batches) pending += b.length;
    if (this._writing !== undefined) {
      const counts = this._renderer.batch.counts;
      for (let k = this._writing.next; k < counts.length; k++) pending += counts[k] as number;
    }
    try {
      const chain = this._startSync();
      const sealing = this._sealing;
      if (sealing !== undefined) {
        this._sealing = undefined;
        try {
          fdatasyncSync(sealing.fd);
        } catch {
          // its lines are as durable as the kernel made them
        }
        this._seals.push(sealing.seal);
      }
      if (this._writing !== undefined) {
        const next = this._writing.next;
        this._writing = undefined;
        pending -= this._writeLinesSync(chain, next, []);
      }
      for (const records of batches) {
        const times: number[] = [];
        const unserializable = this._renderer.serialize(records, chain, times, false);
        this._metrics.drop('serialization', unserializable);
        pending -= unserializable;
        pending -= this._writeLinesSync(chain, 0, times);
      }
      const file = this._file;
      if (file !== undefined && !file.broken) {
        fdatasyncSync(file.fh.fd);
        this._seals.push(sealOf(this._o, this._lock?.slot ?? 0, file, this._chain));
      }
      this._signHead(chain);
      this._seals.writeSync(file?.name);
      return { code: ExportResultCode.SUCCESS };
    } catch (err) {
      return this._reporter.failed(err, pending);
    }
  }

  /** The chain to write on at exit: the started one, else a fresh slot's (see acquireFreshSlotSync). */
  private _startSync(): ChainState {
    if (this._lock !== undefined && this._chain !== undefined) return this._chain;
    const o = this._o;
    makeDirectorySync(o.directory, o.dirMode);
    const parse = nameParser(o.baseName);
    const used = new Set<number>();
    for (const name of readdirSync(o.directory)) {
      const parsed = parse(name);
      if (parsed !== undefined) used.add(parsed.slot);
    }
    this._lock = acquireFreshSlotSync(o.directory, o.baseName, o.fileMode, (s) => !used.has(s));
    this._chain = { lastHash: GENESIS_HASH, lastSeq: 0, nextIndex: 1, lastRecordMs: undefined };
    this._knownSlots = Math.max(
      this._knownSlots,
      this._lock.slot + 1,
      ...[...used].map((n) => n + 1),
    );
    this._head = HeadFile.open(o.directory, o.baseName, this._lock.slot, o.fileMode, (m) =>
      this._reporter.report(new Error(m), 'unsafe head'),
    );
    this._scheme.open(this._lock.slot)?.resume(Date.now(), this._chain);
    return this._chain;
  }

  /**
   * Writes lines `from`.. of `_renderer.batch` to the active file (opening one if there is none), moving
   * the chain as `_writeBatch` does; returns how many records were written. `times` are the
   * records' times when known (from line 0).
   */
  private _writeLinesSync(chain: ChainState, from: number, times: readonly number[]): number {
    const batch = this._renderer.batch;
    const ends = batch.ends;
    const counts = batch.counts;
    const count = ends.length;
    let i = from;
    let records = 0;
    let done = 0;
    for (let k = 0; k < from; k++) done += counts[k] as number;
    while (i < count) {
      const start = i === 0 ? 0 : (ends[i - 1] as number);
      let file = this._openFileSync(chain);
      if (file.size > 0 && file.size + (ends[i] as number) - start > this._o.maxFileBytes) {
        // Rotate as the async path does; the seal is written with the others at the end.
        fdatasyncSync(file.fh.fd);
        this._seals.push(sealOf(this._o, this._lock?.slot ?? 0, file, this._chain));
        this._metrics.rotated();
        this._file = undefined;
        file = this._openFileSync(chain);
      }
      // Take lines while the file has room; the first always goes (an oversized line gets a file).
      let j = i + 1;
      while (j < count && file.size + (ends[j] as number) - start <= this._o.maxFileBytes) j++;
      const end = ends[j - 1] as number;
      writeAllSync(file.fh.fd, batch.buf, start, end);
      let n = 0;
      for (let k = i; k < j; k++) n += counts[k] as number;
      file.size += end - start;
      file.count += n;
      if (this._o.hashChain) {
        chain.lastHash = batch.hashAt(j - 1);
        chain.lastSeq += n;
      }
      done += n;
      records += n;
      const last = times[done - 1];
      if (last !== undefined) {
        file.lastRecordMs = last;
        chain.lastRecordMs = last;
      }
      this._metrics.written(n, end - start);
      i = j;
    }
    return records;
  }

  /** The active file, or a new one opened with synchronous I/O (see `_openFile`). */
  private _openFileSync(chain: ChainState): OpenFile {
    const current = this._file;
    if (current !== undefined && !current.broken) return current;
    if (current !== undefined)
      throw new Error(`${current.name} needs recovery after a failed write`);
    const file = openDataFileSync(this._o, this._lock?.slot ?? 0, chain, this._opening);
    this._file = file;
    return file;
  }

  private _unaccept(logs: ReadableLogRecord[]): void {
    const k = this._accepted.indexOf(logs);
    if (k !== -1) this._accepted.splice(k, 1);
  }

  private _enqueue(fn: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this._exited) return;
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

  private async _start(): Promise<ChainState> {
    const o = this._o;
    if (this._lock !== undefined && this._chain !== undefined) return this._chain;
    const created = await makeDirectory(o.directory, o.dirMode);
    if (created) await chmod(o.directory, o.dirMode);
    const dirStat = await stat(o.directory);
    if (!dirStat.isDirectory()) {
      throw Object.assign(new Error(`${o.directory} is not a directory`), { code: 'ENOTDIR' });
    }
    if (this._lock === undefined && (dirStat.mode & 0o022) !== 0) {
      diag.warn(
        `${PACKAGE}: ${o.directory} is writable by group or others; anyone there can plant or delete log files`,
      );
    }
    if (this._lock === undefined)
      this._lock = await acquireSlot(o.directory, o.baseName, o.fileMode);
    await removeStaleTemps(o.directory, o.baseName).catch(() => undefined);
    const epochs = this._scheme.open(this._lock.slot);
    const loaded = await loadSlot(this._recoveryOptions(), this._lock.slot);
    const { state, recovered, slots } = loaded;
    // Epochs that ended while the writer was down are checkpointed with where recovery found the chain.
    epochs?.resume(Date.now(), state);
    for (const r of recovered) if (r.tornBytes > 0) this._metrics.tornLinesSetAside++;
    if (o.onIntegrityViolation !== undefined) {
      const check = this._scheme.fixedCheck();
      for (const v of await startUpCheck({ ...o, check }, this._lock.slot, loaded)) {
        try {
          o.onIntegrityViolation(v);
        } catch (err) {
          this._reporter.report(err, 'onIntegrityViolation threw');
        }
      }
    }
    this._chain = state;
    this._knownSlots = Math.max(this._knownSlots, slots);
    this._head ??= HeadFile.open(o.directory, o.baseName, this._lock.slot, o.fileMode, (m) =>
      this._reporter.report(new Error(m), 'unsafe head'),
    );
    // From here the head vouches for what recovery found (its seals keep what it found wrong).
    this._signHead(state);
    this._scheduleMaintenance();
    return state;
  }

  private async _openFile(chain: ChainState): Promise<OpenFile> {
    const file = await openDataFile(this._o, this._lock?.slot ?? 0, chain, {
      report: (err, context) => this._reporter.report(err, context),
      behind: (work, what) => this._behind(work, what),
      opening: (name) => {
        this._opening = name;
      },
    });
    const interval = this._o.rotateIntervalMs;
    this._file = file;
    this._opening = undefined;
    this._seals.pointerMoved();
    this._behind(() => this._seals.writePointer(), 'could not update the current-file pointer');
    if (interval !== undefined) {
      this._clearTimer();
      this._timer = setTimeout(
        () => {
          void this._enqueue(async () => {
            if (this._file === file && file.count > 0 && Date.now() >= file.boundaryEnd)
              await this._closeFile();
          });
        },
        Math.max(0, file.boundaryEnd - Date.now()),
      );
      this._timer.unref();
    }
    return file;
  }

  private _clearTimer(): void {
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
  }

  /** Runs `work` on the background chain (see `_closing`); a failure is reported as `what`. */
  private _behind(work: () => Promise<void>, what: string): void {
    this._closing = this._closing.then(work).catch((err: unknown) => {
      this._reporter.report(err, what);
    });
  }

  /**
   * Detaches and seals the active file, and has it synced and closed behind the writes (see
   * `_closing`); a seal that cannot be written is retried later.
   */
  private async _closeFile(): Promise<void> {
    const file = this._file;
    if (file === undefined) return;
    this._file = undefined;
    this._clearTimer();
    if (file.broken) {
      await file.fh.close().catch(() => undefined);
      await this._recoverBroken(file);
      return;
    }
    const seal = sealOf(this._o, this._lock?.slot ?? 0, file, this._chain);
    // The seal goes before anything reaches the next file, so a crash never leaves a sealless file
    // behind a newer one. With 'none' it may precede the data's fsync: durability across power
    // loss is not promised then.
    const sync = async (): Promise<void> => {
      try {
        await file.fh.datasync();
      } catch (err) {
        this._reporter.report(err, `sync of ${file.name} failed`);
      }
    };
    // With fsync 'batch' the lines this batch put in the old file are acknowledged with the batch,
    // so they are synced before anything else; with 'none' the sync may follow.
    if (this._o.fsync === 'batch') {
      this._sealing = { seal, fd: file.fh.fd };
      await sync();
      this._sealing = undefined;
    }
    if (this._exited) return;
    this._seals.push(seal);
    this._metrics.rotated();
    await this._seals.retry();
    this._anchors?.sealed({
      slot: seal.slot,
      index: seal.index,
      seq: seal.lastSeq,
      hash: seal.lastHash,
    });
    this._behind(async () => {
      if (this._o.fsync !== 'batch') await sync();
      await file.fh.close().catch(() => undefined);
      // Slots that started since: later heads name them, so deleting one whole slot shows.
      this._knownSlots = Math.max(
        this._knownSlots,
        await countSlots(this._o.directory, this._o.baseName),
      );
      this._scheduleMaintenance();
    }, `could not close ${file.name}`);
  }

  private async _recoverBroken(file: OpenFile): Promise<void> {
    const recovered = await recoverFile(
      this._recoveryOptions(),
      this._lock?.slot ?? 0,
      file.index,
      file.prevHash,
      file.firstSeq - 1,
      // What this writer last signed: a failed write cannot have cut below it.
      this._chain === undefined
        ? 'missing'
        : { index: file.index, seq: this._chain.lastSeq, hash: this._chain.lastHash },
    );
    if (this._chain !== undefined) {
      this._chain.lastHash = recovered.seal.lastHash;
      this._chain.lastSeq = recovered.seal.lastSeq;
    }
    this._metrics.rotated();
  }

  private _scheduleMaintenance(): void {
    const o = this._o;
    if (
      !o.compress &&
      o.maxFiles === undefined &&
      o.maxAgeMs === undefined &&
      o.maxTotalBytes === undefined
    )
      return;
    if (this._maintPending || this._lock === undefined) return;
    this._maintPending = true;
    const slot = this._lock.slot;
    this._maint = this._maint.then(async () => {
      this._maintPending = false;
      const active = this._file?.index ?? this._chain?.nextIndex ?? 1;
      try {
        const r = await runMaintenance(
          {
            ...o,
            signing: () => this._scheme.signing(),
            check: this._scheme.fixedCheck(),
          },
          slot,
          active,
          this._file?.size,
          Date.now(),
        );
        this._knownSlots = Math.max(this._knownSlots, r.slots);
        this._metrics.filesCompressed += r.compressed;
        this._metrics.filesDeleted += r.deleted;
      } catch (err) {
        this._reporter.report(err, 'retention/compression failed');
      }
    });
  }

  /** Makes sure an open, healthy file with room for `bytes` is active (rotating as needed). */
  private async _fileFor(chain: ChainState, bytes: number): Promise<OpenFile> {
    let file = this._file;
    if (file !== undefined && file.broken) {
      await this._closeFile();
      file = undefined;
    }
    if (file !== undefined) {
      // fstat of an open descriptor never waits on the disk; the async form cost a thread-pool
      // round trip per batch.
      if (fstatSync(file.fh.fd).nlink === 0) {
        // Someone deleted the active file (or its directory): what it held is gone, start afresh.
        this._reporter.report(
          new Error(`${file.name} was deleted while being written`),
          'active file removed',
        );
        this._file = undefined;
        await file.fh.close().catch(() => undefined);
        file = undefined;
      } else if (
        Date.now() >= file.boundaryEnd ||
        (file.size > 0 && file.size + bytes > this._o.maxFileBytes)
      ) {
        await this._closeFile();
        file = undefined;
      }
    }
    return file ?? (await this._openFile(chain));
  }

  private async _writeBatch(
    records: ReadableLogRecord[],
    handover: Handover | undefined,
  ): Promise<ExportResult> {
    let chain: ChainState;
    try {
      chain = await this._start();
      // Seals and the pointer that could not be written before are retried behind the writes.
      if (this._seals.retryDue)
        this._behind(() => this._seals.retry(), 'could not write pending seals');
    } catch (err) {
      return this._reporter.failed(err, records.length);
    }
    const times: number[] = [];
    const unserializable = await this._renderer.render(records, handover, chain, times);
    // Every await above may have been the last turn of the event loop: the exit path has written
    // these records then (from `_accepted`), and nothing here may touch the files.
    if (this._exited) return { code: ExportResultCode.FAILED, error: new Error('exited') };
    this._metrics.drop('serialization', unserializable);
    this._unaccept(records);
    const real = this._anchors !== undefined && hasNonAnchor(records);
    this._anchors?.writing(real);
    this._writing = { next: 0 };
    const result = await this._writeLines(chain, times);
    this._writing = undefined;
    if (result.code === ExportResultCode.SUCCESS)
      this._anchors?.acknowledged(this._position(chain), real);
    if (result.code === ExportResultCode.SUCCESS && unserializable > 0) {
      return {
        code: ExportResultCode.FAILED,
        error: new Error(`${PACKAGE}: ${unserializable} records could not be serialized`),
      };
    }
    return result;
  }

  /**
   * Writes the rendered batch (`_renderer.batch`) into the files, rotating as needed; `_writing.next` is
   * kept at the first line not yet written, for the exit path.
   */
  private async _writeLines(chain: ChainState, times: readonly number[]): Promise<ExportResult> {
    const batch = this._renderer.batch;
    const ends = batch.ends;
    const counts = batch.counts;
    const count = ends.length;
    let i = 0;
    let from = 0;
    let done = 0;
    let left = 0;
    for (let k = 0; k < count; k++) left += counts[k] as number;
    while (i < count) {
      let file: OpenFile;
      try {
        file = await this._fileFor(chain, (ends[i] as number) - from);
      } catch (err) {
        return this._reporter.failed(err, left);
      }
      if (this._exited) return { code: ExportResultCode.FAILED, error: new Error('exited') };
      // Take lines while the file has room; the first always goes (an oversized line gets a file).
      let j = i + 1;
      const room = this._o.maxFileBytes - file.size;
      while (j < count && (ends[j] as number) - from <= room) j++;
      const to = ends[j - 1] as number;
      try {
        // Synchronous, as pino's default destination writes: the page cache takes it at once,
        // and no write is ever half done when the exit path (exportSync) takes over.
        writeAllSync(file.fh.fd, batch.buf, from, to);
      } catch (err) {
        // Undo a partial write so the file keeps whole lines only; if that fails, recover it later.
        try {
          ftruncateSync(file.fh.fd, file.size);
        } catch {
          file.broken = true;
        }
        return this._reporter.failed(err, left);
      }
      let n = 0;
      for (let k = i; k < j; k++) n += counts[k] as number;
      file.size += to - from;
      file.count += n;
      if (this._o.hashChain) {
        chain.lastHash = batch.hashAt(j - 1);
        chain.lastSeq += n;
      }
      done += n;
      left -= n;
      file.lastRecordMs = times[done - 1];
      chain.lastRecordMs = file.lastRecordMs;
      this._metrics.written(n, to - from);
      i = j;
      from = to;
      if (this._writing !== undefined) this._writing.next = i;
    }
    if (this._o.fsync === 'batch' && this._file !== undefined) {
      try {
        await this._file.fh.datasync();
      } catch (err) {
        this._reporter.report(err, 'fdatasync failed');
        return { code: ExportResultCode.FAILED, error: asError(err) };
      }
    }
    this._signHead(chain);
    this._reporter.succeeded();
    return { code: ExportResultCode.SUCCESS };
  }

  /** Where the chain stands: the data file, sequence number and hash of the last record written. */
  private _position(chain: ChainState): ChainPosition {
    return {
      slot: this._lock?.slot ?? 0,
      index: this._file?.index ?? chain.nextIndex - 1,
      seq: chain.lastSeq,
      hash: chain.lastHash,
    };
  }

  /**
   * Overwrites the slot's signed head with where the chain stands: called once a batch is durable
   * and before it is acknowledged, so every acknowledged record is vouched for by the key.
   */
  private _signHead(chain: ChainState): void {
    const head = this._head;
    if (head === undefined || this._lock === undefined) return;
    const slot = this._lock.slot;
    const file = this._file;
    this._scheme.signHead(chain, () => {
      try {
        head.write(
          renderHead(
            {
              v: 1,
              slot,
              index: file?.index ?? chain.nextIndex - 1,
              seq: chain.lastSeq,
              hash: chain.lastHash,
              bytes: file?.size ?? 0,
              slots: this._knownSlots,
              at: new Date().toISOString(),
            },
            this._scheme.signing(),
          ),
        );
      } catch (err) {
        this._reporter.report(
          err,
          'could not write the signed head; verify will not vouch for the newest records',
        );
      }
    });
  }

  private _recoveryOptions(): Parameters<typeof loadSlot>[0] {
    const o = this._o;
    return {
      ...o,
      signing: () => this._scheme.signing(),
      check: this._scheme.recoveryCheck(),
    };
  }
}
