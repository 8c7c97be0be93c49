// Background work on closed files of one writer slot: gzip and retention. Runs off the write path;
// every deletion is first recorded (and signed) in the slot's retention file.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { dataName, retentionName } from './file-names.js';
import { appendLineSynced, READ_NOFOLLOW, syncDirectory, unlinkRetry } from './fs-safe.js';
import { signedJson, type RetentionRecord, type SignatureCheck, type SigningKey } from './seal.js';
import { readSeal, scanDirectory } from './slot-files.js';
import { MAX_SLOTS } from './slot-lock.js';

/** What maintenance needs to know. */
export interface MaintenanceOptions {
  directory: string;
  baseName: string;
  fileMode: number;
  compress: boolean;
  maxFiles: number | undefined;
  maxAgeMs: number | undefined;
  maxTotalBytes: number | undefined;
  /** What signs retention records now. */
  signing: () => SigningKey | undefined;
  /**
   * Judges a seal before its file may be deleted: a seal that does not verify proves nothing, so
   * its file stays for verify. Undefined without a key, and in forward-secure mode, where the
   * writer no longer holds the keys of earlier epochs.
   */
  check: SignatureCheck | undefined;
}

/** Counts of what one run did. */
export interface MaintenanceResult {
  compressed: number;
  deleted: number;
  /** Writer slots found in the directory (highest slot + 1). */
  slots: number;
}

async function gzipFile(dir: string, name: string, bytes: number, mode: number): Promise<void> {
  const src = join(dir, name);
  const tmp = join(dir, `.${name}.gz.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    // The streams close their handles (autoClose): closing a FileHandle a stream used can hang.
    const fd = await open(src, READ_NOFOLLOW);
    const st = await fd.stat();
    if (!st.isFile()) {
      await fd.close();
      throw Object.assign(new Error(`${name} is not a regular file`), { code: 'EUNSAFE' });
    }
    // Not the size its seal vouches for (grown, padded with holes, cut): kept as found for
    // verify, and never read whole.
    if (st.size !== bytes) {
      await fd.close();
      throw Object.assign(new Error(`${name} does not have the size its seal says`), {
        code: 'EUNSAFE',
      });
    }
    await pipeline(
      createReadStream('', { fd }),
      createGzip(),
      createWriteStream(tmp, { flags: 'wx', mode }),
    );
    const fh = await open(tmp, 'r');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await unlinkRetry(tmp).catch(() => undefined);
    throw err;
  }
  await rename(tmp, `${src}.gz`);
  await syncDirectory(dir);
  await unlinkRetry(src);
}

/** On-disk size of a file, but never more than `bytes`: a file stretched (sparse) by someone else must not push retention into deleting early. */
async function sizeAtMost(path: string, bytes: number): Promise<number> {
  const st = await stat(path).catch(() => undefined);
  return st === undefined ? 0 : Math.min(st.size, bytes);
}

/**
 * Compresses and prunes closed files of `slot` with index below `activeIndex` (the file being
 * written, or the next one to be opened, is never touched). Sizes and ages come from the signed
 * seals (and `activeBytes`, what this writer wrote to its active file), not from what the
 * directory claims; a file whose seal does not verify under the key is never deleted.
 */
export async function runMaintenance(
  opts: MaintenanceOptions,
  slot: number,
  activeIndex: number,
  activeBytes: number | undefined,
  now: number,
): Promise<MaintenanceResult> {
  const result: MaintenanceResult = { compressed: 0, deleted: 0, slots: 0 };
  const { directory: dir, baseName } = opts;
  const all = await scanDirectory(dir, baseName);
  // Slots no exporter takes are planted: they must not inflate what the head claims.
  for (const s of all.keys()) if (s < MAX_SLOTS) result.slots = Math.max(result.slots, s + 1);
  const files = all.get(slot);
  if (files === undefined) return result;
  const closed: {
    index: number;
    names: string[];
    extra: string[];
    size: number;
    seal: NonNullable<Awaited<ReturnType<typeof readSeal>>>;
  }[] = [];
  let activeSize = 0;
  let activePresent = false;
  for (const index of [...files.byIndex.keys()].sort((a, b) => a - b)) {
    const e = files.byIndex.get(index);
    if (e === undefined || (e.data === undefined && e.gz === undefined)) continue;
    if (index >= activeIndex) {
      activePresent = true;
      activeSize += await sizeAtMost(join(dir, e.data ?? e.gz ?? ''), activeBytes ?? Infinity);
      continue;
    }
    const seal = await readSeal(dir, baseName, slot, index);
    if (seal === undefined) continue; // unsealed: not ours to prune
    // A seal someone else wrote (wrong or no HMAC) proves nothing: keep the file for verify.
    if (opts.check !== undefined && opts.check(seal) !== 'ok') continue;
    // A file recovery found oversized (planted) stays as found, unread: gzip would read its holes.
    if (
      opts.compress &&
      seal.oversized === undefined &&
      e.data !== undefined &&
      e.gz === undefined
    ) {
      try {
        await gzipFile(dir, e.data, seal.bytes, opts.fileMode);
        e.gz = `${e.data}.gz`;
        delete e.data;
        result.compressed++;
      } catch {
        // keep the plain file; the next run tries again
      }
    }
    let size = 0;
    const names: string[] = [];
    for (const n of [e.data, e.gz]) {
      if (n === undefined) continue;
      names.push(n);
      size += await sizeAtMost(join(dir, n), seal.bytes);
    }
    closed.push({
      index,
      names,
      extra: [e.seal, e.torn].filter((n): n is string => n !== undefined),
      size,
      seal,
    });
  }
  let count = closed.length + (activePresent ? 1 : 0);
  let total = closed.reduce((a, c) => a + c.size, 0) + activeSize;
  for (const c of closed) {
    let reason: RetentionRecord['reason'] | undefined;
    if (opts.maxFiles !== undefined && count > opts.maxFiles) reason = 'maxFiles';
    else if (opts.maxTotalBytes !== undefined && total > opts.maxTotalBytes)
      reason = 'maxTotalBytes';
    else if (opts.maxAgeMs !== undefined) {
      const last = c.seal.lastRecordMs ?? Date.parse(c.seal.closedAt);
      if (Number.isFinite(last) && now - last > opts.maxAgeMs) reason = 'maxAgeMs';
    }
    if (reason === undefined) break; // oldest first: once one stays, the newer ones stay too
    const record: RetentionRecord = {
      v: 1,
      deleted: dataName(baseName, slot, c.index),
      slot,
      index: c.index,
      prevHash: c.seal.prevHash,
      firstSeq: c.seal.firstSeq,
      lastSeq: c.seal.lastSeq,
      count: c.seal.count,
      lastHash: c.seal.lastHash,
      deletedAt: new Date(now).toISOString(),
      reason,
    };
    if (c.seal.chained === false) record.chained = false;
    // Recorded (and synced) before anything is removed, so a crash in between is not tampering.
    await appendLineSynced(
      dir,
      retentionName(baseName, slot),
      `${signedJson(record, opts.signing())}\n`,
      opts.fileMode,
    );
    for (const n of [...c.names, ...c.extra]) await unlinkRetry(join(dir, n));
    count--;
    total -= c.size;
    result.deleted++;
  }
  if (result.deleted > 0) await syncDirectory(dir);
  return result;
}
