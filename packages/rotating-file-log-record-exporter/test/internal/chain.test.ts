// The chain hash is defined once (chain.ts) and reached by four paths: records hashed as they are
// placed on this thread (LineBatch.add), batches rendered on the worker thread, ECS lines whose
// hashes the worker fills in, and lines read back by recovery and verification (recordHash). Each
// path is pinned here to the formula of docs/file-format.md, computed independently.
import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BatchWorker } from '../../src/internal/batch-worker.js';
import {
  GENESIS_HASH,
  chainHash,
  headDigest,
  parseRecords,
  recordHash,
} from '../../src/internal/chain.js';
import { compactRecord } from '../../src/internal/compact-record.js';
import { ECS_LINE_SUFFIX, ecsLinePrefix } from '../../src/internal/ecs-json-line.js';
import { LineBatch, type LineShape } from '../../src/internal/line-batch.js';
import {
  OTLP_LINE_END,
  OTLP_RECORD_TAIL,
  otlpLineBody,
  otlpLineHead,
} from '../../src/internal/otlp-json-line.js';

const OTLP_SHAPE: LineShape = {
  recordTail: OTLP_RECORD_TAIL,
  lineEnd: `${OTLP_LINE_END}\n`,
  maxLineBytes: 4096,
};
const ECS_SHAPE: LineShape = {
  recordTail: `${ECS_LINE_SUFFIX}\n`,
  lineEnd: undefined,
  maxLineBytes: Infinity,
};

/** docs/file-format.md: SHA-256(prevHash ‖ SHA-256hex(head) ‖ record), or without the head (ECS). */
function reference(prevHash: string, head: string | undefined, body: string): string {
  const h = createHash('sha256').update(prevHash, 'utf8');
  if (head !== undefined) h.update(createHash('sha256').update(head, 'utf8').digest('hex'));
  return h.update(body, 'utf8').digest('hex');
}

const resources = [
  { attributes: { 'service.name': 'svc', 'host.name': 'hé\u2028st' } },
  { attributes: { 'service.name': 'other' } },
];
const scope = { name: 'scope', version: '1.0.0' };

/** Records in runs that share resource and scope (so OTLP lines hold several), multi-byte text. */
function records(n: number): ReadableLogRecord[] {
  return Array.from(
    { length: n },
    (_, i) =>
      ({
        hrTime: [1_700_000_000 + i, (i * 7919) % 1e9],
        hrTimeObserved: [1_700_000_000 + i, 0],
        severityNumber: 9,
        severityText: 'INFO',
        body: `record ${i} ${'é€😀'.repeat(i % 4)}`,
        resource: resources[Math.floor(i / 7) % 2],
        instrumentationScope: scope,
        attributes: { 'event.name': `event.${i % 3}`, n: i },
        droppedAttributesCount: 0,
      }) as unknown as ReadableLogRecord,
  );
}

const noCollisions = { ecsCollided: (): void => undefined };

/** Every record of `buf[0, len)` as parsed back, checked against the reference from GENESIS_HASH. */
function checkLines(buf: Buffer, len: number, seqFrom: number): { lines: number; records: number } {
  const lines = buf.toString('utf8', 0, len).split('\n').slice(0, -1);
  let prev = GENESIS_HASH;
  let seq = seqFrom;
  let n = 0;
  for (const line of lines) {
    const parsed = parseRecords(line);
    expect(parsed).toBeDefined();
    for (const rec of parsed ?? []) {
      expect(rec.seq).toBe(++seq);
      const expected = reference(prev, rec.head === '' ? undefined : rec.head, rec.body);
      expect(rec.hash).toBe(expected);
      expect(recordHash(prev, rec)).toBe(expected);
      prev = rec.hash;
      n++;
    }
  }
  return { lines: lines.length, records: n };
}

describe('chainHash', () => {
  it('is the documented formula over the bytes given, with and without a head', () => {
    const body = '{"x":"é€😀 \u2028",';
    const buf = Buffer.from(`pad${body}pad`, 'utf8');
    const end = buf.length - 3;
    const head = '{"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[';
    expect(chainHash(GENESIS_HASH, headDigest(head), buf, 3, end)).toBe(
      reference(GENESIS_HASH, head, body),
    );
    expect(chainHash(GENESIS_HASH, undefined, buf, 3, end)).toBe(
      reference(GENESIS_HASH, undefined, body),
    );
    expect(headDigest(Buffer.from(head, 'utf8'))).toBe(headDigest(head));
  });

  it('hashes whatever previous hash a reader is given, as UTF-8 (recordHash)', () => {
    for (const prev of ['', 'short', 'é'.repeat(70), GENESIS_HASH]) {
      expect(recordHash(prev, { head: '', body: '{"a":1,', hash: '', seq: 1 })).toBe(
        reference(prev, undefined, '{"a":1,'),
      );
    }
  });
});

describe('the chain hash on every path', () => {
  const batch = records(40);

  it('OTLP lines hashed in place: chained records sharing a line', () => {
    const lb = new LineBatch(OTLP_SHAPE);
    let prev = GENESIS_HASH;
    batch.forEach((r, i) => {
      prev = lb.add(prev, otlpLineHead(r), otlpLineBody(r, i + 1));
    });
    lb.finish();
    const { lines, records: n } = checkLines(lb.buf, lb.len, 0);
    expect(n).toBe(batch.length);
    expect(lines).toBeLessThan(batch.length);
    expect(lb.hashAt(lb.ends.length - 1)).toBe(prev);
  });

  it('OTLP lines rendered by the worker, byte for byte the same', async () => {
    const lb = new LineBatch(OTLP_SHAPE);
    let prev = GENESIS_HASH;
    batch.forEach((r, i) => {
      prev = lb.add(prev, otlpLineHead(r), otlpLineBody(r, i + 1));
    });
    lb.finish();
    const heads = resources.map((res) =>
      otlpLineHead({ ...batch[0], resource: res } as unknown as ReadableLogRecord).toString(),
    );
    const items = batch.map((r) => {
      const h = heads.indexOf(otlpLineHead(r).toString());
      return compactRecord(r, h);
    });
    expect(items.every((c) => c !== undefined)).toBe(true);
    const worker = new BatchWorker();
    try {
      await worker.reset(GENESIS_HASH, 0);
      const done = await worker.render(
        { heads, records: JSON.stringify(items), shape: OTLP_SHAPE, chained: true },
        undefined,
      );
      expect(done.last).toBe(prev);
      expect(done.buf.subarray(0, done.len).equals(lb.buf.subarray(0, lb.len))).toBe(true);
      checkLines(done.buf, done.len, 0);
    } finally {
      await worker.close();
    }
  });

  it('ECS lines hashed in place and filled in by the worker', async () => {
    const inPlace = new LineBatch(ECS_SHAPE);
    const deferred = new LineBatch(ECS_SHAPE);
    let prev = GENESIS_HASH;
    batch.forEach((r, i) => {
      prev = inPlace.add(prev, undefined, ecsLinePrefix(r, i + 1, noCollisions));
      deferred.addUnhashed(undefined, ecsLinePrefix(r, i + 1, noCollisions));
    });
    expect(checkLines(inPlace.buf, inPlace.len, 0).records).toBe(batch.length);
    const worker = new BatchWorker();
    try {
      const filled = await worker.fill(
        deferred.buf,
        deferred.len,
        deferred.ends,
        deferred.tailLength,
        GENESIS_HASH,
      );
      expect(filled.last).toBe(prev);
      expect(
        filled.buf.subarray(0, deferred.len).equals(inPlace.buf.subarray(0, inPlace.len)),
      ).toBe(true);
    } finally {
      await worker.close();
    }
  });
});
