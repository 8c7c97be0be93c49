// Which key signs seals, heads and anchors: the fixed `hmacKey` (T1), the forward-secure epoch key
// of the slot (T2, `sealingStateDir`), or none; and the order an epoch's end is signed in.
import { join } from 'node:path';
import { EpochSealer } from './epoch-sealer.js';
import { advanceIdleSlots } from './idle-slots.js';
import { readSealingStateFile, sealingStateFileName } from './forward-secure-key.js';
import { PACKAGE, type ResolvedOptions } from './options.js';
import type { ChainState } from './recovery.js';
import { fixedKeyCheck, type SignatureCheck, type SigningKey } from './seal.js';

/** What the scheme needs of the writer it signs for. */
export interface SealingHooks {
  report(err: unknown, context: string): void;
  /** True once the exporter is shut down (or exited): no epoch timer is armed any more. */
  stopped(): boolean;
  /** An epoch ended while the timer ran: the writer re-signs its head if it is idle. */
  epochEnded(): void;
}

export class SealingScheme {
  /** Forward-secure mode: the slot's epoch key and checkpoints, once the slot is started. */
  private _epochs: EpochSealer | undefined;
  private _epochTimer: NodeJS.Timeout | undefined;
  private _slot = 0;
  /** Moving the unwritten slots' keys on (see idle-slots.ts): one pass at a time, behind the writes. */
  private _idle: Promise<void> = Promise.resolve();
  private _idlePending = false;

  /** Throws a `TypeError` naming `sealingStateDir` when slot 0 has no usable state. */
  constructor(
    private readonly _o: ResolvedOptions,
    private readonly _hooks: SealingHooks,
  ) {
    const stateDir = _o.sealingStateDir;
    if (stateDir !== undefined) {
      // Bad configuration fails here, not at the first export: slot 0 must have its state.
      try {
        readSealingStateFile(join(stateDir, sealingStateFileName(0)));
      } catch (err) {
        throw new TypeError(
          `${PACKAGE}: sealingStateDir ${stateDir} has no usable sealing state (${(err as Error).message}); create it with \`seclog keys init --dir ${stateDir} --slots <writers>\``,
        );
      }
    }
  }

  /** The key that signs now: `hmacKey`, the current epoch's key, or none. */
  signing(): SigningKey | undefined {
    const o = this._o;
    if (o.hmacKey !== undefined)
      return o.keyId === undefined ? { key: o.hmacKey } : { key: o.hmacKey, keyId: o.keyId };
    return this._epochs?.signing();
  }

  /** How recovery checks the slot's own seals: with `hmacKey`, or the epoch keys it holds. */
  recoveryCheck(): SignatureCheck | undefined {
    const o = this._o;
    if (o.hmacKey !== undefined) return fixedKeyCheck(o.hmacKey);
    return this._epochs === undefined ? undefined : this._epochs.check;
  }

  /**
   * How start-up checks and retention check seals of every slot: with `hmacKey` only. In
   * forward-secure mode older seals need the verification key: left to `seclog verify`.
   */
  fixedCheck(): SignatureCheck | undefined {
    return this._o.hmacKey === undefined ? undefined : fixedKeyCheck(this._o.hmacKey);
  }

  /** Forward-secure mode: opens `slot`'s sealer and arms the epoch timer (else nothing). */
  open(slot: number): EpochSealer | undefined {
    const stateDir = this._o.sealingStateDir;
    if (stateDir === undefined || this._epochs !== undefined) return this._epochs;
    this._epochs = EpochSealer.open({
      directory: this._o.directory,
      baseName: this._o.baseName,
      slot,
      stateDir,
      fileMode: this._o.fileMode,
      onProblem: (m) => this._hooks.report(new Error(m), 'forward-secure sealing'),
    });
    this._slot = slot;
    this._armEpochTimer();
    this._advanceIdleSlots();
    return this._epochs;
  }

  /**
   * Signs the head with `write`, in the order that keeps every epoch provable: epochs that ended
   * are checkpointed under their keys, then `write` signs the head with the new key (it calls
   * {@link signing}), and only then does the state file drop the old one (see EpochSealer.advance).
   */
  signHead(chain: ChainState, write: () => void): void {
    const moved = this._epochs?.advance(Date.now(), chain) ?? false;
    write();
    if (moved) {
      this._epochs?.persist();
      this._advanceIdleSlots();
    }
  }

  /** Resolves once the unwritten slots' keys have been moved on (the pass running, if any). */
  settle(): Promise<void> {
    return this._idle;
  }

  /**
   * At start and at each epoch end: every slot of the state directory that no live writer holds
   * has its key moved to the current epoch, so while this writer runs no older key is on the host.
   */
  private _advanceIdleSlots(): void {
    const stateDir = this._o.sealingStateDir;
    if (stateDir === undefined || this._idlePending || this._hooks.stopped()) return;
    this._idlePending = true;
    const o = this._o;
    this._idle = this._idle
      .then(() => {
        this._idlePending = false;
        return advanceIdleSlots(
          {
            directory: o.directory,
            baseName: o.baseName,
            stateDir,
            fileMode: o.fileMode,
            ownSlot: this._slot,
            onProblem: (m) => this._hooks.report(new Error(m), 'forward-secure sealing'),
          },
          Date.now(),
        );
      })
      .catch((err: unknown) => this._hooks.report(err, 'forward-secure sealing'));
  }

  close(): void {
    if (this._epochTimer !== undefined) clearTimeout(this._epochTimer);
    this._epochTimer = undefined;
    this._epochs?.close();
    this._epochs = undefined;
  }

  /**
   * At each epoch end an idle writer still checkpoints the epoch and moves its key on: an
   * unsealed idle epoch would let a later intruder pass off deleted records as idleness.
   */
  private _armEpochTimer(): void {
    const epochs = this._epochs;
    if (epochs === undefined || this._hooks.stopped()) return;
    const wait = Math.max(0, epochs.nextBoundaryMs() - Date.now()) + 5;
    this._epochTimer = setTimeout(() => {
      this._epochTimer = undefined;
      this._hooks.epochEnded();
      this._armEpochTimer();
    }, wait);
    this._epochTimer.unref();
  }
}
