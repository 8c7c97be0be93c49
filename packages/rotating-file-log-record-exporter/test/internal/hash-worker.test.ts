// The hash worker against the in-place hashing, and the exporter's fallback when it fails.
import { describe, it, expect, afterEach, vi } from 'vitest';
import { readdirSync } from 'node:fs';
import { ExportResultCode, loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
} from '@seclog/rotating-file-log-record-exporter';
import { GENESIS_HASH } from '../../src/internal/chain.js';
import { HashWorker } from '../../src/internal/hash-worker.js';
import { LineBatch } from '../../src/internal/line-batch.js';
import { tempDir } from '../helpers.js';

function bodies(n: number): string[] {
  // Multi-byte text too, so byte offsets and string lengths differ.
  return Array.from({ length: n }, (_, i) => `{"n":${i},"s":"${'é€😀'.repeat(i % 5)}",`);
}

afterEach(() => {
  setGlobalErrorHandler(loggingErrorHandler());
  vi.restoreAllMocks();
});

describe('HashWorker', () => {
  describe('fill', () => {
    it('fills in the same hashes as hashing each line in place', async () => {
      const head = Buffer.from('{"head":');
      const inPlace = new LineBatch('"}\n');
      let prev = GENESIS_HASH;
      for (const b of bodies(100)) prev = inPlace.add(prev, head, b);
      const deferred = new LineBatch('"}\n');
      for (const b of bodies(100)) deferred.addUnhashed(head, b);
      const worker = new HashWorker();
      const filled = await worker.fill(deferred.buf, deferred.len, deferred.ends, 3, GENESIS_HASH);
      await worker.close();
      expect(filled.last).toBe(prev);
      expect(
        filled.buf.subarray(0, deferred.len).equals(inPlace.buf.subarray(0, inPlace.len)),
      ).toBe(true);
    });

    it('reports itself unusable once closed', async () => {
      const worker = new HashWorker();
      await worker.close();
      expect(worker.usable).toBe(false);
    });
  });
});

describe('RotatingFileLogRecordExporter', () => {
  describe('export', () => {
    it('hashes a batch on the calling thread when the worker fails on it, and reports it', async () => {
      const errors: Error[] = [];
      setGlobalErrorHandler((e) => errors.push(e as Error));
      const fill = vi
        .spyOn(HashWorker.prototype, 'fill')
        .mockRejectedValueOnce(new Error('worker gone'));
      const t = tempDir();
      const exporter = new RotatingFileLogRecordExporter({ directory: t.dir });
      const records = Array.from(
        { length: 100 },
        (_, i) =>
          ({
            hrTime: [1_700_000_000, i],
            hrTimeObserved: [1_700_000_000, i],
            body: `record ${i}`,
            resource: { attributes: {} },
            instrumentationScope: { name: 'scope' },
            attributes: {},
            droppedAttributesCount: 0,
          }) as unknown as ReadableLogRecord,
      );
      for (let k = 0; k < 2; k++) {
        const result = await new Promise<{ code: number }>((resolve) =>
          exporter.export(records, resolve),
        );
        expect(result.code).toBe(ExportResultCode.SUCCESS);
      }
      await exporter.shutdown();
      expect(fill).toHaveBeenCalledTimes(2);
      expect(errors.filter((e) => e.message.includes('hash worker failed')).length).toBe(1);
      expect(exporter.getStats().recordsWritten).toBe(200);
      expect(readdirSync(t.dir).some((f) => f.endsWith('.seal'))).toBe(true);
      expect((await verifyDirectory(t.dir)).ok).toBe(true);
      t.cleanup();
    });
  });
});
