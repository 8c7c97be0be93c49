// Seals of closed files waiting to be written, and the slot's current-file pointer: a seal or
// pointer that cannot be written is kept and retried, never lost, and never written twice at once.
import { pointerName, sealName } from './file-names.js';
import { writeFileAtomic, writeFileAtomicSync } from './fs-safe.js';
import type { ResolvedOptions } from './options.js';
import { signedJson, type Seal, type SigningKey } from './seal.js';

/** What the queue needs of the writer. */
export interface SealQueueHooks {
  report(err: unknown, context: string): void;
  signing(): SigningKey | undefined;
  slot(): number;
  /** The name of the active data file, the one the pointer names. */
  currentFile(): string | undefined;
}

export class SealQueue {
  private readonly _pending: Seal[] = [];
  private _retrying: Promise<void> | undefined;
  private _pointerDirty = false;

  constructor(
    private readonly _o: ResolvedOptions,
    private readonly _hooks: SealQueueHooks,
  ) {}

  get empty(): boolean {
    return this._pending.length === 0;
  }

  /** Whether something waits to be written and no run is writing it now. */
  get retryDue(): boolean {
    return (this._pending.length > 0 || this._pointerDirty) && this._retrying === undefined;
  }

  push(seal: Seal): void {
    this._pending.push(seal);
  }

  /** A new data file is active: the pointer must name it. */
  pointerMoved(): void {
    this._pointerDirty = true;
  }

  /** Writes pending seals (then the pointer); one run at a time, so no seal is written twice. */
  async retry(): Promise<void> {
    // A run in progress may already have passed a seal queued since: wait for it, then run again.
    while (this._retrying !== undefined) await this._retrying;
    this._retrying = this._writePending().finally(() => {
      this._retrying = undefined;
    });
    await this._retrying;
  }

  async writePointer(): Promise<void> {
    const current = this._hooks.currentFile();
    if (!this._pointerDirty || current === undefined) return;
    try {
      await writeFileAtomic(
        this._o.directory,
        pointerName(this._o.baseName, this._hooks.slot()),
        `${current}\n`,
        this._o.fileMode,
      );
      this._pointerDirty = false;
    } catch (err) {
      this._hooks.report(err, 'could not update the current-file pointer');
    }
  }

  /** The exit path: writes every pending seal, then a pointer naming `current` (if any). Throws. */
  writeSync(current: string | undefined): void {
    const dir = this._o.directory;
    for (const seal of this._pending.splice(0)) {
      writeFileAtomicSync(
        dir,
        sealName(this._o.baseName, seal.slot, seal.index),
        signedJson(seal, this._hooks.signing()),
        this._o.fileMode,
      );
    }
    if (current !== undefined) {
      writeFileAtomicSync(
        dir,
        pointerName(this._o.baseName, this._hooks.slot()),
        `${current}\n`,
        this._o.fileMode,
      );
    }
  }

  private async _writePending(): Promise<void> {
    while (this._pending.length > 0) {
      const seal = this._pending[0] as Seal;
      try {
        await writeFileAtomic(
          this._o.directory,
          sealName(this._o.baseName, seal.slot, seal.index),
          signedJson(seal, this._hooks.signing()),
          this._o.fileMode,
        );
      } catch (err) {
        this._hooks.report(err, `could not seal ${seal.file} (will retry)`);
        return;
      }
      this._pending.shift();
    }
    await this.writePointer();
  }
}
