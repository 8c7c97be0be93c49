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
  /** Whether the slot has a head file (see head.ts). */
  head: boolean;
}

/** Lists every slot's indexed files in `dir` (a missing directory yields no slots). */
export async function scanDirectory(
  dir: string,
  baseName: string,
): Promise<Map<number, SlotFiles>> {
  const parse = nameParser(baseName);
  const slots = new Map<number, SlotFiles>();
  const get = (slot: number): SlotFiles => {
    let s = slots.get(slot);
    if (s === undefined) {
      s = { slot, byIndex: new Map(), retention: new Map(), retentionBadLines: [], head: false };
      slots.set(slot, s);
    }
    return s;
  };
  const names = await readdir(dir);
  const stem = baseName.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const retentionFile = new RegExp(`^${stem}(?:-w(\\d{1,6}))?\\.retention$`);
  const headFile = new RegExp(`^${stem}(?:-w(\\d{1,6}))?\\.head$`);
  for (const name of names) {
    const p = parse(name);
    if (p !== undefined) {
      const s = get(p.slot);
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
      get(h[1] === undefined ? 0 : Number(h[1])).head = true;
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
      }
    }
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
