// The batch worker's thread: renders OTLP/JSON lines from compact records and chains their hashes
// (grouping records into lines exactly as the calling thread does, both through LineBatch),
// or fills in the hashes of lines rendered on the calling thread. The files, the chain state they
// hold and every write stay on the calling thread; this thread only turns records into bytes.
import { parentPort } from 'node:worker_threads';
import { compactTimeMs, expandRecord, type CompactRecord } from './compact-record.js';
import { LineBatch, type LineShape } from './line-batch.js';
import { chainHash } from './chain.js';
import { otlpLineBody, otlpLineClose } from './otlp-json-line.js';

/**
 * Render a batch: `records` is the JSON of an array of compact records, or of texts
 * `head:timeMs:open` for records the calling thread opened itself (see otlpLineOpen).
 */
export interface RenderRequest {
  kind: 'render';
  id: number;
  /** Memory to build the batch in (handed back and forth so batches reuse it). */
  buf: ArrayBuffer | undefined;
  heads: string[];
  records: string;
  shape: LineShape;
  chained: boolean;
}

/**
 * Where the next rendered batch chains on from. Rendered batches continue from the previous one,
 * so the caller can hand over a batch before the previous one is written; the caller resets the
 * chain to the file's when it starts, and after a write that failed, then hands over again every
 * batch not yet written.
 */
export interface ResetRequest {
  kind: 'reset';
  id: number;
  prev: string;
  seq: number;
}

/**
 * Hash lines already in `buf` (line k ends at `ends[k]`, its hash slot just before the tail):
 * the chain hash of lines without a head (ECS), whose body is the line up to the slot.
 */
export interface HashRequest {
  kind: 'hash';
  id: number;
  buf: ArrayBuffer;
  len: number;
  ends: Float64Array;
  tailLen: number;
  prev: string;
}

export interface BatchReply {
  id: number;
  buf: ArrayBuffer | undefined;
  len: number;
  ends: Float64Array | undefined;
  /** Rendered batches: how many records each line holds. */
  counts?: Float64Array | undefined;
  /** Rendered batches: each record's time (ms since the epoch). */
  times?: Float64Array | undefined;
  /** Rendered batches: the hash and sequence number they chained on from. */
  startPrev?: string | undefined;
  startSeq?: number | undefined;
  last: string | undefined;
  error?: string;
}

/** The chain position the next rendered batch starts after ('' until the first reset). */
let chainPrev = '';
let chainSeq = -1;

function hash(m: HashRequest): BatchReply {
  const buf = Buffer.from(m.buf, 0, m.len);
  let last = m.prev;
  let start = 0;
  for (let k = 0; k < m.ends.length; k++) {
    const end = m.ends[k] as number;
    const slot = end - m.tailLen - 64;
    last = chainHash(last, undefined, buf, start, slot);
    buf.write(last, slot, 64, 'latin1');
    start = end;
  }
  return { id: m.id, buf: m.buf, len: m.len, ends: undefined, last };
}

function render(m: RenderRequest): BatchReply {
  const batch = new LineBatch(m.shape, 0);
  if (m.buf !== undefined) batch.buf = Buffer.from(m.buf);
  batch.reset();
  const heads = m.heads.map((h) => Buffer.from(h, 'utf8'));
  const items = JSON.parse(m.records) as (CompactRecord | string)[];
  const times = new Float64Array(items.length);
  const startPrev = chainPrev;
  const startSeq = chainSeq;
  let prev = startPrev;
  let seq = startSeq;
  for (let k = 0; k < items.length; k++) {
    const item = items[k] as CompactRecord | string;
    seq++;
    let head: Buffer | undefined;
    let body: string;
    if (typeof item === 'string') {
      // Opened on the calling thread (values JSON cannot carry).
      const cut = item.indexOf(':');
      const cut2 = item.indexOf(':', cut + 1);
      head = heads[Number(item.slice(0, cut))];
      times[k] = Number(item.slice(cut + 1, cut2));
      body = otlpLineClose(item.slice(cut2 + 1), m.chained ? seq : undefined);
    } else {
      head = heads[item[0]];
      times[k] = compactTimeMs(item);
      body = otlpLineBody(expandRecord(item), m.chained ? seq : undefined);
    }
    if (m.chained) prev = batch.add(prev, head, body);
    else batch.addPlain(head, body);
  }
  batch.finish();
  if (m.chained) {
    chainPrev = prev;
    chainSeq = seq;
  }
  // The batch grew into its own ArrayBuffer (allocUnsafe above the pool size): hand it over whole.
  let out = batch.buf;
  if (out.byteOffset !== 0 || out.byteLength !== out.buffer.byteLength) out = Buffer.from(out);
  return {
    id: m.id,
    buf: out.buffer as ArrayBuffer,
    len: batch.len,
    ends: Float64Array.from(batch.ends),
    counts: Float64Array.from(batch.counts),
    times,
    startPrev,
    startSeq,
    last: prev,
  };
}

function reset(m: ResetRequest): BatchReply {
  chainPrev = m.prev;
  chainSeq = m.seq;
  return { id: m.id, buf: undefined, len: 0, ends: undefined, last: m.prev };
}

parentPort?.on('message', (m: RenderRequest | HashRequest | ResetRequest) => {
  let reply: BatchReply;
  try {
    reply = m.kind === 'render' ? render(m) : m.kind === 'hash' ? hash(m) : reset(m);
  } catch (err) {
    const error = String((err instanceof Error && err.message) || err);
    reply = { id: m.id, buf: undefined, len: 0, ends: undefined, last: undefined, error };
  }
  const transfer: ArrayBuffer[] = [];
  if (reply.buf !== undefined) transfer.push(reply.buf);
  if (reply.ends !== undefined) transfer.push(reply.ends.buffer as ArrayBuffer);
  if (reply.times !== undefined) transfer.push(reply.times.buffer as ArrayBuffer);
  if (reply.counts !== undefined) transfer.push(reply.counts.buffer as ArrayBuffer);
  parentPort?.postMessage(reply, transfer);
});
