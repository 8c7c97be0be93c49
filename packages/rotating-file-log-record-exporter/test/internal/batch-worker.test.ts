// The batch worker against the calling thread: the same bytes for every kind of value a record
// can carry, and the exporter's fallback when the worker fails.
import { describe, it, expect, afterEach, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportResultCode, loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
} from '@seclog/rotating-file-log-record-exporter';
import { GENESIS_HASH } from '../../src/internal/chain.js';
import { BatchWorker, profilerFlags } from '../../src/internal/batch-worker.js';
import { compactRecord, survivesJson } from '../../src/internal/compact-record.js';
import { LineBatch } from '../../src/internal/line-batch.js';
import { dataFiles, lineRecords, tempDir } from '../helpers.js';

function bodies(n: number): string[] {
  // Multi-byte text too, so byte offsets and string lengths differ.
  return Array.from({ length: n }, (_, i) => `{"n":${i},"s":"${'é€😀'.repeat(i % 5)}",`);
}

const resource = { attributes: { 'service.name': 'svc', 'host.name': 'hé\u2028st' } };
const otherResource = { attributes: { 'service.name': 'other' } };
const scope = { name: 'scope', version: '1.0.0' };

/** Values JSON carries unchanged and values it does not, in attributes and bodies. */
const VALUES: unknown[] = [
  'plain',
  'quote " backslash \\ newline \n nel \u0085 ls \u2028 ps \u2029 lone \ud800 emoji 😀',
  0,
  -0,
  42,
  -7.25,
  2 ** 53 + 2,
  1e300,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  true,
  false,
  null,
  new Uint8Array([0, 1, 254, 255]),
  ['a', 1, null, { nested: [true] }],
  { deep: { deeper: { deepest: 'x' } }, list: [1.5, 'y'] },
  { withUndefined: undefined },
  [undefined],
  Object.create(null) as object,
  new Date(0),
];

function record(i: number): ReadableLogRecord {
  const value = VALUES[i % VALUES.length];
  return {
    hrTime: [1_700_000_000 + i, (i * 7919) % 1e9],
    hrTimeObserved: [1_700_000_000 + i, (i * 104729) % 1e9],
    ...(i % 3 === 0 ? {} : { severityNumber: 9 + (i % 4), severityText: 'INFO' }),
    ...(i % 5 === 0 ? {} : { body: i % 2 === 0 ? `record ${i}` : value }),
    ...(i % 4 === 0 ? {} : { eventName: `event.${i % 7}` }),
    ...(i % 6 === 0
      ? {}
      : {
          spanContext: {
            traceId: 'a'.repeat(31) + (i % 10),
            spanId: 'b'.repeat(15) + (i % 10),
            traceFlags: i % 2,
          },
        }),
    resource: i % 50 === 0 ? otherResource : resource,
    instrumentationScope: scope,
    attributes: {
      'event.name': `event.${i % 7}`,
      'test.value': value,
      'test.n': i,
      ...(i % 11 === 0 ? { 'seclog.chain.seq': 99, 'seclog.chain.hash': 'forged' } : {}),
    },
    droppedAttributesCount: i % 13 === 0 ? 2 : 0,
  } as unknown as ReadableLogRecord;
}

function exportOnce(
  exporter: RotatingFileLogRecordExporter,
  records: ReadableLogRecord[],
): Promise<{ code: number }> {
  return new Promise((resolve) => exporter.export(records, resolve));
}

async function writeAll(
  directory: string,
  options: { worker: boolean; hashChain: boolean; maxLineBytes?: number },
  batches: ReadableLogRecord[][],
): Promise<string> {
  const exporter = new RotatingFileLogRecordExporter({
    directory,
    maxFileBytes: 65536,
    ...options,
  });
  for (const b of batches)
    expect((await exportOnce(exporter, b)).code).toBe(ExportResultCode.SUCCESS);
  await exporter.shutdown();
  expect(exporter.getStats().recordsWritten).toBe(batches.reduce((n, b) => n + b.length, 0));
  return dataFiles(directory)
    .map((f) => readFileSync(join(directory, f), 'utf8'))
    .join('|');
}

afterEach(() => {
  setGlobalErrorHandler(loggingErrorHandler());
  vi.restoreAllMocks();
});

describe('survivesJson', () => {
  it.each([
    ['a string', 's', true],
    ['a finite number', -1.5, true],
    ['null', null, true],
    ['a plain nested object', { a: [1, { b: 'c' }] }, true],
    ['a null-prototype object', Object.create(null) as object, true],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
    ['a Uint8Array', new Uint8Array(1), false],
    ['a bigint', 1n, false],
    ['undefined inside an object', { a: undefined }, false],
    ['undefined inside an array', [undefined], false],
    ['a Date', new Date(0), false],
    ['a function', () => 1, false],
  ])('is %s → %s', (_name, value, expected) => {
    expect(survivesJson(value)).toBe(expected);
  });

  it('gives up on nesting deeper than any log attribute needs', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(survivesJson(deep)).toBe(false);
  });
});

describe('compactRecord', () => {
  it('leaves records with a malformed span context to the calling thread', () => {
    const r = { ...record(1), spanContext: { traceId: 1, spanId: 'x', traceFlags: 0 } };
    expect(compactRecord(r as unknown as ReadableLogRecord, 0)).toBeUndefined();
  });
});

describe('profilerFlags', () => {
  it('keeps only the CPU profiler flags, with their values, for the worker', () => {
    expect(
      profilerFlags([
        '--require',
        './otel-bootstrap.cjs',
        '--cpu-prof',
        '--cpu-prof-dir',
        '/tmp/prof',
        '--cpu-prof-interval=500',
        '--import=./x.mjs',
      ]),
    ).toEqual(['--cpu-prof', '--cpu-prof-dir', '/tmp/prof', '--cpu-prof-interval=500']);
  });
});

describe('BatchWorker', () => {
  describe('fill', () => {
    it('fills in the same hashes as hashing each headless (ECS) line in place', async () => {
      const inPlace = new LineBatch({
        recordTail: '"}\n',
        lineEnd: undefined,
        maxLineBytes: Infinity,
      });
      let prev = GENESIS_HASH;
      for (const b of bodies(100)) prev = inPlace.add(prev, undefined, b);
      const deferred = new LineBatch({
        recordTail: '"}\n',
        lineEnd: undefined,
        maxLineBytes: Infinity,
      });
      for (const b of bodies(100)) deferred.addUnhashed(undefined, b);
      const worker = new BatchWorker();
      const filled = await worker.fill(deferred.buf, deferred.len, deferred.ends, 3, GENESIS_HASH);
      await worker.close();
      expect(filled.last).toBe(prev);
      expect(
        filled.buf.subarray(0, deferred.len).equals(inPlace.buf.subarray(0, inPlace.len)),
      ).toBe(true);
    });

    it('reports itself unusable once closed', async () => {
      const worker = new BatchWorker();
      await worker.close();
      expect(worker.usable).toBe(false);
    });
  });
});

describe('RotatingFileLogRecordExporter', () => {
  describe('export (batch worker)', () => {
    // Format v2 (default: a batch's records that share resource and scope share a line) and v1
    // (maxLineBytes: 1, one record per line).
    for (const [hashChain, maxLineBytes] of [
      [true, undefined],
      [false, undefined],
      [true, 1],
      [false, 1],
    ] as const) {
      it(`writes the bytes the calling thread writes, for every kind of value (hashChain ${hashChain}, maxLineBytes ${maxLineBytes ?? 'default'})`, async () => {
        const errors: Error[] = [];
        setGlobalErrorHandler((e) => errors.push(e as Error));
        const t = tempDir();
        const records = Array.from({ length: 900 }, (_, i) => record(i));
        // 400, 300 and 180 go to the worker; the 20 are rendered in place (below the round trip's
        // worth), after which the worker learns the chain's position again.
        const batches = [
          records.slice(0, 400),
          records.slice(400, 700),
          records.slice(700, 720),
          records.slice(720),
        ];
        const render = vi.spyOn(BatchWorker.prototype, 'render');
        const onWorker = await writeAll(
          join(t.dir, 'worker'),
          { worker: true, hashChain, ...(maxLineBytes === undefined ? {} : { maxLineBytes }) },
          batches,
        );
        expect(render).toHaveBeenCalledTimes(3);
        render.mockClear();
        const inPlace = await writeAll(
          join(t.dir, 'in-place'),
          { worker: false, hashChain, ...(maxLineBytes === undefined ? {} : { maxLineBytes }) },
          batches,
        );
        expect(render).not.toHaveBeenCalled();
        const lines = onWorker.split(/\n\|?/).filter((l) => l !== '');
        expect(lineRecords(lines)).toHaveLength(900);
        if (maxLineBytes === 1) expect(lines).toHaveLength(900);
        else {
          // Every 50th record has its own resource, so it breaks the run of shared heads; lines are
          // also cut at file rotation (maxFileBytes 65536 caps the line too).
          expect(lines.length).toBeGreaterThan(18);
          expect(lines.length).toBeLessThan(100);
          for (const l of lines) expect(Buffer.byteLength(l) + 1).toBeLessThanOrEqual(65536);
        }
        expect(onWorker).toBe(inPlace);
        // Nothing fell back to the calling thread.
        expect(errors).toEqual([]);
        for (const dir of ['worker', 'in-place']) {
          const result = await verifyDirectory(join(t.dir, dir), { allowUnchained: !hashChain });
          expect(result.issues).toEqual([]);
        }
        t.cleanup();
      });
    }

    it('renders a batch whose resource is still settling on the calling thread, after it settles', async () => {
      const t = tempDir();
      const render = vi.spyOn(BatchWorker.prototype, 'render');
      const settling = {
        attributes: { 'service.name': 'svc' } as Record<string, unknown>,
        asyncAttributesPending: true,
        waitForAsyncAttributes() {
          this.attributes = { ...this.attributes, 'host.id': 'h-1' };
          this.asyncAttributesPending = false;
          return Promise.resolve();
        },
      };
      const records = Array.from(
        { length: 100 },
        (_, i) => ({ ...record(i), resource: settling }) as unknown as ReadableLogRecord,
      );
      const exporter = new RotatingFileLogRecordExporter({ directory: t.dir, worker: true });
      expect((await exportOnce(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
      await exporter.shutdown();
      expect(render).not.toHaveBeenCalled();
      const text = dataFiles(t.dir)
        .map((f) => readFileSync(join(t.dir, f), 'utf8'))
        .join('');
      // The resource, settled, heads each line (one line for the batch, format v2).
      const lines = text.split('\n').filter((l) => l !== '');
      expect(text.split('"host.id"').length - 1).toBe(lines.length);
      expect(lineRecords(lines)).toHaveLength(100);
      expect((await verifyDirectory(t.dir)).issues).toEqual([]);
      t.cleanup();
    });

    for (const method of ['render', 'fill'] as const) {
      it(`renders and hashes on the calling thread when the worker's ${method} fails, and reports it`, async () => {
        const errors: Error[] = [];
        setGlobalErrorHandler((e) => errors.push(e as Error));
        const spy = vi
          .spyOn(BatchWorker.prototype, method)
          .mockRejectedValueOnce(new Error('worker gone'));
        const t = tempDir();
        const exporter = new RotatingFileLogRecordExporter({
          directory: t.dir,
          format: method === 'render' ? 'otlp-json' : 'ecs-json',
          worker: true,
        });
        const records = Array.from({ length: 100 }, (_, i) => record(i));
        for (let k = 0; k < 2; k++) {
          const result = await exportOnce(exporter, records);
          expect(result.code).toBe(ExportResultCode.SUCCESS);
        }
        await exporter.shutdown();
        expect(spy).toHaveBeenCalledTimes(2);
        expect(errors.filter((e) => e.message.includes('batch worker failed')).length).toBe(1);
        expect(exporter.getStats().recordsWritten).toBe(200);
        expect(readdirSync(t.dir).some((f) => f.endsWith('.seal'))).toBe(true);
        const result = await verifyDirectory(t.dir);
        expect(result.issues).toEqual([]);
        expect(result.recordsChecked).toBe(200);
        t.cleanup();
      });
    }
  });
});
