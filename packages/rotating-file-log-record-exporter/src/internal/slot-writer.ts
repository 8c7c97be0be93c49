// The slot writer: the exporter's writer slot and its files: starting the slot (recovery, the
// start-up check), opening, rotating, sealing, closing and recovering data files, the signed
// head, and retention/compression behind the writes. Its write loop is in write-lines.ts, its exit
// path (synchronous I/O only) in exit-path.ts.
import { fstatSync } from 'node:fs';
import { chmod, stat } from 'node:fs/promises';
import { diag } from '@opentelemetry/api';
import type { ChainPosition } from './anchor-points.js';
import { openDataFile, sealOf, type OpenFile } from './data-file.js';
import { makeDirectory } from './fs-safe.js';
import { countSlots, HeadFile, renderHead } from './head.js';
import { runMaintenance } from './maintenance.js';
import { PACKAGE, type ResolvedOptions } from './options.js';
import { loadSlot, recoverFile, type ChainState } from './recovery.js';
import type { Reporter } from './reporter.js';
import type { Seal, SigningKey } from './seal.js';
import { SealQueue } from './seal-queue.js';
import { SealingScheme } from './sealing-scheme.js';
import type { SelfMetrics } from './self-metrics.js';
import { acquireSlot, releaseSlot, removeStaleTemps, type SlotLock } from './slot-lock.js';
import { signingModeChange } from './signing-mode.js';
import { startUpCheck } from './start-up-check.js';

/** What the slot writer needs of the exporter. */
export interface SlotWriterHooks {
  /** Runs `fn` on the exporter's queue, in turn with the exports. */
  enqueue(fn: () => Promise<void>): void;
  /** True once the exporter is shut down (or exited). */
  stopped(): boolean;
  /** A file was sealed at `position` (for the anchors). */
  sealed(position: ChainPosition): void;
}

export class SlotWriter {
  readonly seals: SealQueue;
  readonly scheme: SealingScheme;
  lock: SlotLock | undefined;
  head: HeadFile | undefined;
  /** Writer slots known in the directory (from start-up and each maintenance scan). */
  knownSlots = 1;
  chain: ChainState | undefined;
  file: OpenFile | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _maint: Promise<void> = Promise.resolve();
  private _maintPending = false;
  /** The signing-mode switch is said at the first start only (a restart after a failure re-reads our own head). */
  private _modeChecked = false;
  /**
   * Closing work of rotated files (sync, close, retention) and pointer updates, run behind the
   * writes so a rotation costs the write path only the seal and the new file's open: under load
   * each file-system round trip waits for a turn of the event loop, and a rotation took about 25.
   */
  private _closing: Promise<void> = Promise.resolve();
  /**
   * What the exit path must still write, because no async step runs after an `exit` handler: the
   * line of the rendered batch that is written next; the seal of a file being closed; the name of
   * a file being opened.
   */
  writing: { next: number } | undefined;
  sealing: { seal: Seal; fd: number } | undefined;
  opening: string | undefined;
  /** Set by the exit path: from then on only the exporter's `exportSync` writes. */
  exited = false;

  /** Throws a `TypeError` naming the option when the sealing configuration is bad. */
  constructor(
    readonly o: ResolvedOptions,
    readonly metrics: SelfMetrics,
    readonly reporter: Reporter,
    private readonly _hooks: SlotWriterHooks,
  ) {
    this.seals = new SealQueue(o, {
      report: (err, context) => reporter.report(err, context),
      signing: () => this.scheme.signing(),
      slot: () => this.slot,
      currentFile: () => this.file?.name,
    });
    this.scheme = new SealingScheme(o, {
      report: (err, context) => reporter.report(err, context),
      stopped: () => _hooks.stopped(),
      // A batch between its write and its head re-signs on its own; nothing to do then.
      epochEnded: () => {
        if (this.writing === undefined && this.chain !== undefined && !this.exited)
          this.signHead(this.chain);
      },
    });
  }

  /** The writer slot held, once started. */
  get lockedSlot(): number | undefined {
    return this.lock?.slot;
  }

  get slot(): number {
    return this.lock?.slot ?? 0;
  }

  /** The key that signs now (see SealingScheme). */
  signing(): SigningKey | undefined {
    return this.scheme.signing();
  }

  /** Nothing to write and no file to seal: the exit path need not touch the directory. */
  get idle(): boolean {
    return (
      this.writing === undefined &&
      this.sealing === undefined &&
      this.seals.empty &&
      this.file === undefined
    );
  }

  /** The chain to write on: the slot's, started (acquired, recovered, checked) at the first call. */
  async start(): Promise<ChainState> {
    const chain = await this._start();
    // Seals and the pointer that could not be written before are retried behind the writes.
    if (this.seals.retryDue)
      this._behind(() => this.seals.retry(), 'could not write pending seals');
    return chain;
  }

  private async _start(): Promise<ChainState> {
    const o = this.o;
    if (this.lock !== undefined && this.chain !== undefined) return this.chain;
    const created = await makeDirectory(o.directory, o.dirMode);
    if (created) await chmod(o.directory, o.dirMode);
    const dirStat = await stat(o.directory);
    if (!dirStat.isDirectory()) {
      throw Object.assign(new Error(`${o.directory} is not a directory`), { code: 'ENOTDIR' });
    }
    if (this.lock === undefined && (dirStat.mode & 0o022) !== 0) {
      diag.warn(
        `${PACKAGE}: ${o.directory} is writable by group or others; anyone there can plant or delete log files`,
      );
    }
    if (this.lock === undefined) this.lock = await acquireSlot(o.directory, o.baseName, o.fileMode);
    await removeStaleTemps(o.directory, o.baseName).catch(() => undefined);
    const epochs = this.scheme.open(this.lock.slot);
    // Before the head is re-signed below: it still says how the slot was signed so far.
    if (!this._modeChecked) {
      this._modeChecked = true;
      const change = await signingModeChange(o, this.lock.slot).catch(() => undefined);
      if (change !== undefined) this.reporter.report(new Error(change), 'signing mode changed');
    }
    const loaded = await loadSlot(this._recoveryOptions(), this.lock.slot);
    const { state, recovered, slots } = loaded;
    // Epochs that ended while the writer was down are checkpointed with where recovery found the chain.
    epochs?.resume(Date.now(), state);
    for (const r of recovered) if (r.tornBytes > 0) this.metrics.tornLinesSetAside++;
    if (o.onIntegrityViolation !== undefined) {
      const check = this.scheme.fixedCheck();
      for (const v of await startUpCheck({ ...o, check }, this.lock.slot, loaded)) {
        try {
          o.onIntegrityViolation(v);
        } catch (err) {
          this.reporter.report(err, 'onIntegrityViolation threw');
        }
      }
    }
    this.chain = state;
    this.knownSlots = Math.max(this.knownSlots, slots);
    this.head ??= HeadFile.open(o.directory, o.baseName, this.lock.slot, o.fileMode, (m) =>
      this.reporter.report(new Error(m), 'unsafe head'),
    );
    // From here the head vouches for what recovery found (its seals keep what it found wrong).
    this.signHead(state);
    this.scheduleMaintenance();
    return state;
  }

  /** Makes sure an open, healthy file with room for `bytes` is active (rotating as needed). */
  async fileFor(chain: ChainState, bytes: number): Promise<OpenFile> {
    let file = this.file;
    if (file !== undefined && file.broken) {
      await this._closeFile();
      file = undefined;
    }
    if (file !== undefined) {
      // fstat of an open descriptor never waits on the disk; the async form cost a thread-pool
      // round trip per batch.
      if (fstatSync(file.fh.fd).nlink === 0) {
        // Someone deleted the active file (or its directory): what it held is gone, start afresh.
        this.reporter.report(
          new Error(`${file.name} was deleted while being written`),
          'active file removed',
        );
        this.file = undefined;
        await file.fh.close().catch(() => undefined);
        file = undefined;
      } else if (
        Date.now() >= file.boundaryEnd ||
        (file.size > 0 && file.size + bytes > this.o.maxFileBytes)
      ) {
        await this._closeFile();
        file = undefined;
      }
    }
    return file ?? (await this._openFile(chain));
  }

  private async _openFile(chain: ChainState): Promise<OpenFile> {
    const file = await openDataFile(this.o, this.slot, chain, {
      report: (err, context) => this.reporter.report(err, context),
      behind: (work, what) => this._behind(work, what),
      opening: (name) => {
        this.opening = name;
      },
    });
    const interval = this.o.rotateIntervalMs;
    this.file = file;
    this.opening = undefined;
    this.seals.pointerMoved();
    this._behind(() => this.seals.writePointer(), 'could not update the current-file pointer');
    if (interval !== undefined) {
      this.clearTimer();
      this._timer = setTimeout(
        () => {
          this._hooks.enqueue(async () => {
            if (this.file === file && file.count > 0 && Date.now() >= file.boundaryEnd)
              await this._closeFile();
          });
        },
        Math.max(0, file.boundaryEnd - Date.now()),
      );
      this._timer.unref();
    }
    return file;
  }

  /** Stops the timer that rotates the active file at its time boundary. */
  clearTimer(): void {
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
  }

  /** Runs `work` on the background chain (see `_closing`); a failure is reported as `what`. */
  private _behind(work: () => Promise<void>, what: string): void {
    this._closing = this._closing.then(work).catch((err: unknown) => {
      this.reporter.report(err, what);
    });
  }

  /**
   * Detaches and seals the active file, and has it synced and closed behind the writes (see
   * `_closing`); a seal that cannot be written is retried later.
   */
  private async _closeFile(): Promise<void> {
    const file = this.file;
    if (file === undefined) return;
    this.file = undefined;
    this.clearTimer();
    if (file.broken) {
      await file.fh.close().catch(() => undefined);
      await this._recoverBroken(file);
      return;
    }
    const seal = sealOf(this.o, this.slot, file, this.chain);
    // The seal goes before anything reaches the next file, so a crash never leaves a sealless file
    // behind a newer one. With 'none' it may precede the data's fsync: durability across power
    // loss is not promised then.
    const sync = async (): Promise<void> => {
      try {
        await file.fh.datasync();
      } catch (err) {
        this.reporter.report(err, `sync of ${file.name} failed`);
      }
    };
    // With fsync 'batch' the lines this batch put in the old file are acknowledged with the batch,
    // so they are synced before anything else; with 'none' the sync may follow.
    if (this.o.fsync === 'batch') {
      this.sealing = { seal, fd: file.fh.fd };
      await sync();
      this.sealing = undefined;
    }
    if (this.exited) return;
    this.seals.push(seal);
    this.metrics.rotated();
    await this.seals.retry();
    this._hooks.sealed({
      slot: seal.slot,
      index: seal.index,
      seq: seal.lastSeq,
      hash: seal.lastHash,
    });
    this._behind(async () => {
      if (this.o.fsync !== 'batch') await sync();
      await file.fh.close().catch(() => undefined);
      // Slots that started since: later heads name them, so deleting one whole slot shows.
      this.knownSlots = Math.max(
        this.knownSlots,
        await countSlots(this.o.directory, this.o.baseName),
      );
      this.scheduleMaintenance();
    }, `could not close ${file.name}`);
  }

  private async _recoverBroken(file: OpenFile): Promise<void> {
    const recovered = await recoverFile(
      this._recoveryOptions(),
      this.slot,
      file.index,
      file.prevHash,
      file.firstSeq - 1,
      // What this writer last signed: a failed write cannot have cut below it.
      this.chain === undefined
        ? 'missing'
        : { index: file.index, seq: this.chain.lastSeq, hash: this.chain.lastHash },
    );
    if (this.chain !== undefined) {
      this.chain.lastHash = recovered.seal.lastHash;
      this.chain.lastSeq = recovered.seal.lastSeq;
    }
    this.metrics.rotated();
  }

  private _recoveryOptions(): Parameters<typeof loadSlot>[0] {
    return {
      ...this.o,
      signing: () => this.scheme.signing(),
      check: this.scheme.recoveryCheck(),
    };
  }

  /** Queues compression and retention behind the running pass (one pending at a time). */
  scheduleMaintenance(): void {
    const o = this.o;
    if (
      !o.compress &&
      o.maxFiles === undefined &&
      o.maxAgeMs === undefined &&
      o.maxTotalBytes === undefined
    )
      return;
    if (this._maintPending || this.lock === undefined) return;
    this._maintPending = true;
    const slot = this.lock.slot;
    this._maint = this._maint.then(async () => {
      this._maintPending = false;
      const active = this.file?.index ?? this.chain?.nextIndex ?? 1;
      try {
        const r = await runMaintenance(
          { ...o, signing: () => this.scheme.signing(), check: this.scheme.fixedCheck() },
          slot,
          active,
          this.file?.size,
          Date.now(),
        );
        this.knownSlots = Math.max(this.knownSlots, r.slots);
        this.metrics.filesCompressed += r.compressed;
        this.metrics.filesDeleted += r.deleted;
      } catch (err) {
        this.reporter.report(err, 'retention/compression failed');
      }
    });
  }

  /** Where the chain stands: the data file, sequence number and hash of the last record written. */
  position(chain: ChainState): ChainPosition {
    return {
      slot: this.slot,
      index: this.file?.index ?? chain.nextIndex - 1,
      seq: chain.lastSeq,
      hash: chain.lastHash,
    };
  }

  /**
   * Overwrites the slot's signed head with where the chain stands: called once a batch is durable
   * and before it is acknowledged, so every acknowledged record is vouched for by the key.
   */
  signHead(chain: ChainState): void {
    const head = this.head;
    if (head === undefined || this.lock === undefined) return;
    const slot = this.lock.slot;
    const file = this.file;
    this.scheme.signHead(chain, () => {
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
              slots: this.knownSlots,
              at: new Date().toISOString(),
            },
            this.scheme.signing(),
          ),
        );
      } catch (err) {
        this.reporter.report(
          err,
          'could not write the signed head; verify will not vouch for the newest records',
        );
      }
    });
  }

  /** Syncs the active file and waits for the files rotated out before to be synced and sealed. */
  async flush(): Promise<void> {
    if (this.file !== undefined && !this.file.broken) await this.file.fh.datasync();
    await this._closing;
  }

  /** Seals the active file, finishes the work behind the writes and releases the slot. */
  async close(): Promise<void> {
    this.clearTimer();
    if (this.file !== undefined) await this._closeFile();
    await this._closing;
    await this.seals.retry();
    this.scheduleMaintenance();
    await this._maint;
    await this.scheme.settle();
    if (this.lock !== undefined) {
      await releaseSlot(this.lock);
      this.lock = undefined;
      this.head?.close();
      this.head = undefined;
      this.scheme.close();
    }
  }
}
