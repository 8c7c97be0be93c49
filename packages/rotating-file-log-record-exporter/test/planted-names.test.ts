// Names no exporter writes, planted where verify looks: slots with huge numbers, a retention list
// too large to read. Each is reported, never passed over in silence.
import { describe, it, expect } from 'vitest';
import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyDirectory } from '@seclog/rotating-file-log-record-exporter';
import { setup } from './helpers.js';

async function writtenDir() {
  const t = setup({ maxFileBytes: 4096 });
  t.emit(30);
  await t.flush();
  await t.provider.shutdown();
  return t;
}

describe('verifyDirectory on planted names', () => {
  it('reports data files of a slot with a 10-digit number as planted-file', async () => {
    const t = await writtenDir();
    try {
      copyFileSync(
        join(t.logDir, 'seclog-000001.ndjson'),
        join(t.logDir, 'seclog-w9999999999-000001.ndjson'),
      );
      const r = await verifyDirectory(t.logDir);
      expect(r.issues.map((i) => [i.kind, i.file])).toEqual([
        ['planted-file', 'seclog-w9999999999-*'],
      ]);
    } finally {
      await t.done();
    }
  });

  it('reports a retention list too large to read as planted-file', async () => {
    const t = await writtenDir();
    try {
      const path = join(t.logDir, 'seclog.retention');
      writeFileSync(path, '');
      truncateSync(path, 50 * 1024 * 1024);
      const r = await verifyDirectory(t.logDir);
      expect(r.issues.map((i) => [i.kind, i.file])).toEqual([['planted-file', 'seclog.retention']]);
    } finally {
      await t.done();
    }
  });

  it('reports lines of the retention list that are no retention record', async () => {
    const t = await writtenDir();
    try {
      writeFileSync(join(t.logDir, 'seclog.retention'), '{"v":1}\nnull\n');
      const r = await verifyDirectory(t.logDir);
      expect(r.issues.map((i) => [i.kind, i.file, i.line])).toEqual([
        ['unparsable-line', 'seclog.retention', 1],
        ['unparsable-line', 'seclog.retention', 2],
      ]);
    } finally {
      await t.done();
    }
  });
});
