// The signed head: where a slot's chain stood after its last acknowledged batch. Seals vouch for
// closed files; the head vouches for the newest one, so deleting or cutting the newest files (or a
// whole slot) no longer leaves a directory that verifies.
import { closeSync, fstatSync, writeSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { headName } from './file-names.js';
import { signedJson, type SignatureCheck, type SigningKey } from './seal.js';
import { openReplacingPlanted } from './fs-safe.js';
import { readSmall } from './slot-files.js';

/** Contents of `<stem>.head`. */
export interface Head {
  v: 1;
  slot: number;
  /** Index of the data file the last acknowledged batch went to. */
  index: number;
  /** Chain position after that batch: every record up to `seq` is acknowledged. */
  seq: number;
  hash: string;
  /** Size of that data file after the batch. */
  bytes: number;
  /** Writer slots this writer knew of (0 to slots - 1), so a deleted slot shows. */
  slots: number;
  at: string;
  keyId?: string;
  epoch?: number;
  hmac?: string;
}

/**
 * Fixed size on disk: the head is overwritten in place with one `pwrite` (no temp file, no
 * rename), which stays inside one disk sector, and a shorter head never leaves old bytes behind.
 */
const HEAD_BYTES = 512;
const HEX64 = /^[0-9a-f]{64}$/;

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** The head's bytes: its signed JSON padded with spaces to {@link HEAD_BYTES}, then a newline. */
export function renderHead(head: Head, signing: SigningKey | undefined): Buffer {
  const json = signedJson(head, signing);
  const out = Buffer.alloc(HEAD_BYTES, 0x20);
  out.write(json, 0, 'utf8');
  out[HEAD_BYTES - 1] = 0x0a;
  return out;
}

/** Parses a head; undefined when it is not a well-formed one. */
function parseHead(text: string): Head | undefined {
  try {
    const h = JSON.parse(text) as Partial<Head>;
    if (
      h.v === 1 &&
      isCount(h.slot) &&
      isCount(h.index) &&
      isCount(h.seq) &&
      typeof h.hash === 'string' &&
      HEX64.test(h.hash) &&
      isCount(h.bytes) &&
      isCount(h.slots)
    ) {
      return h as Head;
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** What a slot's head file holds, judged by `check` (when given). */
export type HeadState =
  { kind: 'ok'; head: Head } | { kind: 'missing' } | { kind: 'bad'; why: string };

/** Reads `slot`'s head; a torn or foreign file is `bad`, never a throw. */
export async function readHead(
  dir: string,
  baseName: string,
  slot: number,
  check: SignatureCheck | undefined,
): Promise<HeadState> {
  const text = await readSmall(join(dir, headName(baseName, slot)));
  if (text === undefined) return { kind: 'missing' };
  const head = parseHead(text);
  if (head === undefined || head.slot !== slot) return { kind: 'bad', why: 'does not parse' };
  if (check !== undefined) {
    const sig = check(head);
    if (sig !== 'ok')
      return { kind: 'bad', why: sig === 'unsigned' ? 'carries no HMAC' : 'HMAC does not match' };
  }
  return { kind: 'ok', head };
}

/** Writer slots with a head in `dir` (highest slot + 1; 0 when none). */
export async function countSlots(dir: string, baseName: string): Promise<number> {
  const prefix = `${baseName}-w`;
  let slots = 0;
  for (const name of await readdir(dir)) {
    if (name === `${baseName}.head`) slots = Math.max(slots, 1);
    else if (name.startsWith(prefix) && name.endsWith('.head')) {
      const n = Number(name.slice(prefix.length, -'.head'.length));
      if (Number.isSafeInteger(n) && n > 0 && n < 1_000_000) slots = Math.max(slots, n + 1);
    }
  }
  return slots;
}

/** The open head file of a writer; every write replaces its whole content in place. */
export class HeadFile {
  private constructor(
    private _fd: number,
    private readonly _reopen: () => number,
  ) {}

  /**
   * Opens (creating with `mode`) `slot`'s head. Something planted there that is not a regular file
   * (a symlink, a FIFO) is removed and a fresh head created, so a planted name cannot keep a slot
   * without a head; `onPlanted` hears of it.
   */
  static open(
    dir: string,
    baseName: string,
    slot: number,
    mode: number,
    onPlanted: (message: string) => void,
  ): HeadFile {
    const name = headName(baseName, slot);
    const reopen = (): number =>
      openReplacingPlanted(join(dir, name), mode, () =>
        onPlanted(
          `${name} was not a regular file (possibly planted); replaced it with a fresh head`,
        ),
      );
    return new HeadFile(reopen(), reopen);
  }

  /**
   * Overwrites the head (synchronously: one small write, at once visible to verify). A head that
   * was deleted (or renamed over) since it was opened is created afresh first, so one deletion
   * does not leave every later record unvouched for.
   */
  write(bytes: Buffer): void {
    if (this._fd < 0 || fstatSync(this._fd).nlink === 0) {
      if (this._fd >= 0) closeSync(this._fd);
      // Stays unopened when the reopen fails (the directory is gone): the next write tries again.
      this._fd = -1;
      this._fd = this._reopen();
    }
    writeSync(this._fd, bytes, 0, bytes.length, 0);
  }

  close(): void {
    if (this._fd < 0) return;
    try {
      closeSync(this._fd);
    } catch {
      // already closed
    }
  }
}
