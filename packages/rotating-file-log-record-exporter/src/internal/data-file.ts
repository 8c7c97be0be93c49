// A data file of a writer slot: opening the next one (skipping names planted ahead of it, also with
// synchronous I/O at exit) and the seal that closes it.
import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import { chmod, mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { dataName } from './file-names.js';
import { CREATE_EXCL, syncDirectory } from './fs-safe.js';
import type { ResolvedOptions } from './options.js';
import type { ChainState } from './recovery.js';
import { errorCode } from './reporter.js';
import type { Seal } from './seal.js';

export interface OpenFile {
  fh: FileHandle;
  index: number;
  name: string;
  size: number;
  count: number;
  firstSeq: number;
  prevHash: string;
  openedAt: string;
  boundaryEnd: number;
  lastRecordMs: number | undefined;
  /** A failed write could not be undone; the file must be recovered before anything else. */
  broken: boolean;
}

/** The state of a data file just opened as `chain`'s next, rotating at the next `interval` boundary. */
function newOpenFile(
  fh: FileHandle,
  name: string,
  chain: ChainState,
  now: number,
  interval: number | undefined,
): OpenFile {
  return {
    fh,
    index: chain.nextIndex,
    name,
    size: 0,
    count: 0,
    firstSeq: chain.lastSeq + 1,
    prevHash: chain.lastHash,
    openedAt: new Date(now).toISOString(),
    boundaryEnd:
      interval === undefined ? Infinity : Math.floor(now / interval) * interval + interval,
    lastRecordMs: undefined,
    broken: false,
  };
}

/** Names already taken that opening a new data file skips before it gives up. */
const MAX_PLANTED_SKIPS = 16;

/** What opening a data file needs of the writer. */
export interface OpenHooks {
  report(err: unknown, context: string): void;
  /** Runs `work` behind the writes; a failure is reported as `what`. */
  behind(work: () => Promise<void>, what: string): void;
  /** The name about to be created (for the exit path, should the exit come before the open ends). */
  opening(name: string): void;
}

/** Creates `slot`'s next data file on `chain` (moving `chain.nextIndex` past it). */
export async function openDataFile(
  o: ResolvedOptions,
  slot: number,
  chain: ChainState,
  hooks: OpenHooks,
): Promise<OpenFile> {
  let name = dataName(o.baseName, slot, chain.nextIndex);
  let fh: FileHandle | undefined;
  // Something already at the next name (planted there) is skipped over, so it cannot stop the
  // writer; it stays for verify to report. A run of them is a failure of its own.
  for (let attempt = 0; fh === undefined; attempt++) {
    name = dataName(o.baseName, slot, chain.nextIndex);
    const path = join(o.directory, name);
    hooks.opening(name);
    try {
      fh = await open(path, CREATE_EXCL, o.fileMode);
    } catch (err) {
      const code = errorCode(err);
      if (code === 'EEXIST' || code === 'ELOOP') {
        if (attempt < MAX_PLANTED_SKIPS) {
          hooks.report(
            new Error(
              `${name} is already there (possibly planted); left it and moved on to the next index`,
            ),
            'unexpected file',
          );
          chain.nextIndex++;
          continue;
        }
        throw Object.assign(
          new Error(
            `refusing to open ${name}: something (possibly a planted symlink) is already there, as at the ${MAX_PLANTED_SKIPS} names before it`,
          ),
          { code: 'EUNSAFE' },
        );
      }
      if (code !== 'ENOENT') throw err;
      // The directory was removed: recreate the leaf only (a missing parent stays a failure).
      await mkdir(o.directory, { mode: o.dirMode });
      await chmod(o.directory, o.dirMode);
      fh = await open(path, CREATE_EXCL, o.fileMode);
    }
  }
  // The umask can only have taken permissions away, so the exact mode may follow. Without
  // per-batch fsync nothing is promised durable, so the new entry is synced behind the writes too.
  const settle = async (): Promise<void> => {
    await fh.chmod(o.fileMode);
    await syncDirectory(o.directory);
  };
  if (o.fsync === 'none') {
    hooks.behind(settle, `could not set the mode of ${name} or sync its directory`);
  } else {
    try {
      await settle();
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
  }
  const file = newOpenFile(fh, name, chain, Date.now(), o.rotateIntervalMs);
  chain.nextIndex++;
  return file;
}

/**
 * {@link openDataFile} with synchronous I/O, for the exit path; `opening` is the name the async
 * path was creating when the exit came, if any. The file never rotates on time.
 */
export function openDataFileSync(
  o: ResolvedOptions,
  slot: number,
  chain: ChainState,
  opening: string | undefined,
): OpenFile {
  const name = dataName(o.baseName, slot, chain.nextIndex);
  const path = join(o.directory, name);
  let fd: number;
  try {
    fd = openSync(path, CREATE_EXCL, o.fileMode);
  } catch (err) {
    // The async path may have created it an instant before the exit: still empty, still ours.
    const st = errorCode(err) === 'EEXIST' ? lstatSync(path) : undefined;
    if (opening !== name || st === undefined || !st.isFile() || st.size !== 0) throw err;
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
    // Swapped for a FIFO or device since the lstat: not ours.
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw err;
    }
  }
  // Only fd is used from here on: no async step runs after the exit path.
  const fh = { fd, close: () => Promise.resolve(closeSync(fd)) } as unknown as FileHandle;
  const file = newOpenFile(fh, name, chain, Date.now(), undefined);
  chain.nextIndex++;
  return file;
}

/** The seal that closes `file` of `slot` as it stands, `chain` being where the slot's chain is. */
export function sealOf(
  o: ResolvedOptions,
  slot: number,
  file: OpenFile,
  chain: ChainState | undefined,
): Seal {
  const seal: Seal = {
    v: 1,
    file: file.name,
    slot,
    index: file.index,
    format: o.format,
    prevHash: file.prevHash,
    firstSeq: file.firstSeq,
    lastSeq: o.hashChain ? file.firstSeq + file.count - 1 : file.firstSeq - 1,
    count: file.count,
    lastHash: o.hashChain ? (chain?.lastHash ?? file.prevHash) : file.prevHash,
    bytes: file.size,
    openedAt: file.openedAt,
    closedAt: new Date().toISOString(),
  };
  if (!o.hashChain) seal.chained = false;
  if (file.lastRecordMs !== undefined) seal.lastRecordMs = file.lastRecordMs;
  return seal;
}
