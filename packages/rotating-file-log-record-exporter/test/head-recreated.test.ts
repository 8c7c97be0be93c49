// The signed head of a running writer, deleted under it: the next batch writes a fresh one.
import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { verifyDirectory } from '@seclog/rotating-file-log-record-exporter';
import { setup } from './helpers.js';

const hmacKey = randomBytes(32).toString('hex');

describe('RotatingFileLogRecordExporter head', () => {
  it('recreates the head deleted under a running writer at its next batch, so verify vouches for the newest records again', async () => {
    const t = setup({ maxFileBytes: 4096, hmacKey, keyId: 'k1' });
    try {
      t.emit(5);
      await t.flush();
      const head = join(t.logDir, 'seclog.head');
      unlinkSync(head);
      t.emit(5, 5);
      await t.flush();
      expect(existsSync(head)).toBe(true);
      // Still running: the head just written vouches for all ten records.
      const r = await verifyDirectory(t.logDir, { hmacKey });
      expect(r.issues).toEqual([]);
      expect(r.recordsChecked).toBe(10);
      await t.provider.shutdown();
      expect((await verifyDirectory(t.logDir, { hmacKey })).issues).toEqual([]);
    } finally {
      await t.done();
    }
  });
});
