// Fills in a batch's chain hashes on a worker thread, so the SHA-256 of every line runs beside the
// event loop instead of on it. The file, the chain state and every write stay on the caller's side.
import { Worker } from 'node:worker_threads';

/**
 * Plain JavaScript run by the worker (as an eval'd script, so it works from source and from dist).
 * For each line it hashes `prev ‖ prefix` and writes the hex into the line's 64-byte hash slot.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const hashHex = typeof crypto.hash === 'function'
  ? (d) => crypto.hash('sha256', d, 'hex')
  : (d) => crypto.createHash('sha256').update(d).digest('hex');
let scratch = Buffer.allocUnsafe(1 << 16);
parentPort.on('message', (m) => {
  let last = m.prev;
  let error;
  try {
    const buf = Buffer.from(m.buf, 0, m.len);
    let start = 0;
    for (let k = 0; k < m.ends.length; k++) {
      const end = m.ends[k];
      const slot = end - m.tailLen - 64;
      const n = 64 + slot - start;
      if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
      scratch.write(last, 0, 64, 'latin1');
      buf.copy(scratch, 64, start, slot);
      last = hashHex(scratch.subarray(0, n));
      buf.write(last, slot, 64, 'latin1');
      start = end;
    }
  } catch (err) {
    error = String((err && err.message) || err);
  }
  parentPort.postMessage({ id: m.id, buf: m.buf, last, error }, [m.buf]);
});
`;

interface Reply {
  id: number;
  buf: ArrayBuffer;
  last: string;
  error?: string;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
}

/** One worker thread per exporter, started on first use and referenced only while it works. */
export class HashWorker {
  private _worker: Worker | undefined;
  private _broken = false;
  private _nextId = 1;
  private readonly _pending = new Map<number, Pending>();

  /** False once the worker failed; callers then hash on their own thread. */
  get usable(): boolean {
    return !this._broken;
  }

  private _start(): Worker {
    if (this._worker !== undefined) return this._worker;
    let worker: Worker;
    try {
      // No execArgv and no NODE_OPTIONS: the application's --require/--import preloads (an OTel
      // bootstrap, say) must not run again inside this thread.
      worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], env: {} });
    } catch (err) {
      // e.g. the permission model without --allow-worker: hash on the caller's thread from now on.
      this._broken = true;
      throw err;
    }
    worker.unref();
    const fail = (err: Error): void => {
      this._broken = true;
      this._worker = undefined;
      for (const p of this._pending.values()) p.reject(err);
      this._pending.clear();
    };
    worker.on('message', (reply: Reply) => {
      const p = this._pending.get(reply.id);
      if (p === undefined) return;
      this._pending.delete(reply.id);
      if (this._pending.size === 0) worker.unref();
      p.resolve(reply);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this._worker === worker) fail(new Error(`hash worker exited with code ${code}`));
    });
    this._worker = worker;
    return worker;
  }

  /**
   * Hashes the lines of `buf[0, len)` (line k ends at `ends[k]`, its hash slot is the 64 bytes
   * before its last `tailLen` bytes), chaining from `prev`. `buf`'s memory moves to the worker and
   * back: the caller must use the returned Buffer and never touch `buf` again. Rejects if the
   * worker fails; `buf` is lost then.
   */
  fill(
    buf: Buffer,
    len: number,
    ends: readonly number[],
    tailLen: number,
    prev: string,
  ): Promise<{ buf: Buffer; last: string }> {
    const worker = this._start();
    const id = this._nextId++;
    const ab = buf.buffer as ArrayBuffer;
    return new Promise((resolve, reject) => {
      this._pending.set(id, {
        resolve: (reply) => {
          if (reply.error !== undefined) reject(new Error(reply.error));
          else resolve({ buf: Buffer.from(reply.buf), last: reply.last });
        },
        reject,
      });
      worker.ref();
      worker.postMessage({ id, buf: ab, len, ends: Float64Array.from(ends), tailLen, prev }, [ab]);
    });
  }

  /** Stops the worker; pending calls reject. */
  async close(): Promise<void> {
    const worker = this._worker;
    this._broken = true;
    this._worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}
