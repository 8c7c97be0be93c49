// Builds a batch of chained lines straight into one reusable Buffer: each line's text is encoded
// to UTF-8 once, hashed from those bytes and written from the same Buffer.
import { sha256Hex } from './chain.js';

/** SHA-256 hex (as latin1 bytes) of each OTLP line head, which lines share: see chainHash. */
const headDigests = new WeakMap<Uint8Array, Buffer>();

function headDigest(head: Uint8Array): Buffer {
  let digest = headDigests.get(head);
  if (digest === undefined) {
    digest = Buffer.from(sha256Hex(head), 'latin1');
    headDigests.set(head, digest);
  }
  return digest;
}

let scratch = Buffer.allocUnsafe(1 << 16);

const HASH_HEX = 64;
/** Above this a batch Buffer is not kept for the next batch. */
const KEEP_BYTES = 8 * 1024 * 1024;

/** One batch of lines; `ends[k]` is the byte offset just past line k's newline. */
export class LineBatch {
  buf: Buffer;
  len = 0;
  readonly ends: number[] = [];
  private readonly _tail: Buffer;

  /** @param tail the bytes after a line's hash, newline included */
  constructor(tail: string, initialBytes = 256 * 1024) {
    this._tail = Buffer.from(tail, 'utf8');
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes after each line's hash, newline included. */
  get tailLength(): number {
    return this._tail.length;
  }

  /**
   * Empties the batch for reuse, dropping an oversized Buffer or one whose memory was handed to a
   * worker and not returned.
   */
  reset(): void {
    this.len = 0;
    this.ends.length = 0;
    if (this.buf.length > KEEP_BYTES || this.buf.byteLength === 0)
      this.buf = Buffer.allocUnsafe(256 * 1024);
  }

  /** Takes over a batch built elsewhere (by the batch worker): `buf[0, len)`, lines ending at `ends`. */
  adopt(buf: Buffer, len: number, ends: ArrayLike<number>): void {
    this.buf = buf;
    this.len = len;
    if (ends !== this.ends) {
      this.ends.length = 0;
      for (let k = 0; k < ends.length; k++) this.ends.push(ends[k] as number);
    }
  }

  /** The hash (64 hex) of line `k`, read back from the Buffer. */
  hashAt(k: number): string {
    const slot = (this.ends[k] as number) - this._tail.length - HASH_HEX;
    return this.buf.toString('latin1', slot, slot + HASH_HEX);
  }

  /**
   * Appends one line with a blank 64-byte hash slot, for the hash worker to fill in.
   * On a throw nothing is appended.
   */
  addUnhashed(head: Uint8Array | undefined, body: string): void {
    const headLen = head === undefined ? 0 : head.length;
    this._reserve(headLen + body.length * 3 + HASH_HEX + this._tail.length);
    const buf = this.buf;
    let pos = this.len;
    if (head !== undefined) buf.set(head, pos);
    pos += headLen;
    pos += buf.write(body, pos, 'utf8');
    pos += HASH_HEX;
    buf.set(this._tail, pos);
    pos += this._tail.length;
    this.len = pos;
    this.ends.push(pos);
  }

  /** Appends one unchained line: `head` bytes, `body` as UTF-8, then the tail. Nothing is hashed. */
  addPlain(head: Uint8Array | undefined, body: string): void {
    const headLen = head === undefined ? 0 : head.length;
    this._reserve(headLen + body.length * 3 + this._tail.length);
    const buf = this.buf;
    let pos = this.len;
    if (head !== undefined) buf.set(head, pos);
    pos += headLen;
    pos += buf.write(body, pos, 'utf8');
    buf.set(this._tail, pos);
    pos += this._tail.length;
    this.len = pos;
    this.ends.push(pos);
  }

  private _reserve(bytes: number): void {
    const need = this.len + bytes;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /**
   * Appends one line: `head` bytes, then `body` as UTF-8, then its chain hash in hex (see
   * chainHash: SHA-256(`prevHash` ‖ SHA-256hex(head) ‖ body) with a head, else
   * SHA-256(`prevHash` ‖ body)), then the tail. Returns the hash. On a throw nothing is appended.
   */
  add(prevHash: string, head: Uint8Array | undefined, body: string): string {
    const headLen = head === undefined ? 0 : head.length;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit, so this always fits without measuring.
    this._reserve(headLen + body.length * 3 + HASH_HEX + this._tail.length);
    const buf = this.buf;
    const start = this.len;
    if (head !== undefined) buf.set(head, start);
    const bodyStart = start + headLen;
    const bodyLen = buf.write(body, bodyStart, 'utf8');
    // The hash input is made contiguous in a scratch buffer: prev ‖ [head digest ‖] body.
    const lead = head === undefined ? HASH_HEX : 2 * HASH_HEX;
    if (scratch.length < lead + bodyLen)
      scratch = Buffer.allocUnsafe(Math.max(lead + bodyLen, scratch.length * 2));
    scratch.write(prevHash, 0, HASH_HEX, 'latin1');
    if (head !== undefined) headDigest(head).copy(scratch, HASH_HEX);
    buf.copy(scratch, lead, bodyStart, bodyStart + bodyLen);
    const hash = sha256Hex(scratch.subarray(0, lead + bodyLen));
    let pos = bodyStart + bodyLen;
    pos += buf.write(hash, pos, HASH_HEX, 'latin1');
    buf.set(this._tail, pos);
    pos += this._tail.length;
    this.len = pos;
    this.ends.push(pos);
    return hash;
  }
}
