// The exit path of the slot writer: what the exporter's `exportSync` does with synchronous I/O
// only, in an exit handler, where no async step runs any more: start a fresh slot if none was
// started, finish a seal the exit cut short, write lines, then seal the active file.
//
// Its write loop takes lines into files and moves the chain as the async loop (write-lines.ts)
// does, and differs from it on purpose in two places, marked where they are:
// - lastRecordMs: the async loop always has the times of the records it writes (rendered with
//   the batch), so it sets the file's and chain's last record time from every write. This loop may
//   be finishing a batch the async path had begun, whose times it does not have (it is called with
//   none); it sets them only when known, so an unknown time never overwrites a known one.
// - rotation: only the async loop rotates on a time boundary or when the active file was deleted
//   (see SlotWriter.fileFor). This loop rotates only when the file is full: it runs once, without
//   timers, and the file it writes is sealed right after (sealSync).
import { fdatasyncSync, readdirSync } from 'node:fs';
import { GENESIS_HASH } from './chain.js';
import { openDataFileSync, sealOf, type OpenFile } from './data-file.js';
import { nameParser } from './file-names.js';
import { makeDirectorySync, writeAllSync } from './fs-safe.js';
import { HeadFile } from './head.js';
import type { LineBatch } from './line-batch.js';
import type { ChainState } from './recovery.js';
import { acquireFreshSlotSync } from './slot-lock.js';
import type { SlotWriter } from './slot-writer.js';

/** The chain to write on at exit: the started one, else a fresh slot's (see acquireFreshSlotSync). */
export function startSync(w: SlotWriter): ChainState {
  if (w.lock !== undefined && w.chain !== undefined) return w.chain;
  const o = w.o;
  makeDirectorySync(o.directory, o.dirMode);
  const parse = nameParser(o.baseName);
  const used = new Set<number>();
  for (const name of readdirSync(o.directory)) {
    const parsed = parse(name);
    if (parsed !== undefined) used.add(parsed.slot);
  }
  w.lock = acquireFreshSlotSync(o.directory, o.baseName, o.fileMode, (s) => !used.has(s));
  w.chain = { lastHash: GENESIS_HASH, lastSeq: 0, nextIndex: 1, lastRecordMs: undefined };
  w.knownSlots = Math.max(w.knownSlots, w.lock.slot + 1, ...[...used].map((n) => n + 1));
  w.head = HeadFile.open(o.directory, o.baseName, w.lock.slot, o.fileMode, (m) =>
    w.reporter.report(new Error(m), 'unsafe head'),
  );
  w.scheme.open(w.lock.slot)?.resume(Date.now(), w.chain);
  return w.chain;
}

/** The exit path: the seal of a file whose closing the exit cut short joins the pending ones. */
export function takeOverSealingSync(w: SlotWriter): void {
  const sealing = w.sealing;
  if (sealing === undefined) return;
  w.sealing = undefined;
  try {
    fdatasyncSync(sealing.fd);
  } catch {
    // its lines are as durable as the kernel made them
  }
  w.seals.push(sealing.seal);
}

/** The exit path, last: syncs and seals the active file, signs the head, writes the seals. */
export function sealSync(w: SlotWriter, chain: ChainState): void {
  const file = w.file;
  if (file !== undefined && !file.broken) {
    fdatasyncSync(file.fh.fd);
    w.seals.push(sealOf(w.o, w.slot, file, w.chain));
  }
  w.signHead(chain);
  w.seals.writeSync(file?.name);
}

/** The exit path: the active file is full; its seal is written with the others at the end. */
function rotateSync(w: SlotWriter, file: OpenFile): void {
  fdatasyncSync(file.fh.fd);
  w.seals.push(sealOf(w.o, w.slot, file, w.chain));
  w.metrics.rotated();
  w.file = undefined;
}

/** The active file, or a new one opened with synchronous I/O (see SlotWriter.fileFor). */
function openFileSync(w: SlotWriter, chain: ChainState): OpenFile {
  const current = w.file;
  if (current !== undefined && !current.broken) return current;
  if (current !== undefined) throw new Error(`${current.name} needs recovery after a failed write`);
  const file = openDataFileSync(w.o, w.slot, chain, w.opening);
  w.file = file;
  return file;
}

/**
 * The exit path's loop: writes lines `from`.. of `batch` to `w`'s active file (opening one if
 * there is none), moving the chain as the async loop (write-lines.ts) does; returns how many
 * records were written. `times` are the records' times when known (from line 0). Throws.
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
    let file = openFileSync(w, chain);
    if (file.size > 0 && file.size + (ends[i] as number) - start > w.o.maxFileBytes) {
      rotateSync(w, file);
      file = openFileSync(w, chain);
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
