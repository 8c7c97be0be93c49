// File-system helpers that never follow a symlink planted in the log directory and write small
// files atomically (temp file, fsync, rename).
import {
  closeSync,
  constants,
  fchmodSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  statSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';

const { O_CREAT, O_EXCL, O_WRONLY, O_APPEND, O_RDONLY, O_RDWR, O_NOFOLLOW } = constants;
// A FIFO planted at a name we open would block the open (and with it a libuv thread) until
// someone opens its other end. O_NONBLOCK makes such an open return at once (or fail, ENXIO),
// and each open is followed by a regular-file check; on regular files the flag changes nothing.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Flags to create a new data file; fails on anything already at the path, symlinks included. */
export const CREATE_EXCL = O_CREAT | O_EXCL | O_WRONLY | O_APPEND | O_NOFOLLOW;
/** Flags to append to an existing or new file without following a symlink or waiting on a FIFO. */
export const APPEND_NOFOLLOW = O_CREAT | O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK;
export const READ_NOFOLLOW = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
export const RDWR_NOFOLLOW = O_RDWR | O_NOFOLLOW | O_NONBLOCK;

/**
 * Reads a whole regular file without following a symlink or waiting on a FIFO; throws EUNSAFE
 * for anything else at the path.
 */
export async function readRegularFile(path: string): Promise<Buffer> {
  const fh = await open(path, READ_NOFOLLOW);
  try {
    if (!(await fh.stat()).isFile())
      throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EUNSAFE' });
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** Bytes a file may lack in allocation beyond its size before it counts as sparse. */
const HOLE_SLACK_BYTES = 1024 * 1024;

/**
 * The bytes of `st` that are holes, when it has holes the exporter cannot have made: more than
 * 1 MiB unallocated and under 1/32 of its size allocated (a compressing file system such as ZFS or
 * btrfs also allocates fewer blocks than the size, but not 32 times fewer for log lines); else 0.
 * Reading such a file reads zeros that cost the attacker no disk.
 */
export function plantedHoleBytes(st: { size: number; blocks: number }): number {
  const allocated = st.blocks * 512;
  return st.size - allocated > HOLE_SLACK_BYTES && allocated * 32 < st.size
    ? st.size - allocated
    : 0;
}

/** One line of {@link regularFileLines}. */
/** Default of {@link VerifyOptions.maxLineBytes}: lines longer than this are findings, not read. */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

export interface FileLine {
  /** The line without its newline; undefined when it is longer than the limit (not kept). */
  text: string | undefined;
  /** False for a last line without a newline. */
  complete: boolean;
  /** True for a complete line with nothing after it. */
  last: boolean;
}

/**
 * Streams the lines of a regular file (gunzipped when `gunzip`) in 1 MiB chunks, so memory stays
 * bounded whatever the file holds: a line over `maxLineBytes` is counted but not kept, and a plain
 * file is read only up to the size it had when opened. Opens like {@link readRegularFile} (throws
 * EUNSAFE for anything but a regular file). `counter.bytes` ends as the (uncompressed) size read.
 * Throws the signal's reason when `signal` aborts.
 */
export async function* regularFileLines(
  path: string,
  opts: {
    gunzip: boolean;
    maxLineBytes: number;
    counter: { bytes: number };
    signal?: AbortSignal | undefined;
    /** Plain files: read no further than this many bytes. */
    limit?: number | undefined;
    /** Throw ESPARSE, reading nothing, when the file has holes (see {@link plantedHoleBytes}). */
    refuseHoles?: boolean | undefined;
  },
): AsyncGenerator<FileLine, void, undefined> {
  const fh = await open(path, READ_NOFOLLOW);
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EUNSAFE' });
    const holes = opts.refuseHoles === true ? plantedHoleBytes(st) : 0;
    if (holes > 0)
      throw Object.assign(
        new Error(
          `${path} has ${st.size} bytes of which ${holes} are holes (not allocated on disk)`,
        ),
        { code: 'ESPARSE', size: st.size, holes },
      );
    if (st.size === 0) return;
    let chunks: AsyncIterable<Buffer>;
    if (opts.gunzip) {
      const gz = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
      // Errors reach the reader through gz; an early return destroys both.
      pipeline(
        fh.createReadStream({ highWaterMark: CHUNK_BYTES, end: st.size - 1, autoClose: false }),
        gz,
      ).catch(() => undefined);
      chunks = gz;
    } else {
      chunks = readChunks(fh, Math.min(st.size, opts.limit ?? st.size));
    }
    let parts: Buffer[] = [];
    let partBytes = 0;
    let tooLong = false;
    let pending: FileLine | undefined;
    const take = (chunk: Buffer, from: number, to: number): string | undefined => {
      if (tooLong) return undefined;
      if (parts.length === 0) return chunk.toString('utf8', from, to);
      parts.push(chunk.subarray(from, to));
      return Buffer.concat(parts, partBytes).toString('utf8');
    };
    for await (const chunk of chunks) {
      opts.signal?.throwIfAborted();
      opts.counter.bytes += chunk.length;
      let pos = 0;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(0x0a, pos);
        const end = nl === -1 ? chunk.length : nl;
        if (!tooLong && partBytes + end - pos > opts.maxLineBytes) {
          tooLong = true;
          parts = [];
        }
        partBytes += end - pos;
        if (nl === -1) {
          // The chunk's buffer is reused: keep a copy of the start of the line.
          if (!tooLong) parts.push(Buffer.from(chunk.subarray(pos, end)));
          break;
        }
        if (pending !== undefined) yield pending;
        pending = { text: take(chunk, pos, end), complete: true, last: false };
        parts = [];
        partBytes = 0;
        tooLong = false;
        pos = nl + 1;
      }
    }
    if (partBytes > 0) {
      if (pending !== undefined) yield pending;
      yield {
        text: tooLong ? undefined : Buffer.concat(parts, partBytes).toString('utf8'),
        complete: false,
        last: false,
      };
    } else if (pending !== undefined) {
      pending.last = true;
      yield pending;
    }
  } finally {
    await fh.close();
  }
}

const CHUNK_BYTES = 1024 * 1024;
// Each inflated chunk is a fresh buffer: small ones keep a gzip bomb from piling up RSS before a GC.
const GUNZIP_CHUNK_BYTES = 64 * 1024;

/** The first `size` bytes of `fh`, in one reused buffer (each chunk is valid until the next). */
async function* readChunks(fh: FileHandle, size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size));
  for (let off = 0; off < size;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - off), off);
    if (bytesRead === 0) return;
    off += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/** Writes `content` to `dir/name` through a temp file and rename, so readers never see half of it. */
export async function writeFileAtomic(
  dir: string,
  name: string,
  content: string,
  mode: number,
): Promise<void> {
  const tmp = join(dir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fh = await open(tmp, CREATE_EXCL, mode);
  try {
    await fh.chmod(mode);
    await fh.writeFile(content);
    await fh.datasync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    // rename replaces whatever is at the target (a planted symlink included) without following it.
    await rename(tmp, join(dir, name));
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Appends one line to `dir/name` and syncs it. */
export async function appendLineSynced(
  dir: string,
  name: string,
  line: string,
  mode: number,
): Promise<void> {
  const fh = await open(join(dir, name), APPEND_NOFOLLOW, mode);
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw Object.assign(new Error(`${name} is not a regular file`), { code: 'EUNSAFE' });
    await fh.writeFile(line);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Makes a directory entry change durable; failures are ignored (not every file system allows it). */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await open(dir, O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}

/** Unlinks with a few retries on transient errors; a missing file counts as done. */
export async function unlinkRetry(path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await unlink(path);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (attempt >= 2 || (code !== 'EBUSY' && code !== 'EPERM' && code !== 'EAGAIN')) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)).unref());
    }
  }
}

/** Writes `buf[from, to)` to `fd` (at `position` when given) with synchronous I/O, looping over short writes. */
export function writeAllSync(
  fd: number,
  buf: Uint8Array,
  from: number,
  to: number,
  position?: number,
): void {
  let off = from;
  while (off < to) {
    // With `position`, a pwrite at position + what is written so far (the file offset stays).
    const written =
      position === undefined
        ? writeSync(fd, buf, off, to - off)
        : writeSync(fd, buf, off, to - off, position + off - from);
    if (written <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    off += written;
  }
}

/**
 * {@link writeFileAtomic} with synchronous I/O, for the exit path (no async work runs in an
 * `exit` handler), directory sync included.
 */
export function writeFileAtomicSync(
  dir: string,
  name: string,
  content: string,
  mode: number,
): void {
  const tmp = join(dir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, CREATE_EXCL, mode);
  try {
    fchmodSync(fd, mode);
    const bytes = Buffer.from(content, 'utf8');
    writeAllSync(fd, bytes, 0, bytes.length);
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(dir, name));
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // renamed or never written
    }
    throw err;
  }
  syncDirectorySync(dir);
}

/** {@link syncDirectory} with synchronous I/O. */
export function syncDirectorySync(dir: string): void {
  try {
    const fd = openSync(dir, O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

// `mkdir(path, { recursive: true })` spins forever where mkdir fails with ENOENT although the
// parent exists (under /proc, Node 20 and 22): in the sync form the application hangs, in the
// async form a libuv thread does. These create each missing directory on their own instead.

/** The missing directories of `dir`, outermost first. */
function missingOf(dir: string, exists: (p: string) => boolean): string[] {
  const missing: string[] = [];
  for (let p = resolve(dir); !exists(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  return missing;
}

function notDirectory(p: string): Error {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${p}'`), { code: 'ENOTDIR' });
}

/** Creates `dir` and its missing parents with `mode`; true when `dir` was created. */
export function makeDirectorySync(dir: string, mode: number): boolean {
  const missing = missingOf(dir, (p) => {
    try {
      if (!statSync(p).isDirectory()) throw notDirectory(p);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  });
  for (const p of missing) {
    try {
      mkdirSync(p, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return missing.length > 0;
}

/** {@link makeDirectorySync}, off the calling thread. */
export async function makeDirectory(dir: string, mode: number): Promise<boolean> {
  const missing: string[] = [];
  for (let p = resolve(dir); ; p = dirname(p)) {
    try {
      if (!(await stat(p)).isDirectory()) throw notDirectory(p);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.unshift(p);
      if (dirname(p) === p) break;
    }
  }
  for (const p of missing) {
    try {
      await mkdir(p, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return missing.length > 0;
}

/**
 * Opens `path` read-write, creating it with `mode`. Something planted there that is not a regular
 * file (a symlink, a FIFO) is removed and a fresh file created, so a planted name cannot stop a
 * writer; `onPlanted` hears of it first.
 */
export function openReplacingPlanted(path: string, mode: number, onPlanted: () => void): number {
  const flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK;
  try {
    const fd = openSync(path, flags, mode);
    if (fstatSync(fd).isFile()) return fd;
    closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
  }
  onPlanted();
  unlinkSync(path);
  return openSync(path, flags | O_EXCL, mode);
}
