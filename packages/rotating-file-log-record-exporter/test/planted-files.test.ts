// An intruder with write access to the log directory plants FIFOs and huge indexes where seclog
// expects its own files. Neither verify nor the running exporter may hang or run out of memory on
// them, and what they displace must still fail verification.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
} from '@seclog/rotating-file-log-record-exporter';
import { record, tempDir } from './helpers.js';

function exportOne(e: RotatingFileLogRecordExporter, n: number): Promise<{ code: number }> {
  return new Promise((resolve) => e.export([record(n)], resolve));
}

async function writeDir(dir: string, count: number): Promise<void> {
  const e = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
  for (let i = 0; i < count; i++) await exportOne(e, i);
  await e.shutdown();
}

function plantFifo(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing there yet
  }
  execFileSync('mkfifo', [path]);
}

/** Fails the test instead of hanging it: an open that waits on a FIFO never settles. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms).unref(),
    ),
  ]);
}

describe('planted files', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    await writeDir(dir, 60);
  });
  afterEach(() => cleanup());

  const newest = (suffix: string): string =>
    readdirSync(dir)
      .filter((n) => n.endsWith(suffix))
      .sort()
      .at(-1)!;

  it('verify fails, and returns, when a FIFO stands where the newest seal was', async () => {
    plantFifo(join(dir, newest('.seal')));
    const result = await within(5000, verifyDirectory(dir));
    expect(result.ok).toBe(false);
  });

  it('verify fails, and returns, when a FIFO stands where a data file was', async () => {
    plantFifo(join(dir, newest('.ndjson')));
    const result = await within(5000, verifyDirectory(dir));
    expect(result.ok).toBe(false);
    expect(result.issues[0]!.message).toMatch(/not a regular file/);
  });

  it('verify returns when FIFOs stand at the pointer and the lock', async () => {
    plantFifo(join(dir, 'seclog.current'));
    plantFifo(join(dir, 'seclog.lock'));
    const result = await within(5000, verifyDirectory(dir));
    expect(result.filesChecked).toBeGreaterThan(1);
  });

  it('verify reports a pointer to a huge index as one gap, at once', async () => {
    writeFileSync(join(dir, 'seclog.current'), 'seclog-999999999999.ndjson\n');
    const result = await within(5000, verifyDirectory(dir));
    expect(result.ok).toBe(false);
    const missing = result.issues.filter((i) => i.kind === 'missing-file');
    expect(missing).toHaveLength(2);
    expect(missing[1]!.message).toMatch(/\(\d+ files\) are missing/);
  });

  it('verify reports a data file renamed to a huge index as one gap, at once', async () => {
    const name = newest('.ndjson');
    renameSync(join(dir, name), join(dir, 'seclog-999999999999.ndjson'));
    const result = await within(5000, verifyDirectory(dir));
    expect(result.ok).toBe(false);
  });

  it('an exporter whose retention list is a FIFO keeps exporting', async () => {
    plantFifo(join(dir, 'seclog.retention'));
    const e = new RotatingFileLogRecordExporter({
      directory: dir,
      maxFileBytes: 4096,
      maxFiles: 2,
    });
    const codes: number[] = [];
    for (let i = 0; i < 60; i++) codes.push((await within(5000, exportOne(e, 100 + i))).code);
    await within(5000, e.shutdown());
    expect(codes.every((c) => c === 0)).toBe(true);
  });

  it('a writer whose next file names are taken by planted files moves past them and keeps exporting', async () => {
    const e = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
    expect((await exportOne(e, 200)).code).toBe(0);
    const index = Number(/-(\d{6})\.ndjson$/.exec(e.getStats().currentFile!)![1]);
    const planted = [1, 2, 3].map((k) => `seclog-${String(index + k).padStart(6, '0')}.ndjson`);
    for (const n of planted) writeFileSync(join(dir, n), '');
    const codes: number[] = [];
    for (let i = 0; i < 60; i++) codes.push((await exportOne(e, 300 + i)).code);
    await e.shutdown();
    expect(codes.every((c) => c === 0)).toBe(true);
    expect(e.getStats().dropped).toEqual({});
    // The planted names stay for verify to report.
    const r = await verifyDirectory(dir);
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'missing-seal', file: planted[0] }),
    );
  });
});
