// The slot writer's write loop: how a rendered batch goes into the slot's files, between awaits.
// The exit path has its own loop (exit-path.ts), which differs from this one on purpose in when
// it sets lastRecordMs and when it rotates: see the top of that file.
import { ftruncateSync } from 'node:fs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { OpenFile } from './data-file.js';
import { writeAllSync } from './fs-safe.js';
import type { LineBatch } from './line-batch.js';
import type { ChainState } from './recovery.js';
import { asError } from './reporter.js';
import type { SlotWriter } from './slot-writer.js';

/**
 * Writes `batch` into `w`'s files, rotating as needed; `w.writing.next` is kept at the first line
 * not yet written, for the exit path. `times` are the records' times.
 */
export async function writeLines(
  w: SlotWriter,
  batch: LineBatch,
  chain: ChainState,
  times: readonly number[],
): Promise<ExportResult> {
  const ends = batch.ends;
  const counts = batch.counts;
  const count = ends.length;
  let i = 0;
  let from = 0;
  let done = 0;
  let left = 0;
  for (let k = 0; k < count; k++) left += counts[k] as number;
  while (i < count) {
    let file: OpenFile;
    try {
      // Rotates on size, on the time boundary and when the active file was deleted (unlike the
      // exit path's loop: see exit-path.ts).
      file = await w.fileFor(chain, (ends[i] as number) - from);
    } catch (err) {
      return w.reporter.failed(err, left);
    }
    if (w.exited) return { code: ExportResultCode.FAILED, error: new Error('exited') };
    // Take lines while the file has room; the first always goes (an oversized line gets a file).
    let j = i + 1;
    const room = w.o.maxFileBytes - file.size;
    while (j < count && (ends[j] as number) - from <= room) j++;
    const to = ends[j - 1] as number;
    try {
      // Synchronous, as pino's default destination writes: the page cache takes it at once,
      // and no write is ever half done when the exit path (exportSync) takes over.
      writeAllSync(file.fh.fd, batch.buf, from, to);
    } catch (err) {
      // Undo a partial write so the file keeps whole lines only; if that fails, recover it later.
      try {
        ftruncateSync(file.fh.fd, file.size);
      } catch {
        file.broken = true;
      }
      return w.reporter.failed(err, left);
    }
    let n = 0;
    for (let k = i; k < j; k++) n += counts[k] as number;
    file.size += to - from;
    file.count += n;
    if (w.o.hashChain) {
      chain.lastHash = batch.hashAt(j - 1);
      chain.lastSeq += n;
    }
    done += n;
    left -= n;
    // Always: this loop has every record's time (unlike the exit path's: see exit-path.ts).
    file.lastRecordMs = times[done - 1];
    chain.lastRecordMs = file.lastRecordMs;
    w.metrics.written(n, to - from);
    i = j;
    from = to;
    if (w.writing !== undefined) w.writing.next = i;
  }
  if (w.o.fsync === 'batch' && w.file !== undefined) {
    try {
      await w.file.fh.datasync();
    } catch (err) {
      w.reporter.report(err, 'fdatasync failed');
      return { code: ExportResultCode.FAILED, error: asError(err) };
    }
  }
  w.signHead(chain);
  w.reporter.succeeded();
  return { code: ExportResultCode.SUCCESS };
}
