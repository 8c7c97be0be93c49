// `seclog tail`: follows the current file of every writer slot across rotations by polling the
// `<base>.current` pointers, emitting whole lines only.
import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

// Never follow a planted symlink, and never wait on a planted FIFO (O_NONBLOCK makes its open
// return at once; the regular-file check then skips it).
const READ_SAFE = constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);

/** Options of {@link tailDirectory}. */
export interface TailOptions {
  /** File name prefix used by the exporter. Default `'seclog'`. */
  baseName?: string;
  /** Lines of the current file to show first. Default 10. */
  initialLines?: number;
  /** Poll interval in ms. Default 200. */
  pollMs?: number;
  /**
   * Which lines count toward `initialLines` (default all): with a filter, the first lines shown
   * are the last `initialLines` that pass it.
   */
  select?: (line: string) => boolean;
  /**
   * Look back through the slot's earlier files too, oldest first, not only its current file: the
   * first lines shown are then the last `initialLines` of all of them. Default false.
   */
  history?: boolean;
  /** Receives each complete line (without its newline). */
  onLine: (line: string) => void;
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

/** The data files of the slot whose pointer is `pointer`, `[index, name]` in index order. */
function slotDataFiles(names: readonly string[], pointer: string): [number, string][] {
  const stem = pointer.slice(0, -'.current'.length);
  const re = new RegExp(`^${escapeRegExp(stem)}-(\\d{6,12})\\.ndjson$`);
  const out: [number, string][] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (m !== null) out.push([Number(m[1]), name]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Follows `directory` until `signal` aborts: first the last `initialLines` lines of the current
 * file of each slot already there, then every new line; a slot (or the directory) that appears
 * after the start is shown from its first line, including files it rotated out of before the next
 * poll. When a pointer moves to a new file, the old file is read to its end first, so no line
 * is skipped at a rotation. Resolves when stopped.
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
    for (const l of lines) options.onLine(l);
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
      let f = follows.get(pointer);
      if (f === undefined && started && !before.has(pointer)) {
        // A slot that appeared while tail runs: every line of it is new, from its first file on.
        f = { file: current, offset: 0, partial: '' };
        follows.set(pointer, f);
        const to = indexOf(current);
        for (const [index, name] of slotDataFiles(all, pointer)) {
          if (to === undefined || index >= to || before.has(name)) continue;
          const whole = await readFrom(directory, name, 0);
          if (whole !== undefined) emit({ file: name, offset: 0, partial: '' }, whole);
        }
      }
      if (f === undefined) {
        const shown: string[] = [];
        const keep = (line: string): void => {
          if (options.select !== undefined && !options.select(line)) return;
          shown.push(line);
          if (shown.length > initialLines) shown.shift();
        };
        const to = indexOf(current);
        if (options.history === true && to !== undefined) {
          for (const [index, name] of slotDataFiles(all, pointer)) {
            if (index >= to) continue;
            const whole = await readFrom(directory, name, 0);
            if (whole !== undefined) for (const l of completeLines(whole)) keep(l);
          }
        }
        const buf = (await readFrom(directory, current, 0)) ?? Buffer.alloc(0);
        for (const l of completeLines(buf)) keep(l);
        for (const l of shown) options.onLine(l);
        f = { file: current, offset: buf.lastIndexOf(0x0a) + 1, partial: '' };
        follows.set(pointer, f);
        continue;
      }
      const chunk = await readFrom(directory, f.file, f.offset);
      if (chunk !== undefined) {
        f.offset += chunk.length;
        emit(f, chunk);
      }
      if (current !== f.file) {
        // Rotation: the old file is complete (read to its end above); files the pointer skipped
        // between two polls are read whole, then the new one from 0.
        const from = indexOf(f.file);
        const to = indexOf(current);
        if (from !== undefined && to !== undefined && to - from > 1 && to - from < 1000) {
          for (let i = from + 1; i < to; i++) {
            const name = f.file.replace(
              /-\d{6,12}\.ndjson$/,
              `-${String(i).padStart(6, '0')}.ndjson`,
            );
            const whole = await readFrom(directory, name, 0);
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
    await sleep(pollMs, options.signal);
  }
}
