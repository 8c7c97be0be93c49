// When a writer hands an anchor (where its chain stands) to `onAnchor`: at each seal, and at most
// `anchorIntervalMs` after a record the last anchor does not cover. Only records that are not
// anchors themselves make an anchor due, so anchors written back into the files cannot feed
// themselves: every anchor needs a record of the application's since the one before.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ChainAnchor } from '../types.js';
import { signedJson, type SigningKey } from './seal.js';

/** EventName of an anchor record (`EVENT_SECLOG_CHAIN_ANCHOR` in `@seclog/semconv`). */
export const ANCHOR_EVENT_NAME = 'seclog.chain.anchor';

/** A position in a slot's chain. */
export interface ChainPosition {
  slot: number;
  index: number;
  seq: number;
  hash: string;
}

/** True when `records` holds one that is not an anchor record. */
export function hasNonAnchor(records: readonly ReadableLogRecord[]): boolean {
  for (const r of records) if (r.eventName !== ANCHOR_EVENT_NAME) return true;
  return false;
}

/** What {@link AnchorPoints} needs of the exporter's options. */
export interface AnchorOptions {
  onAnchor: (anchor: ChainAnchor) => void;
  anchorIntervalMs: number;
  /** What signs an anchor now: `hmacKey`, the current epoch's key (which adds `epoch`), or none. */
  signing: () => SigningKey | undefined;
}

/** A writer's anchor schedule. */
export class AnchorPoints {
  /** A record other than an anchor was written (or is being written) since the last anchor. */
  private _due = false;
  /** The batch being written holds a record that is not an anchor. */
  private _batchReal = false;
  private _acked: ChainPosition | undefined;
  private _last: ChainPosition | undefined;
  /** When the last anchor was taken; the first periodic one is due an interval after start. */
  private _lastAt = Date.now();
  private _timer: NodeJS.Timeout | undefined;
  private _closed = false;

  constructor(
    private readonly _o: AnchorOptions,
    private readonly _report: (err: unknown, context: string) => void,
  ) {}

  /** A batch is about to be written; `real` when it holds a record that is not an anchor. */
  writing(real: boolean): void {
    this._batchReal = real;
    if (real) this._due = true;
  }

  /** A batch was acknowledged with the chain at `pos`; `real` as for {@link writing}. */
  acknowledged(pos: ChainPosition, real: boolean): void {
    this._acked = pos;
    this._batchReal = false;
    if (real) this._due = true;
    if (this._due) this._schedule();
  }

  /**
   * A file was sealed at `pos`. The rest of a batch being written goes on in the next file, so
   * an application record of that batch keeps the next seal (or the interval) due.
   */
  sealed(pos: ChainPosition): void {
    if (!this._due) return;
    this._emit(pos);
    if (this._batchReal) this._due = true;
  }

  /** A record other than an anchor was written since the last anchor and no anchor covers it. */
  get due(): boolean {
    return this._due && this._acked !== undefined;
  }

  /** Anchors the last acknowledged position now, when a record since the last anchor is uncovered. */
  now(): void {
    if (this._due && this._acked !== undefined) this._emit(this._acked);
  }

  close(): void {
    this._closed = true;
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
  }

  private _schedule(): void {
    if (this._timer !== undefined || this._closed) return;
    const wait = Math.max(0, this._lastAt + this._o.anchorIntervalMs - Date.now());
    this._timer = setTimeout(() => {
      this._timer = undefined;
      if (!this._closed) this.now();
    }, wait);
    this._timer.unref();
  }

  private _emit(pos: ChainPosition): void {
    const last = this._last;
    // Already anchored (a seal right after an anchor, before anything new reached the file).
    if (last !== undefined && last.slot === pos.slot && last.seq === pos.seq) return;
    this._due = false;
    this._last = pos;
    this._lastAt = Date.now();
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
    const { slot, index, seq, hash } = pos;
    const unsigned: ChainAnchor = {
      v: 1,
      slot,
      index,
      seq,
      hash,
      at: new Date(this._lastAt).toISOString(),
    };
    const anchor = JSON.parse(signedJson(unsigned, this._o.signing())) as ChainAnchor;
    try {
      this._o.onAnchor(anchor);
    } catch (err) {
      this._report(err, 'onAnchor threw');
    }
  }
}
