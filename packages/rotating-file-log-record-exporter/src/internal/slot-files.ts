// Reads what a writer slot has on disk: indexed data files, seals, torn sidecars and retention
// records. Shared by start-up recovery, retention and verification.
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { nameParser, retentionName, sealName } from './file-names.js';
import { parseRetention, parseSeal, type RetentionRecord, type Seal } from './seal.js';
import { READ_NOFOLLOW } from './fs-safe.js';

/** Files of one index. */
interface IndexEntry {
  data?: string;
  gz?: string;
  seal?: string;
  torn?: string;
}

/** One slot's files, by index. */
export interface SlotFiles {
  slot: number;
  byIndex: Map<number, IndexEntry>;
  retention: Map<number, RetentionRecord>;
  retentionBadLines: number[];
  /** The retention list was listed but could not be read (over 16 MiB): its records are unknown. */
  retentionUnread: boolean;
  /** Whether the slot has a head file (see head.ts). */
  head: boolean;
  /** Whether the listing had the slot's `.current` pointer and `.lock`. */
  pointer: boolean;
  lock: boolean;
  /** Names of the slot's files that are not regular files (FIFOs, symlinks, ...): planted. */
  notRegular: string[];
}

/** Lists every slot's indexed files in `dir` (rejects when `dir` cannot be listed). */
export async function scanDirectory(
  dir: string,
  baseName: string,
): Promise<Map<number, SlotFiles>> {
  const parse = nameParser(baseName);
  const slots = new Map<number, SlotFiles>();
  const get = (slot: number): SlotFiles => {
    let s = slots.get(slot);
    if (s === undefined) {
      s = {
        slot,
        byIndex: new Map(),
        retention: new Map(),
        retentionBadLines: [],
        retentionUnread: false,
        head: false,
        pointer: false,
        lock: false,
        notRegular: [],
      };
      slots.set(slot, s);
    }
    return s;
  };
  const entries = await readdir(dir, { withFileTypes: true });
  const stem = baseName.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const retentionFile = new RegExp(`^${stem}(?:-w(\\d{1,6}))?\\.retention$`);
  const headFile = new RegExp(`^${stem}(?:-w(\\d{1,20}))?\\.head$`);
  const otherFile = new RegExp(`^${stem}(?:-w(\\d{1,6}))?\\.(current|lock)$`);
  const plantedOthers: [number, string][] = [];
  const listedOthers: [number, 'pointer' | 'lock'][] = [];
  for (const entry of entries) {
    const name = entry.name;
    // A type the directory reports (not every file system does) that is not a regular file.
    const planted =
      entry.isFIFO() ||
      entry.isSymbolicLink() ||
      entry.isDirectory() ||
      entry.isSocket() ||
      entry.isBlockDevice() ||
      entry.isCharacterDevice();
    const p = parse(name);
    if (p !== undefined) {
      const s = get(p.slot);
      if (planted) s.notRegular.push(name);
      let e = s.byIndex.get(p.index);
      if (e === undefined) {
        e = {};
        s.byIndex.set(p.index, e);
      }
      e[p.kind] = name;
      continue;
    }
    const h = headFile.exec(name);
    if (h !== null) {
      const s = get(h[1] === undefined ? 0 : Number(h[1]));
      s.head = true;
      if (planted) s.notRegular.push(name);
      continue;
    }
    // Pointers, locks and retention lists do not make a slot: noted only for slots with files.
    const o = otherFile.exec(name);
    if (o !== null && !planted)
      listedOthers.push([
        o[1] === undefined ? 0 : Number(o[1]),
        o[2] === 'lock' ? 'lock' : 'pointer',
      ]);
    const po = planted ? (o ?? retentionFile.exec(name)) : null;
    if (po !== null) {
      plantedOthers.push([po[1] === undefined ? 0 : Number(po[1]), name]);
      continue;
    }
    const m = retentionFile.exec(name);
    if (m !== null) {
      const slot = m[1] === undefined ? 0 : Number(m[1]);
      const text = await readSmall(join(dir, retentionName(baseName, slot)));
      if (text !== undefined) {
        const { records, bad } = parseRetention(text);
        const s = get(slot);
        s.retention = records;
        s.retentionBadLines = bad;
      } else if (name === retentionName(baseName, slot)) {
        get(slot).retentionUnread = true;
      }
    }
  }
  for (const [slot, name] of plantedOthers) slots.get(slot)?.notRegular.push(name);
  for (const [slot, what] of listedOthers) {
    const s = slots.get(slot);
    if (s !== undefined) s[what] = true;
  }
  return slots;
}

const MAX_SMALL_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a small file without following symlinks or waiting on a FIFO; undefined when missing,
 * not a regular file, or over 16 MiB.
 */
export async function readSmall(path: string): Promise<string | undefined> {
  try {
    const fh = await open(path, READ_NOFOLLOW);
    try {
      const st = await fh.stat();
      // Seals, pointers, locks and retention lists are small; a huge one is planted, not ours.
      if (!st.isFile() || st.size > MAX_SMALL_FILE_BYTES) return undefined;
      return await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

/** Reads and parses the seal of `index`; undefined when missing or malformed. */
export async function readSeal(
  dir: string,
  baseName: string,
  slot: number,
  index: number,
): Promise<Seal | undefined> {
  const text = await readSmall(join(dir, sealName(baseName, slot, index)));
  return text === undefined ? undefined : parseSeal(text);
}

/** Highest index mentioned by any file or retention record of the slot (0 when none). */
export function maxIndex(files: SlotFiles | undefined): number {
  let max = 0;
  if (files === undefined) return 0;
  for (const i of files.byIndex.keys()) if (i > max) max = i;
  for (const i of files.retention.keys()) if (i > max) max = i;
  return max;
}
