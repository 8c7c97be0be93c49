// Builds a batch of lines straight into one reusable Buffer: each record's text is encoded to
// UTF-8 once, hashed from those bytes and written from the same Buffer. OTLP lines (format v2)
// carry consecutive records that share their head (resource and scope), up to a size cap.
import { chainHash, headDigest } from './chain.js';

/** {@link headDigest} of each OTLP line head, which lines share. */
const headDigests = new WeakMap<Uint8Array, string>();

function cachedHeadDigest(head: Uint8Array): string {
  let digest = headDigests.get(head);
  if (digest === undefined) {
    digest = headDigest(head);
    headDigests.set(head, digest);
  }
  return digest;
}

const HASH_HEX = 64;
const COMMA = 0x2c;
/** Above this a batch Buffer is not kept for the next batch. */
const KEEP_BYTES = 8 * 1024 * 1024;

function sameHead(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/**
 * How a batch's records become lines. `recordTail` follows each record's hash (or, unchained, its
 * closed attribute list). With `lineEnd` (OTLP), records sharing a head join one line,
 * comma-separated, and `lineEnd` (newline included) closes it; a line grows to at most
 * `maxLineBytes` unless its first record alone is larger. Without (ECS), `recordTail` ends each
 * record's own line and must hold the newline.
 */
export interface LineShape {
  recordTail: string;
  lineEnd: string | undefined;
  maxLineBytes: number;
}

/**
 * One batch of lines; `ends[k]` is the byte offset just past line k's newline and `counts[k]` the
 * number of records on it. Call {@link finish} after the last record.
 */
export class LineBatch {
  buf: Buffer;
  len = 0;
  readonly ends: number[] = [];
  readonly counts: number[] = [];
  private readonly _recordTail: Buffer;
  private readonly _lineEnd: Buffer | undefined;
  private readonly _max: number;
  /** The open line (OTLP): where it starts, its head, its records so far. */
  private _lineStart = 0;
  private _lineHead: Uint8Array | undefined;
  private _lineRecords = 0;

  constructor(shape: LineShape, initialBytes = 256 * 1024) {
    this._recordTail = Buffer.from(shape.recordTail, 'utf8');
    this._lineEnd = shape.lineEnd === undefined ? undefined : Buffer.from(shape.lineEnd, 'utf8');
    this._max = shape.maxLineBytes;
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes after the hash of each line's last record, newline included. */
  get tailLength(): number {
    return this._recordTail.length + (this._lineEnd?.length ?? 0);
  }

  /** Records in the batch (closed lines and the open one). */
  get records(): number {
    let n = this._lineRecords;
    for (const c of this.counts) n += c;
    return n;
  }

  /**
   * Empties the batch for reuse, dropping an oversized Buffer or one whose memory was handed to a
   * worker and not returned.
   */
  reset(): void {
    this.len = 0;
    this.ends.length = 0;
    this.counts.length = 0;
    this._lineRecords = 0;
    this._lineHead = undefined;
    if (this.buf.length > KEEP_BYTES || this.buf.byteLength === 0)
      this.buf = Buffer.allocUnsafe(256 * 1024);
  }

  /** Closes the open line, if any: after the last record of the batch. */
  finish(): void {
    if (this._lineRecords === 0) return;
    const end = this._lineEnd as Buffer;
    this._reserve(end.length);
    this.buf.set(end, this.len);
    this.len += end.length;
    this.ends.push(this.len);
    this.counts.push(this._lineRecords);
    this._lineRecords = 0;
    this._lineHead = undefined;
  }

  /**
   * Takes over a batch built elsewhere (by the batch worker): `buf[0, len)`, lines ending at `ends`
   * holding `counts` records each (one each when not given).
   */
  adopt(buf: Buffer, len: number, ends: ArrayLike<number>, counts?: ArrayLike<number>): void {
    this.buf = buf;
    this.len = len;
    this._lineRecords = 0;
    this._lineHead = undefined;
    if (ends !== this.ends) {
      this.ends.length = 0;
      for (let k = 0; k < ends.length; k++) this.ends.push(ends[k] as number);
    }
    if (counts !== this.counts) {
      this.counts.length = 0;
      for (let k = 0; k < ends.length; k++)
        this.counts.push(counts === undefined ? 1 : (counts[k] as number));
    }
  }

  /** The hash (64 hex) of the last record of line `k`, read back from the Buffer. */
  hashAt(k: number): string {
    const slot = (this.ends[k] as number) - this.tailLength - HASH_HEX;
    return this.buf.toString('latin1', slot, slot + HASH_HEX);
  }

  /**
   * Places one record's text: on the open line when it shares `head` and fits, else on a new line
   * (closing the open one). `extra` is what follows the text (hash slot and record tail). Returns
   * where the text starts and its UTF-8 length.
   */
  private _place(head: Uint8Array | undefined, body: string, extra: number): [number, number] {
    const headLen = head === undefined ? 0 : head.length;
    const endLen = this._lineEnd?.length ?? 0;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit, so this always fits without measuring.
    this._reserve(endLen + headLen + 1 + body.length * 3 + extra);
    const buf = this.buf;
    if (this._lineRecords > 0 && sameHead(this._lineHead, head)) {
      const at = this.len + 1;
      const n = buf.write(body, at, 'utf8');
      if (at + n + extra + endLen - this._lineStart <= this._max) {
        buf[this.len] = COMMA;
        this._lineRecords++;
        return [at, n];
      }
      // Too long for the open line: close it and move the text behind the new line's head.
      const end = this._lineEnd as Buffer;
      const to = this.len + endLen + headLen;
      buf.copyWithin(to, at, at + n);
      buf.set(end, this.len);
      this.len += endLen;
      this.ends.push(this.len);
      this.counts.push(this._lineRecords);
      this._startLine(head);
      return [to, n];
    }
    this.finish();
    this._startLine(head);
    return [this.len + headLen, buf.write(body, this.len + headLen, 'utf8')];
  }

  private _startLine(head: Uint8Array | undefined): void {
    this._lineStart = this.len;
    if (head !== undefined) this.buf.set(head, this.len);
    this._lineHead = head;
    this._lineRecords = 1;
  }

  /** Ends a placed record at `pos`: its tail, and its line when lines hold one record (ECS). */
  private _endRecord(pos: number): void {
    this.buf.set(this._recordTail, pos);
    this.len = pos + this._recordTail.length;
    if (this._lineEnd === undefined) {
      this.ends.push(this.len);
      this.counts.push(1);
      this._lineRecords = 0;
    }
  }

  /**
   * Appends one record with a blank 64-byte hash slot, for the hash worker to fill in (lines of
   * one record only: ECS). On a throw nothing is appended.
   */
  addUnhashed(head: Uint8Array | undefined, body: string): void {
    if (this._lineEnd !== undefined) throw new Error('addUnhashed: lines of one record only');
    const [at, n] = this._place(head, body, HASH_HEX + this._recordTail.length);
    this._endRecord(at + n + HASH_HEX);
  }

  /** Appends one unchained record: `body` as UTF-8 (after `head` on a new line), then its tail. */
  addPlain(head: Uint8Array | undefined, body: string): void {
    const [at, n] = this._place(head, body, this._recordTail.length);
    this._endRecord(at + n);
  }

  private _reserve(bytes: number): void {
    const need = this.len + bytes;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /**
   * Appends one record: `body` as UTF-8 (after `head` on a new line), then its chain hash in hex
   * (see chainHash), then the record tail. Returns the hash.
   */
  add(prevHash: string, head: Uint8Array | undefined, body: string): string {
    const [bodyStart, bodyLen] = this._place(head, body, HASH_HEX + this._recordTail.length);
    const buf = this.buf;
    const digest = head === undefined ? undefined : cachedHeadDigest(this._lineHead as Uint8Array);
    const hash = chainHash(prevHash, digest, buf, bodyStart, bodyStart + bodyLen);
    const pos = bodyStart + bodyLen;
    buf.write(hash, pos, HASH_HEX, 'latin1');
    this._endRecord(pos + HASH_HEX);
    return hash;
  }
}
