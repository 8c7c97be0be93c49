// `seclog tail`: follows the current file of every writer slot across rotations by polling the
// `<base>.current` pointers, emitting whole lines only.
import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
// A rotated file is at most maxFileBytes (default 64 MiB) unzipped; a bigger one is not ours.
const MAX_GUNZIPPED_BYTES = 512 * 1024 * 1024;

// Never follow a planted symlink, and never wait on a planted FIFO (O_NONBLOCK makes its open
// return at once; the regular-file check then skips it).
const READ_SAFE = constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);

/** Options of {@link tailDirectory}. */
export interface TailOptions {
  /** File name prefix used by the exporter. Default `'seclog'`. */
  baseName?: string;
  /**
   * How much to show first from the end of each slot's files, counted by `weight`: the current
   * file, then the rotated ones (gzipped ones too) newest first until enough. Default 10.
   */
  initialLines?: number;
  /** Poll interval in ms. Default 200. */
  pollMs?: number;
  /**
   * How many units of `initialLines` a line counts for (default 1): the number of a line's
   * records that pass a filter, say; a line counting 0 is not among the first lines shown.
   */
  weight?: (line: string) => number;
  /** Keep following the pointers after the first lines. Default true (false: resolve then). */
  follow?: boolean;
  /**
   * Receives each complete line (without its newline). `skip` is 0 except on the first line
   * shown, when that line counts for more than `initialLines` still wanted: how many of its
   * leading units to leave out.
   */
  onLine: (line: string, skip: number) => void;
  /** Told of a file that could not be read back (a gzipped file that is corrupt or too big). */
  onSkip?: (file: string, reason: string) => void;
  /** Stops following. */
  signal?: AbortSignal;
}

interface Follow {
  file: string;
  offset: number;
  partial: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

async function readFrom(
  dir: string,
  name: string,
  offset: number,
  max = Number.POSITIVE_INFINITY,
): Promise<Buffer | undefined> {
  try {
    const fh = await open(join(dir, name), READ_SAFE);
    try {
      const st = await fh.stat();
      if (!st.isFile()) return undefined;
      const size = st.size;
      if (size <= offset) return Buffer.alloc(0);
      const buf = Buffer.alloc(Math.min(size - offset, max));
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * The whole of a data file, gunzipped when its name ends in `.gz` (bounded: a file that
 * will not unzip within {@link MAX_GUNZIPPED_BYTES} is reported through `onSkip` instead).
 */
async function readWhole(
  dir: string,
  name: string,
  onSkip: TailOptions['onSkip'],
): Promise<Buffer | undefined> {
  const buf = await readFrom(dir, name, 0);
  if (buf === undefined || !name.endsWith('.gz')) return buf;
  try {
    return await gunzipAsync(buf, { maxOutputLength: MAX_GUNZIPPED_BYTES });
  } catch (err) {
    onSkip?.(name, (err as Error).message);
    return undefined;
  }
}

/** A data file by name, or its gzipped copy when compression already replaced it. */
async function readRotated(
  dir: string,
  name: string,
  onSkip: TailOptions['onSkip'],
): Promise<Buffer | undefined> {
  return (await readFrom(dir, name, 0)) ?? readWhole(dir, `${name}.gz`, onSkip);
}

function indexOf(name: string): number | undefined {
  const m = /-(\d{6,12})\.ndjson$/.exec(name);
  return m === null ? undefined : Number(m[1]);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The complete lines of `buf` (a last line without its newline is still being written). */
function completeLines(buf: Buffer): string[] {
  const text = buf.toString('utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .slice(0, -1);
}

/**
 * The data files of the slot whose pointer is `pointer`, `[index, name]` in index order, a
 * gzipped one (`.ndjson.gz`) when its plain file is gone.
 */
function slotDataFiles(names: readonly string[], pointer: string): [number, string][] {
  const stem = pointer.slice(0, -'.current'.length);
  const re = new RegExp(`^${escapeRegExp(stem)}-(\\d{6,12})\\.ndjson(\\.gz)?$`);
  const byIndex = new Map<number, string>();
  for (const name of names) {
    const m = re.exec(name);
    if (m === null) continue;
    const index = Number(m[1]);
    // Both present: compression finished, the plain file not yet removed; the plain one is read.
    if (m[2] === undefined || !byIndex.has(index)) byIndex.set(index, name);
  }
  return [...byIndex].sort((a, b) => a[0] - b[0]);
}

/**
 * The last `wanted` units (by `weight`) of a slot: its current file's complete lines, then its
 * rotated files newest first until enough. Returns the lines oldest first, how many leading
 * units of the first to leave out, and the offset following the current file's last line.
 */
async function lastLines(
  directory: string,
  current: string,
  older: readonly string[],
  wanted: number,
  options: TailOptions,
): Promise<{ lines: string[]; skip: number; offset: number }> {
  const picked: string[] = [];
  let total = 0;
  const take = (buf: Buffer): void => {
    const lines = completeLines(buf);
    for (let i = lines.length - 1; i >= 0 && total < wanted; i--) {
      const line = lines[i] as string;
      const w = options.weight === undefined ? 1 : options.weight(line);
      if (w <= 0) continue;
      picked.push(line);
      total += w;
    }
  };
  // After a clean shutdown with `compress` even the last file may be gzipped.
  const plain = await readFrom(directory, current, 0);
  take(plain ?? (await readWhole(directory, `${current}.gz`, options.onSkip)) ?? Buffer.alloc(0));
  for (let i = older.length - 1; i >= 0 && total < wanted; i--) {
    const whole = await readWhole(directory, older[i] as string, options.onSkip);
    if (whole !== undefined) take(whole);
  }
  return {
    lines: picked.reverse(),
    skip: Number.isFinite(wanted) ? Math.max(0, total - wanted) : 0,
    offset: plain === undefined ? 0 : plain.lastIndexOf(0x0a) + 1,
  };
}

/**
 * Shows the last `initialLines` of each slot already in `directory` (its current file, then its
 * rotated files, gzipped ones too, as far back as needed), then, unless `follow` is false, follows
 * it until `signal` aborts: every new line; a slot (or the directory) that appears after the start
 * is shown from its first line, including files it rotated out of before the next poll. When a
 * pointer moves to a new file, the old file is read to its end first, so no line is skipped at a
 * rotation. Resolves when stopped, or after the first lines when not following.
 */
export async function tailDirectory(directory: string, options: TailOptions): Promise<void> {
  const baseName = options.baseName ?? 'seclog';
  const pollMs = options.pollMs ?? 200;
  const initialLines = options.initialLines ?? 10;
  const pointerRe = new RegExp(`^${escapeRegExp(baseName)}(?:-w\\d{1,6})?\\.current$`);
  const follows = new Map<string, Follow>();
  // Names seen by the first poll: what was there before tail started.
  let before: ReadonlySet<string> | undefined;
  const emit = (f: Follow, chunk: Buffer): void => {
    const text = f.partial + chunk.toString('utf8');
    const lines = text.split('\n');
    f.partial = lines.pop() ?? '';
    for (const l of lines) options.onLine(l, 0);
  };
  while (options.signal?.aborted !== true) {
    let all: string[] = [];
    try {
      all = await readdir(directory);
    } catch {
      // directory not there (yet): keep polling
    }
    const started = before !== undefined;
    before ??= new Set(all);
    const names = all.filter((n) => pointerRe.test(n)).sort();
    for (const pointer of names) {
      // A pointer holds one file name; a bigger one was planted.
      const current = ((await readFrom(directory, pointer, 0, 4096)) ?? '').toString().trim();
      if (current === '' || current.includes('/')) continue;
      const to = indexOf(current);
      const older =
        to === undefined ? [] : slotDataFiles(all, pointer).filter(([index]) => index < to);
      let f = follows.get(pointer);
      if (f === undefined && started && !before.has(pointer)) {
        // A slot that appeared while tail runs: every line of it is new, from its first file on.
        f = { file: current, offset: 0, partial: '' };
        follows.set(pointer, f);
        for (const [, name] of older) {
          if (before.has(name)) continue;
          const whole = await readWhole(directory, name, options.onSkip);
          if (whole !== undefined) emit({ file: name, offset: 0, partial: '' }, whole);
        }
      }
      if (f === undefined) {
        const first = await lastLines(
          directory,
          current,
          older.map(([, name]) => name),
          initialLines,
          options,
        );
        first.lines.forEach((l, i) => options.onLine(l, i === 0 ? first.skip : 0));
        follows.set(pointer, { file: current, offset: first.offset, partial: '' });
        continue;
      }
      const chunk = await readFrom(directory, f.file, f.offset);
      if (chunk !== undefined) {
        f.offset += chunk.length;
        emit(f, chunk);
      }
      if (current !== f.file) {
        // Rotation: the old file is complete (read to its end above); files the pointer skipped
        // between two polls are read whole (gzipped by now, perhaps), then the new one from 0.
        const from = indexOf(f.file);
        if (from !== undefined && to !== undefined && to - from > 1 && to - from < 1000) {
          for (let i = from + 1; i < to; i++) {
            const name = f.file.replace(
              /-\d{6,12}\.ndjson$/,
              `-${String(i).padStart(6, '0')}.ndjson`,
            );
            const whole = await readRotated(directory, name, options.onSkip);
            if (whole !== undefined) emit({ file: name, offset: 0, partial: '' }, whole);
          }
        }
        f.file = current;
        f.offset = 0;
        f.partial = '';
        const first = await readFrom(directory, current, 0);
        if (first !== undefined) {
          f.offset = first.length;
          emit(f, first);
        }
      }
    }
    if (options.follow === false) return;
    await sleep(pollMs, options.signal);
  }
}
