// Writer slots: each process holds an exclusive lock file (O_EXCL, with its pid) on one slot and
// writes only that slot's files, so processes never share a file. Stale locks of dead processes
// are taken over.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { readdir, stat, unlink, open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

function lockContent(keeper = false): string {
  return `${process.pid}\n${hostname()}\n${randomBytes(8).toString('hex')}\n${keeper ? `${KEEPER}\n` : ''}`;
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

/** Marks a lock taken only to move an unwritten slot's key on (see idle-slots.ts): released at once. */
const KEEPER = 'keeper';

/** Paths of this process's keeper locks: a writer starting here waits for them instead of skipping. */
const keepingInProcess = new Set<string>();

/**
 * Takes slot `slot` of `dir` when it is free or stale, without waiting; undefined when it is held.
 * With `keeper` the lock says so, and a writer wanting the slot waits for its release.
 */
export async function tryAcquireSlot(
  dir: string,
  baseName: string,
  slot: number,
  mode: number,
  keeper = false,
): Promise<SlotLock | undefined> {
  const content = lockContent(keeper);
  const path = join(dir, lockName(baseName, slot));
  if (heldInProcess.has(path)) return undefined;
  // Reserved before the first await so a concurrent acquisition in this process skips it.
  heldInProcess.add(path);
  if (keeper) keepingInProcess.add(path);
  let lock: SlotLock | undefined;
  try {
    lock = await take(slot, path, content, mode);
    return lock;
  } finally {
    if (lock === undefined) {
      heldInProcess.delete(path);
      keepingInProcess.delete(path);
    }
  }
}

async function take(
  slot: number,
  path: string,
  content: string,
  mode: number,
): Promise<SlotLock | undefined> {
  if (await tryCreate(path, content, mode)) return { slot, path, content };
  let seen: string;
  let ageMs = 0;
  try {
    const fh = await open(path, READ_NOFOLLOW);
    try {
      const st = await fh.stat();
      if (!st.isFile()) return undefined; // something planted; leave that slot alone
      seen = await fh.readFile('utf8');
      ageMs = Date.now() - st.mtimeMs;
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
  // A lock being written right now is empty for an instant: treat it as held.
  if ((seen === '' && ageMs < 10_000) || (seen !== '' && lockHolderAlive(seen))) return undefined;
  return (await tryTakeOver(path, seen, content, mode)) ? { slot, path, content } : undefined;
}

/** Whether the lock at `path` is a live keeper's, which lets go within moments. */
async function heldByKeeper(path: string): Promise<boolean> {
  if (keepingInProcess.has(path)) return true;
  const text = await readSmall(path);
  return text !== undefined && text.split('\n')[3] === KEEPER && lockHolderAlive(text);
}

/** How long a starting writer waits for a keeper to let go of a slot: it holds it for one state update. */
const KEEPER_WAIT_MS = 2_000;

/** Takes the lowest free (or stale) slot in `dir`. */
export async function acquireSlot(dir: string, baseName: string, mode: number): Promise<SlotLock> {
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const path = join(dir, lockName(baseName, slot));
    // A keeper (another writer moving this unwritten slot's key on) lets go at once: wait for it,
    // else this writer would skip to a slot that has no sealing state.
    for (let waited = 0; ; waited += 10) {
      const lock = await tryAcquireSlot(dir, baseName, slot, mode);
      if (lock !== undefined) return lock;
      if (waited >= KEEPER_WAIT_MS || !(await heldByKeeper(path))) break;
      await sleep(10);
    }
  }
  throw Object.assign(new Error(`no free writer slot among ${MAX_SLOTS}`), { code: 'ESLOTS' });
}

/** Releases a slot if the lock file still holds our content. */
export async function releaseSlot(lock: SlotLock): Promise<void> {
  heldInProcess.delete(lock.path);
  keepingInProcess.delete(lock.path);
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
