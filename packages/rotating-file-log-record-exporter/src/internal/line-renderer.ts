// The line renderer: how exported records become the lines of a batch (see LineBatch), rendered
// and hashed here or handed over to the batch worker as soon as they are exported.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BatchWorker, type WorkerBatch } from './batch-worker.js';
import { compactRecord, type CompactRecord } from './compact-record.js';
import { ECS_LINE_SUFFIX, ECS_UNCHAINED_SUFFIX, ecsLinePrefix } from './ecs-json-line.js';
import { LineBatch, type LineShape } from './line-batch.js';
import type { ResolvedOptions } from './options.js';
import {
  OTLP_LINE_END,
  OTLP_RECORD_TAIL,
  OTLP_UNCHAINED_RECORD_TAIL,
  otlpLineBody,
  otlpLineHead,
  otlpLineOpen,
} from './otlp-json-line.js';
import type { ChainState } from './recovery.js';
import type { Reporter } from './reporter.js';
import type { SelfMetrics } from './self-metrics.js';
import { resourceSettled, settleResources } from './settle-resources.js';

/** Smaller batches are rendered and hashed in place: a round trip to the worker would cost more. */
const WORKER_MIN_RECORDS = 64;

/** A batch handed to the batch worker: its compact form, and the worker's answer on the way. */
export interface Handover {
  readonly heads: string[];
  readonly records: string;
  /** Records that could not even be handed over (reported already). */
  readonly unserializable: number;
  /** The worker's rendering, asked for at once unless the worker must first learn the chain. */
  rendered: Promise<WorkerBatch> | undefined;
}

/** Distinct (resource, scope) line heads compact records can refer to by index, per exporter. */
const MAX_HEADS = 64;

function hrTimeMs(t: readonly [number, number]): number {
  return t[0] * 1000 + Math.floor(t[1] / 1e6);
}

export class LineRenderer {
  /** The batch being written: its lines, their ends, record counts and hashes. */
  readonly batch: LineBatch;
  /** How records become lines (see LineShape). */
  private readonly _shape: LineShape;
  private _worker: BatchWorker | undefined;
  /** Line heads of compact records, by the index they carry (see `_compact`). */
  private readonly _heads: Buffer[] = [];
  private readonly _headTexts: string[] = [];
  private readonly _headIds = new Map<Buffer, number>();
  /** Memory of a written batch, handed to the worker to build the next one in. */
  private _spare: Buffer | undefined;
  /** Batches handed to the worker and not yet written, in export order. */
  private readonly _outstanding: Handover[] = [];
  /** Whether the worker's chain continues the files' (false until the first write). */
  private _workerSynced = false;

  constructor(
    private readonly _o: ResolvedOptions,
    private readonly _metrics: SelfMetrics,
    private readonly _reporter: Reporter,
  ) {
    const otlp = _o.format === 'otlp-json';
    const chained = _o.hashChain;
    // OTLP lines (format v2) join the records of a batch that share resource and scope; ECS lines
    // hold one record each.
    this._shape = otlp
      ? {
          recordTail: chained ? OTLP_RECORD_TAIL : OTLP_UNCHAINED_RECORD_TAIL,
          lineEnd: `${OTLP_LINE_END}\n`,
          maxLineBytes: Math.min(_o.maxLineBytes, _o.maxFileBytes),
        }
      : {
          recordTail: `${chained ? ECS_LINE_SUFFIX : ECS_UNCHAINED_SUFFIX}\n`,
          lineEnd: undefined,
          maxLineBytes: Infinity,
        };
    this.batch = new LineBatch(this._shape);
  }

  /**
   * Renders `records` into {@link batch}, chained on from `chain` (the files' position): the
   * worker's rendering of `handover` if there is one, else rendered here (the worker hashing ECS
   * lines of a large batch), and here again if the worker fails. Pushes the records' times to
   * `times`; returns how many records could not be serialized (reported already).
   */
  async render(
    records: readonly ReadableLogRecord[],
    handover: Handover | undefined,
    chain: ChainState,
    times: number[],
  ): Promise<number> {
    const batch = this.batch;
    let unserializable: number;
    try {
      if (handover !== undefined) {
        try {
          unserializable = await this._adoptRendered(handover, chain, times);
        } finally {
          const k = this._outstanding.indexOf(handover);
          if (k !== -1) this._outstanding.splice(k, 1);
        }
      } else {
        await settleResources(records);
        // Only ECS lines go to the worker to be hashed: they have no head (see chainHash).
        const worker =
          this._o.format === 'ecs-json' && records.length >= WORKER_MIN_RECORDS
            ? this._usableWorker()
            : undefined;
        unserializable = this.serialize(records, chain, times, worker !== undefined);
        if (worker !== undefined && this._o.hashChain) {
          const filled = await worker.fill(
            batch.buf,
            batch.len,
            batch.ends,
            batch.tailLength,
            chain.lastHash,
          );
          batch.adopt(filled.buf, batch.len, batch.ends);
        }
      }
    } catch (err) {
      // The batch's memory went down with the worker: do it here, as every later batch will be.
      this._reporter.report(err, 'batch worker failed; rendering and hashing on the main thread');
      // The chain moves on without the worker: it must learn the position again before it renders.
      this._workerSynced = false;
      times.length = 0;
      await settleResources(records);
      unserializable = this.serialize(records, chain, times, false);
    }
    return unserializable;
  }

  /**
   * `record`'s compact form, its head registered by index; undefined when it must be opened here
   * (values JSON cannot carry, more distinct heads than MAX_HEADS).
   */
  private _compact(record: ReadableLogRecord): CompactRecord | undefined {
    const head = otlpLineHead(record);
    let h = this._headIds.get(head);
    if (h === undefined) {
      if (this._heads.length >= MAX_HEADS) return undefined;
      h = this._heads.push(head) - 1;
      this._headTexts.push(head.toString('utf8'));
      this._headIds.set(head, h);
    }
    return compactRecord(record, h);
  }

  /** The batch worker, or undefined to work on this thread. */
  private _usableWorker(): BatchWorker | undefined {
    if (!this._o.worker) return undefined;
    this._worker ??= new BatchWorker();
    return this._worker.usable ? this._worker : undefined;
  }

  /**
   * Hands an OTLP/JSON batch to the batch worker as soon as it is exported, before earlier batches
   * are written: each record as a compact array, the whole batch in one native JSON.stringify (a
   * record whose values JSON cannot carry is opened here and handed over as text). The worker
   * renders and chains it on from its previous batch; {@link _adoptRendered} checks that start
   * against the files' chain when the batch's turn to be written comes. Undefined when the batch
   * is to be rendered here at write time (ECS lines, fewer than WORKER_MIN_RECORDS records, a
   * resource still settling, no usable worker).
   */
  handOver(records: readonly ReadableLogRecord[]): Handover | undefined {
    if (this._o.format !== 'otlp-json') return undefined;
    if (records.length < WORKER_MIN_RECORDS) {
      // A round trip would cost more than it saves (a SimpleLogRecordProcessor exports records one
      // by one). Rendered here at write time, this batch moves the chain without the worker.
      this._workerSynced = false;
      return undefined;
    }
    const worker = this._usableWorker();
    if (worker === undefined) return undefined;
    if (!records.every(resourceSettled)) {
      // Rendered at write time, after waiting (bounded) for the resource's async attributes.
      this._workerSynced = false;
      return undefined;
    }
    const items: (CompactRecord | string)[] = [];
    const extraHeads: Buffer[] = [];
    let unserializable = 0;
    for (const record of records) {
      try {
        const compact = this._compact(record);
        if (compact !== undefined) {
          items.push(compact);
          continue;
        }
        const h = MAX_HEADS + extraHeads.push(otlpLineHead(record)) - 1;
        items.push(`${h}:${hrTimeMs(record.hrTime)}:${otlpLineOpen(record)}`);
      } catch (err) {
        unserializable++;
        this._reporter.report(err, 'a record could not be serialized');
      }
    }
    const heads = this._headTexts.slice();
    if (extraHeads.length > 0) {
      while (heads.length < MAX_HEADS) heads.push('');
      for (const head of extraHeads) heads.push(head.toString('utf8'));
    }
    const handover: Handover = {
      heads,
      records: JSON.stringify(items),
      unserializable,
      rendered: undefined,
    };
    this._outstanding.push(handover);
    if (this._workerSynced || !this._o.hashChain) this._render(worker, handover);
    return handover;
  }

  private _render(worker: BatchWorker, h: Handover): void {
    // Never the batch being written: its memory must stay here until the write is done.
    const spare = this._spare === this.batch.buf ? undefined : this._spare;
    this._spare = undefined;
    h.rendered = worker.render(
      { heads: h.heads, records: h.records, shape: this._shape, chained: this._o.hashChain },
      spare,
    );
    // Failures are handled when the batch's turn to be written comes.
    h.rendered.catch(() => undefined);
  }

  /**
   * Points the worker's chain at the files' and hands over again every batch not yet written, in
   * order: at the first write, and after a write that failed left the chain elsewhere.
   */
  private _sync(worker: BatchWorker, chain: ChainState): void {
    worker.reset(chain.lastHash, chain.lastSeq).catch(() => undefined);
    for (const h of this._outstanding) this._render(worker, h);
    this._workerSynced = true;
  }

  /**
   * Puts the worker's rendering of `h` into the batch, after making sure it chains on from `chain`
   * (the files' position). Throws if the worker fails.
   */
  private async _adoptRendered(h: Handover, chain: ChainState, times: number[]): Promise<number> {
    const worker = this._usableWorker();
    if (worker === undefined) throw new Error('batch worker unusable');
    const chained = this._o.hashChain;
    if (chained && !this._workerSynced) this._sync(worker, chain);
    let done = await (h.rendered as Promise<WorkerBatch>);
    const off = (d: WorkerBatch): boolean =>
      chained && (d.startPrev !== chain.lastHash || d.startSeq !== chain.lastSeq);
    if (off(done)) {
      this._sync(worker, chain);
      done = await (h.rendered as Promise<WorkerBatch>);
      if (off(done)) throw new Error('batch worker chained from the wrong position');
    }
    // The previous batch's memory goes back to the worker with the next hand-over.
    const previous = this.batch.buf;
    this.batch.adopt(done.buf, done.len, done.ends ?? [], done.counts);
    if (previous.byteLength > 0 && this._spare === undefined) this._spare = previous;
    const rendered = done.times ?? [];
    for (let k = 0; k < rendered.length; k++) times.push(rendered[k] as number);
    return h.unserializable;
  }

  /**
   * Serializes `records` into the (reset) batch, chained from `chain`, hashing each line now or
   * leaving its hash slot for the worker. Returns how many records could not be serialized.
   */
  serialize(
    records: readonly ReadableLogRecord[],
    chain: ChainState,
    times: number[],
    deferHashes: boolean,
  ): number {
    const batch = this.batch;
    batch.reset();
    const otlp = this._o.format === 'otlp-json';
    const chained = this._o.hashChain;
    let prev = chain.lastHash;
    let seq = chain.lastSeq;
    let unserializable = 0;
    for (const record of records) {
      try {
        const head = otlp ? otlpLineHead(record) : undefined;
        const next = chained ? seq + 1 : undefined;
        const body = otlp ? otlpLineBody(record, next) : ecsLinePrefix(record, next, this._metrics);
        if (!chained) batch.addPlain(head, body);
        else if (deferHashes) batch.addUnhashed(head, body);
        else prev = batch.add(prev, head, body);
        times.push(hrTimeMs(record.hrTime));
        seq++;
      } catch (err) {
        unserializable++;
        this._reporter.report(err, 'a record could not be serialized');
      }
    }
    batch.finish();
    return unserializable;
  }

  async close(): Promise<void> {
    await this._worker?.close();
  }
}
