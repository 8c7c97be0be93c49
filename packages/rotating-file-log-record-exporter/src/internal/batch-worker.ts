// Renders and hashes batches on a worker thread, so building lines and their SHA-256 run beside
// the event loop instead of on it. The file, the chain state and every write stay on the caller's
// side; a worker that fails is reported and the caller renders on its own thread from then on.
import { Worker } from 'node:worker_threads';
import type { LineShape } from './line-batch.js';
import type {
  BatchReply,
  HashRequest,
  RenderRequest,
  ResetRequest,
} from './batch-worker-thread.js';

/**
 * The thread's compiled module. The same relative path resolves from `src/internal` (tests run
 * the sources after a build) and from `dist/internal` (the published package).
 */
const THREAD_URL = new URL('../../dist/internal/batch-worker-thread.js', import.meta.url);

interface Pending {
  resolve: (reply: BatchReply) => void;
  reject: (err: Error) => void;
}

/** A rendered or hashed batch: `buf[0, len)`, line k ending at `ends[k]`, `last` its last hash. */
export interface WorkerBatch {
  buf: Buffer;
  len: number;
  ends: ArrayLike<number> | undefined;
  /** Rendered batches: how many records each line holds. */
  counts: ArrayLike<number> | undefined;
  /** Rendered batches: each record's time (ms). */
  times: ArrayLike<number> | undefined;
  /** Rendered batches: the hash and sequence number they chained on from. */
  startPrev: string | undefined;
  startSeq: number | undefined;
  last: string | undefined;
}

/** What {@link BatchWorker.render} needs besides the memory to build in. */
export interface RenderInput {
  heads: string[];
  records: string;
  shape: LineShape;
  chained: boolean;
}

/** One worker thread per exporter, started on first use and referenced only while it works. */
export class BatchWorker {
  private _worker: Worker | undefined;
  private _broken = false;
  private _nextId = 1;
  private readonly _pending = new Map<number, Pending>();

  /** False once the worker failed; callers then render and hash on their own thread. */
  get usable(): boolean {
    return !this._broken;
  }

  private _start(): Worker {
    if (this._worker !== undefined) return this._worker;
    let worker: Worker;
    try {
      // No NODE_OPTIONS and no flags but the profiler's: the application's --require/--import
      // preloads (an OTel bootstrap, say) must not run again inside this thread, while
      // `node --cpu-prof` should see it.
      worker = new Worker(THREAD_URL, { execArgv: profilerFlags(process.execArgv), env: {} });
    } catch (err) {
      // e.g. the permission model without --allow-worker: render on the caller's thread from now on.
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
    worker.on('message', (reply: BatchReply) => {
      const p = this._pending.get(reply.id);
      if (p === undefined) return;
      this._pending.delete(reply.id);
      if (this._pending.size === 0) worker.unref();
      p.resolve(reply);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this._worker === worker) fail(new Error(`batch worker exited with code ${code}`));
    });
    this._worker = worker;
    return worker;
  }

  private _send(
    message: RenderRequest | HashRequest | ResetRequest,
    transfer: ArrayBuffer[],
  ): Promise<WorkerBatch> {
    const worker = this._start();
    return new Promise((resolve, reject) => {
      this._pending.set(message.id, {
        resolve: (reply) => {
          if (reply.error !== undefined || (reply.buf === undefined && message.kind !== 'reset'))
            reject(new Error(reply.error ?? 'batch worker returned no buffer'));
          else
            resolve({
              buf: reply.buf === undefined ? Buffer.alloc(0) : Buffer.from(reply.buf),
              len: reply.len,
              ends: reply.ends,
              counts: reply.counts,
              times: reply.times,
              startPrev: reply.startPrev,
              startSeq: reply.startSeq,
              last: reply.last,
            });
        },
        reject,
      });
      worker.ref();
      worker.postMessage(message, transfer);
    });
  }

  /**
   * Makes the next rendered batch chain on from `prev`, numbering after `seq`. Messages are handled
   * in order, so renders sent after this one see it.
   */
  reset(prev: string, seq: number): Promise<WorkerBatch> {
    return this._send({ kind: 'reset', id: this._nextId++, prev, seq }, []);
  }

  /**
   * Renders `input.records` into chained lines, continuing from the previous render or reset (in `spare`'s memory when it is a whole ArrayBuffer, which
   * then moves to the worker: the caller must not touch `spare` again). Rejects if the worker fails.
   */
  render(input: RenderInput, spare: Buffer | undefined): Promise<WorkerBatch> {
    const buf = wholeBuffer(spare);
    const id = this._nextId++;
    return this._send({ kind: 'render', id, buf, ...input }, buf === undefined ? [] : [buf]);
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
  ): Promise<WorkerBatch> {
    const ab = buf.buffer as ArrayBuffer;
    const id = this._nextId++;
    return this._send(
      { kind: 'hash', id, buf: ab, len, ends: Float64Array.from(ends), tailLen, prev },
      [ab],
    );
  }

  /** Stops the worker; pending calls reject. */
  async close(): Promise<void> {
    const worker = this._worker;
    this._broken = true;
    this._worker = undefined;
    if (worker !== undefined) await worker.terminate();
    for (const p of this._pending.values()) p.reject(new Error('batch worker closed'));
    this._pending.clear();
  }
}

/** `buf`'s ArrayBuffer when `buf` spans all of it (so it can be transferred), else undefined. */
function wholeBuffer(buf: Buffer | undefined): ArrayBuffer | undefined {
  if (buf === undefined || buf.byteLength === 0) return undefined;
  const ab = buf.buffer;
  if (!(ab instanceof ArrayBuffer) || buf.byteOffset !== 0 || buf.byteLength !== ab.byteLength)
    return undefined;
  return ab;
}

/** The `--cpu-prof*` flags of `execArgv` (with the value of those that take one as a next word). */
export function profilerFlags(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (!arg.startsWith('--cpu-prof')) continue;
    out.push(arg);
    const next = execArgv[i + 1];
    if (!arg.includes('=') && arg !== '--cpu-prof' && next !== undefined)
      out.push(execArgv[++i] as string);
  }
  return out;
}
