// `seclog tail` follows a directory: a file that appears after it started is shown whole.
import { describe, expect, it } from 'vitest';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { tailDirectory } from '@seclog/cli';
import { join } from 'node:path';
import { record, tempDir, writeRecords } from './helpers.js';

/** `test.n` of every record of `lines` (an otlp-json line of format v2 holds a batch's records). */
const ns = (lines: string[]): number[] =>
  lines.flatMap((l) =>
    [...l.matchAll(/"test\.n","value":\{"intValue":"(\d+)"/g)].map((m) => Number(m[1])),
  );

/** Tails `dir` in-process until lines holding `count` records arrived; resolves with them. */
function tailUntil(dir: string, count: number, pollMs = 10) {
  const controller = new AbortController();
  const lines: string[] = [];
  let reached: () => void = () => undefined;
  const enough = new Promise<void>((resolve) => (reached = resolve));
  const stopped = tailDirectory(dir, {
    pollMs,
    onLine: (l) => {
      lines.push(l);
      if (ns(lines).length >= count) reached();
    },
    signal: controller.signal,
  });
  return {
    lines,
    async done(): Promise<string[]> {
      await enough;
      controller.abort();
      await stopped;
      return lines;
    },
  };
}

describe('tailDirectory', () => {
  it('stops when the signal aborts on an empty directory', async () => {
    const { dir, cleanup } = tempDir();
    const controller = new AbortController();
    const p = tailDirectory(dir, {
      onLine: () => undefined,
      signal: controller.signal,
      pollMs: 10,
    });
    controller.abort();
    await p;
    cleanup();
  });

  it('shows every record of a file that appears after it started, not only the last lines', async () => {
    const { dir, cleanup } = tempDir();
    const logDir = join(dir, 'not-yet');
    const tail = tailUntil(logDir, 25);
    // tail's first readdir is issued synchronously above; this only lets it finish before the
    // exporter creates anything (not a timed assertion: the lines are awaited, not timed). Generous,
    // because on a loaded machine a 30 ms wait lost the race and the file counted as 'before'.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const e = new RotatingFileLogRecordExporter({ directory: logDir });
    await new Promise((resolve) =>
      e.export(
        Array.from({ length: 25 }, (_, i) => record(i)),
        resolve,
      ),
    );
    const lines = await tail.done();
    await e.shutdown();
    // One batch, one line (format v2), every record of it shown.
    expect(lines).toHaveLength(1);
    expect(ns(lines)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    cleanup();
  });

  it('shows the files a new slot rotated out of before tail saw it', async () => {
    const { dir, cleanup } = tempDir();
    // A slow poll: the writer rotates several times before tail's second look at the directory
    // (should the writes be slower, tail follows the rotations instead and the test still holds).
    const tail = tailUntil(dir, 40, 1000);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const e = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
    await writeRecords(e, 40);
    const lines = await tail.done();
    await e.shutdown();
    expect(ns(lines)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    cleanup();
  });

  it('shows only the last lines of a file that was there before it started', async () => {
    const { dir, cleanup } = tempDir();
    const e = new RotatingFileLogRecordExporter({ directory: dir });
    await writeRecords(e, 15);
    await e.forceFlush();
    const tail = tailUntil(dir, 10);
    const lines = await tail.done();
    await e.shutdown();
    expect(ns(lines)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    cleanup();
  });
});
