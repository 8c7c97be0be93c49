// Writer slots: each process holds an exclusive lock file (O_EXCL, with its pid) on one slot and
// writes only that slot's files, so processes never share a file. Stale locks of dead processes
// are taken over.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { readdir, stat, unlink, open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CREATE_EXCL, READ_NOFOLLOW } from './fs-safe.js';
import { lockName } from './file-names.js';
import { readSmall } from './slot-files.js';

/** Upper bound on concurrent writers per directory and base name (slots 0 to MAX_SLOTS - 1). */
export const MAX_SLOTS = 256;

/** Lock paths held by exporters in this process (a pid match alone cannot tell them apart). */
const heldInProcess = new Set<string>();

/** A held slot. */
export interface SlotLock {
  slot: number;
  path: string;
  content: string;
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // ours but not in heldInProcess: left by an earlier run with a reused pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreate(path: string, content: string, mode: number): Promise<boolean> {
  try {
    const fh = await open(path, CREATE_EXCL, mode);
    try {
      await fh.writeFile(content);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Whether the lock at `path` is held by an exporter of this process. */
export function heldByThisProcess(path: string): boolean {
  return heldInProcess.has(path);
}

/** Whether the lock content names a live holder on this host (other hosts are assumed alive). */
export function lockHolderAlive(content: string): boolean {
  const [pidText, host] = content.split('\n');
  if (host !== undefined && host !== hostname()) return true;
  return isAlive(Number(pidText));
}

async function tryTakeOver(
  path: string,
  seen: string,
  content: string,
  mode: number,
): Promise<boolean> {
  // A short-lived "break" lock makes sure only one process replaces a given stale lock.
  const breakPath = `${path}.break`;
  if (!(await tryCreate(breakPath, content, mode))) {
    const st = await stat(breakPath).catch(() => undefined);
    if (st !== undefined && Date.now() - st.mtimeMs > 10_000)
      await unlink(breakPath).catch(() => undefined);
    return false;
  }
  try {
    const now = await readSmall(path);
    if (now !== undefined && now !== seen) return false;
    await unlink(path).catch(() => undefined);
    return await tryCreate(path, content, mode);
  } finally {
    await unlink(breakPath).catch(() => undefined);
  }
}

function lockContent(): string {
  return `${process.pid}\n${hostname()}\n${randomBytes(8).toString('hex')}\n`;
}

/**
 * Takes, with synchronous I/O, the lowest slot that has no lock and for which `unused(slot)`
 * says no file exists: a writer that must start inside an `exit` handler starts a fresh chain
 * there, leaving any slot that needs recovery to the next start.
 */
export function acquireFreshSlotSync(
  dir: string,
  baseName: string,
  mode: number,
  unused: (slot: number) => boolean,
): SlotLock {
  const content = lockContent();
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const path = join(dir, lockName(baseName, slot));
    if (heldInProcess.has(path) || !unused(slot)) continue;
    let fd: number;
    try {
      fd = openSync(path, CREATE_EXCL, mode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      writeSync(fd, content);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    heldInProcess.add(path);
    return { slot, path, content };
  }
  throw Object.assign(new Error(`no free writer slot among ${MAX_SLOTS}`), { code: 'ESLOTS' });
}

/** Takes the lowest free (or stale) slot in `dir`. */
export async function acquireSlot(dir: string, baseName: string, mode: number): Promise<SlotLock> {
  const content = lockContent();
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const path = join(dir, lockName(baseName, slot));
    if (heldInProcess.has(path)) continue;
    // Reserved before the first await so a concurrent acquisition in this process skips it.
    heldInProcess.add(path);
    let created = false;
    try {
      created = await tryCreate(path, content, mode);
    } finally {
      if (!created) heldInProcess.delete(path);
    }
    if (created) return { slot, path, content };
    let seen: string;
    let ageMs = 0;
    try {
      const fh = await open(path, READ_NOFOLLOW);
      try {
        const st = await fh.stat();
        if (!st.isFile()) continue; // something planted; leave that slot alone
        seen = await fh.readFile('utf8');
        ageMs = Date.now() - st.mtimeMs;
      } finally {
        await fh.close();
      }
    } catch {
      continue;
    }
    // A lock being written right now is empty for an instant: treat it as held.
    if ((seen === '' && ageMs < 10_000) || (seen !== '' && lockHolderAlive(seen))) continue;
    if (heldInProcess.has(path)) continue;
    heldInProcess.add(path);
    let taken = false;
    try {
      taken = await tryTakeOver(path, seen, content, mode);
    } finally {
      if (!taken) heldInProcess.delete(path);
    }
    if (taken) return { slot, path, content };
  }
  throw Object.assign(new Error(`no free writer slot among ${MAX_SLOTS}`), { code: 'ESLOTS' });
}

/** Releases a slot if the lock file still holds our content. */
export async function releaseSlot(lock: SlotLock): Promise<void> {
  heldInProcess.delete(lock.path);
  // Never follows a symlink or waits on a FIFO planted at the lock.
  const now = await readSmall(lock.path);
  if (now === lock.content) await unlink(lock.path).catch(() => undefined);
}

/**
 * Removes temp files (`.<name>.tmp-<pid>-<hex>`) that a crashed process of this host left in `dir`;
 * those of live processes are kept.
 */
export async function removeStaleTemps(dir: string, baseName: string): Promise<void> {
  const re = /\.tmp-(\d+)-[0-9a-f]+$/;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(`.${baseName}`)) continue;
    const m = re.exec(name);
    if (m === null || isAlive(Number(m[1])) || Number(m[1]) === process.pid) continue;
    await unlink(join(dir, name)).catch(() => undefined);
  }
}
