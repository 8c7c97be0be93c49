// The two write loops of the slot writer: the exporter's (async, between awaits) and the exit
// path's (synchronous I/O only, in an exit handler). They take lines into files the same way and
// move the chain the same way, and differ on purpose in two places, marked where they are:
// - lastRecordMs: the async loop always has the times of the records it writes (rendered with
//   the batch), so it sets the file's and chain's last record time from every write. The exit loop
//   may be finishing a batch the async path had begun, whose times it does not have (it is called
//   with none); it sets them only when known, so an unknown time never overwrites a known one.
// - rotation: only the async loop rotates on a time boundary or when the active file was deleted
//   (see SlotWriter.fileFor). The exit loop rotates only when the file is full: it runs once,
//   without timers, and the file it writes is sealed right after (SlotWriter.sealSync).
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
      // Rotates on size, on the time boundary and when the active file was deleted.
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
    // Always: this loop has every record's time (see the top of this file).
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

/**
 * The exit path's loop: writes lines `from`.. of `batch` to `w`'s active file (opening one if
 * there is none), moving the chain as {@link writeLines} does; returns how many records were
 * written. `times` are the records' times when known (from line 0). Throws.
 */
export function writeLinesSync(
  w: SlotWriter,
  batch: LineBatch,
  chain: ChainState,
  from: number,
  times: readonly number[],
): number {
  const ends = batch.ends;
  const counts = batch.counts;
  const count = ends.length;
  let i = from;
  let records = 0;
  let done = 0;
  for (let k = 0; k < from; k++) done += counts[k] as number;
  while (i < count) {
    const start = i === 0 ? 0 : (ends[i - 1] as number);
    // On size only, not on time or a deleted file (see the top of this file).
    let file = w.openFileSync(chain);
    if (file.size > 0 && file.size + (ends[i] as number) - start > w.o.maxFileBytes) {
      w.rotateSync(file);
      file = w.openFileSync(chain);
    }
    // Take lines while the file has room; the first always goes (an oversized line gets a file).
    let j = i + 1;
    while (j < count && file.size + (ends[j] as number) - start <= w.o.maxFileBytes) j++;
    const end = ends[j - 1] as number;
    writeAllSync(file.fh.fd, batch.buf, start, end);
    let n = 0;
    for (let k = i; k < j; k++) n += counts[k] as number;
    file.size += end - start;
    file.count += n;
    if (w.o.hashChain) {
      chain.lastHash = batch.hashAt(j - 1);
      chain.lastSeq += n;
    }
    done += n;
    records += n;
    // Only when known: the rest of a batch the async path began comes without times.
    const last = times[done - 1];
    if (last !== undefined) {
      file.lastRecordMs = last;
      chain.lastRecordMs = last;
    }
    w.metrics.written(n, end - start);
    i = j;
  }
  return records;
}
