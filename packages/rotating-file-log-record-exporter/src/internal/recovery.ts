// Start-up of a writer slot: finds where its chain ends, and closes a file left open by a crash,
// moving a torn last line into a `.torn` sidecar and sealing what remains. A line holds the records
// of one batch only, written before the batch is acknowledged (after fdatasync), so a torn line
// loses only records that were never acknowledged.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  GENESIS_HASH,
  isChainedFile,
  isPlainLine,
  lineTimeMs,
  parseRecords,
  plainLineRecords,
} from './chain.js';
import { dataName, sealName, tornName } from './file-names.js';
import {
  APPEND_NOFOLLOW,
  plantedHoleBytes,
  RDWR_NOFOLLOW,
  readRegularFile,
  syncDirectory,
  unlinkRetry,
  writeFileAtomic,
} from './fs-safe.js';
import { readHead, type HeadState } from './head.js';
import { signedJson, type Seal, type SignatureCheck, type SigningKey } from './seal.js';
import { maxIndex, readSeal, scanDirectory } from './slot-files.js';
import { MAX_SLOTS } from './slot-lock.js';

/** Where the slot's chain stands. */
export interface ChainState {
  lastHash: string;
  lastSeq: number;
  nextIndex: number;
  lastRecordMs: number | undefined;
}

/** Options recovery needs. */
export interface RecoveryOptions {
  directory: string;
  baseName: string;
  fileMode: number;
  format: string;
  /** What signs recovery seals now. */
  signing: () => SigningKey | undefined;
  /** Judges the head recovery finds; undefined without a key. */
  check: SignatureCheck | undefined;
  /** What this writer writes; decides only for a file with no complete line to tell by. */
  hashChain: boolean;
  /** With `maxLineBytes`: bounds what recovery reads (see {@link recoverFile}). */
  maxFileBytes: number;
  maxLineBytes: number;
}

/** Result of recovering one file. */
export interface RecoveredFile {
  seal: Seal;
  tornBytes: number;
}

/** Reads the first `n` bytes of `fh`. */
async function readPrefix(fh: FileHandle, n: number): Promise<Buffer> {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(buf, got, n - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/**
 * Seals `index` after a crash: cuts a torn tail (bytes after the last newline, plus a last
 * line that does not parse) into the `.torn` sidecar (at most `maxLineBytes` of it) and writes the
 * seal. It never reads more than `maxFileBytes + maxLineBytes`, the most the writer puts in a file
 * (a file over `maxFileBytes` holds one line, normally no longer than `maxLineBytes`): a file
 * larger than that, or with holes (see `plantedHoleBytes`), was not made by the writer, so it is
 * sealed as `oversized` with the whole lines of that prefix and left as it is, unread beyond. Hashes are taken from
 * the lines as written, not recomputed, so tampering stays visible to verification. A file written
 * with the hash chain off (told by its first line) gets an unchained seal the chain passes through.
 */
export async function recoverFile(
  opts: RecoveryOptions,
  slot: number,
  index: number,
  prevHash: string,
  prevSeq: number,
  signed: NonNullable<Seal['signed']>,
): Promise<RecoveredFile> {
  const { directory: dir, baseName } = opts;
  const name = dataName(baseName, slot, index);
  const fh = await open(join(dir, name), RDWR_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ELOOP'
      ? Object.assign(new Error(`refusing to open ${name}: it is a symlink (possibly planted)`), {
          code: 'EUNSAFE',
        })
      : err;
  });
  let tornBytes = 0;
  let torn: Seal['torn'];
  let oversized: Seal['oversized'];
  let keep: Buffer;
  let chained = opts.hashChain;
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw Object.assign(new Error(`refusing to open ${name}: not a regular file`), {
        code: 'EUNSAFE',
      });
    const limit = opts.maxFileBytes + opts.maxLineBytes;
    if (st.size > limit || plantedHoleBytes(st) > 0)
      oversized = { size: st.size, allocated: st.blocks * 512 };
    const buf = await readPrefix(fh, Math.min(st.size, limit));
    let cut = buf.lastIndexOf(0x0a) + 1;
    if (cut > 0) {
      const firstNl = buf.indexOf(0x0a);
      chained = isChainedFile(buf.subarray(0, firstNl).toString('utf8'), opts.hashChain);
      // A last complete line that does not parse (e.g. zeros after a power cut) is torn too.
      const prevNl = buf.lastIndexOf(0x0a, cut - 2) + 1;
      const last = buf.subarray(prevNl, cut - 1).toString('utf8');
      if (chained ? parseRecords(last) === undefined : !isPlainLine(last)) cut = prevNl;
    }
    keep = buf.subarray(0, cut);
    if (cut < buf.length && oversized === undefined) {
      const tail = buf.subarray(cut);
      tornBytes = tail.length;
      const tname = tornName(baseName, slot, index);
      // A crash tears one line: more than that is not worth a sidecar as large.
      const copied = tail.subarray(0, opts.maxLineBytes);
      const tf = await open(join(dir, tname), APPEND_NOFOLLOW, opts.fileMode);
      try {
        await tf.writeFile(copied);
        await tf.datasync();
      } finally {
        await tf.close();
      }
      torn = {
        bytes: tail.length,
        sha256: createHash('sha256').update(tail).digest('hex'),
        file: tname,
      };
      if (copied.length < tail.length) torn.copied = copied.length;
      await fh.truncate(cut);
      await fh.datasync();
    }
  } finally {
    await fh.close();
  }
  let count = 0;
  let firstSeq = prevSeq + 1;
  let lastSeq = prevSeq;
  let lastHash = prevHash;
  let lastRecordMs: number | undefined;
  const text = keep.toString('utf8');
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl);
    start = nl + 1;
    if (!chained) {
      count += plainLineRecords(line) || 1;
      if (start >= text.length) lastRecordMs = lineTimeMs(line);
      continue;
    }
    const records = parseRecords(line);
    // A break inside the file is left for verify to report (counted as one record).
    if (records === undefined) {
      count++;
      continue;
    }
    for (const rec of records) {
      count++;
      if (count === 1) firstSeq = rec.seq;
      lastSeq = rec.seq;
      lastHash = rec.hash;
    }
    if (start >= text.length) lastRecordMs = lineTimeMs(line);
  }
  const now = new Date().toISOString();
  const seal: Seal = {
    v: 1,
    file: name,
    slot,
    index,
    format: opts.format,
    prevHash,
    firstSeq,
    lastSeq,
    count,
    lastHash,
    bytes: keep.length,
    openedAt: now,
    closedAt: now,
    recovered: true,
    signed,
  };
  if (!chained) seal.chained = false;
  if (lastRecordMs !== undefined) seal.lastRecordMs = lastRecordMs;
  if (torn !== undefined) seal.torn = torn;
  if (oversized !== undefined) seal.oversized = oversized;
  if (count === 0 && oversized === undefined) {
    // Nothing acknowledged ever reached this file: drop it so the index sequence stays dense.
    await unlinkRetry(join(dir, name));
  }
  await writeFileAtomic(
    dir,
    sealName(baseName, slot, index),
    signedJson(seal, opts.signing()),
    opts.fileMode,
  );
  await syncDirectory(dir);
  return { seal, tornBytes };
}

/** True when `gz` decompresses to exactly the bytes of `plain`. */
async function sameContent(dir: string, plain: string, gz: string): Promise<boolean> {
  try {
    const data = await readRegularFile(join(dir, plain));
    const unzipped = gunzipSync(await readRegularFile(join(dir, gz)), {
      maxOutputLength: data.length + 1,
    });
    return unzipped.equals(data);
  } catch {
    return false;
  }
}

/**
 * What a recovery seal records of the head it found: the signed position when the head speaks of
 * this file or a later one (verify then checks the file still reaches it), else why there is none.
 */
function signedState(head: HeadState, index: number): NonNullable<Seal['signed']> {
  if (head.kind === 'missing') return 'missing';
  if (head.kind === 'bad') return 'bad';
  const h = head.head;
  return h.index >= index ? { index: h.index, seq: h.seq, hash: h.hash } : 'older';
}

/**
 * Loads the chain state of `slot`, sealing every data file a crash left unsealed (normally only the
 * newest; older ones when a seal could not be written before the crash), oldest first.
 */
export async function loadSlot(
  opts: RecoveryOptions,
  slot: number,
): Promise<{ state: ChainState; recovered: RecoveredFile[]; slots: number; head: HeadState }> {
  const all = await scanDirectory(opts.directory, opts.baseName);
  let slots = slot + 1;
  // Files of slots no exporter takes are planted (verify reports them): the head never counts them.
  for (const s of all.keys()) if (s < MAX_SLOTS) slots = Math.max(slots, s + 1);
  const files = all.get(slot);
  const head = await readHead(opts.directory, opts.baseName, slot, opts.check);
  // Indexes only grow: a head naming a file that is gone keeps its index taken, so the gap stays
  // visible to verify instead of being filled by a new file of the same name.
  const headIndex = head.kind === 'ok' ? head.head.index : 0;
  const top = Math.max(maxIndex(files), headIndex);
  const genesis: ChainState = {
    lastHash: GENESIS_HASH,
    lastSeq: 0,
    nextIndex: top + 1,
    lastRecordMs: undefined,
  };
  if (files === undefined || maxIndex(files) === 0)
    return { state: genesis, recovered: [], slots, head };
  const recovered = new Map<number, RecoveredFile>();
  const knownDescending = [...new Set([...files.byIndex.keys(), ...files.retention.keys()])].sort(
    (a, b) => b - a,
  );
  // The chain value after `index`: from its seal, a recovery just done, or its retention record.
  const after = async (
    index: number,
  ): Promise<{ hash: string; seq: number; ms: number | undefined }> => {
    // Only indexes something is known about (a gap is skipped, however wide), newest first.
    for (const i of knownDescending) {
      if (i > index) continue;
      const r = recovered.get(i)?.seal ?? (await readSeal(opts.directory, opts.baseName, slot, i));
      if (r !== undefined) return { hash: r.lastHash, seq: r.lastSeq, ms: r.lastRecordMs };
      const d = files.retention.get(i);
      if (d !== undefined) return { hash: d.lastHash, seq: d.lastSeq, ms: undefined };
    }
    return { hash: GENESIS_HASH, seq: 0, ms: undefined };
  };
  for (const index of [...files.byIndex.keys()].sort((a, b) => a - b)) {
    const e = files.byIndex.get(index);
    if (e === undefined) continue;
    if (e.seal !== undefined) {
      // Compression finished but the original was not yet removed: remove it only when the `.gz`
      // really holds the same bytes (a planted `.gz` must not make the writer delete data).
      if (
        e.data !== undefined &&
        e.gz !== undefined &&
        (await sameContent(opts.directory, e.data, e.gz))
      )
        await unlinkRetry(join(opts.directory, e.data));
      continue;
    }
    if (e.data === undefined) continue;
    const prev = await after(index - 1);
    recovered.set(
      index,
      await recoverFile(opts, slot, index, prev.hash, prev.seq, signedState(head, index)),
    );
  }
  const last = await after(top);
  return {
    state: { lastHash: last.hash, lastSeq: last.seq, nextIndex: top + 1, lastRecordMs: last.ms },
    recovered: [...recovered.values()],
    slots,
    head,
  };
}
