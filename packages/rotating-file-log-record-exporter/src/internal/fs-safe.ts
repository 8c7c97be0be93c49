// File-system helpers that never follow a symlink planted in the log directory and write small
// files atomically (temp file, fsync, rename).
import {
  closeSync,
  constants,
  fchmodSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  statSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

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

/** Writes `buf[from, to)` to `fd` with synchronous I/O, looping over short writes. */
export function writeAllSync(fd: number, buf: Uint8Array, from: number, to: number): void {
  let off = from;
  while (off < to) {
    const written = writeSync(fd, buf, off, to - off);
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
function syncDirectorySync(dir: string): void {
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
