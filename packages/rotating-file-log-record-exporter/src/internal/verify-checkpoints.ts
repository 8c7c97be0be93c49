// Forward-secure mode: where each checkpoint says a slot's chain stood must be in the chain. This
// is checked even when the walk stopped at an earlier break: a re-chained history that also
// dropped seals and head stops the walk at its first recovered file, and the checkpoint that
// proves the rewrite must not be hidden behind that first finding.
import { join } from 'node:path';
import type { VerifyIssue } from '../types.js';
import { parseRecords } from './chain.js';
import { epochsName } from './file-names.js';
import { regularFileLines } from './fs-safe.js';
import type { SlotFiles } from './slot-files.js';
import type { Checkpoint } from './verify-epochs.js';

/**
 * Each checkpoint's position must be in the chain: reached (else `truncated`), with the same hash
 * (else `hash-mismatch`). One in files that retention deleted cannot be looked up and is skipped.
 * `found` maps a checkpoint's sequence number to the hash the chain has there (undefined when
 * not reached); `endSeq` is where the chain ends.
 */
export function checkpointIssue(
  baseName: string,
  slot: number,
  checkpoints: readonly Checkpoint[],
  found: ReadonlyMap<number, string | undefined>,
  endSeq: number,
  retainedUpTo: number,
): VerifyIssue | undefined {
  const name = epochsName(baseName, slot);
  for (const c of checkpoints) {
    if (c.seq <= retainedUpTo) continue;
    const hash = found.get(c.seq);
    if (hash === undefined && c.seq > endSeq) {
      return {
        kind: 'truncated',
        file: name,
        line: c.line,
        message: `checkpoint line ${c.line} vouches for records up to sequence ${c.seq}, but the chain ends at ${endSeq}: sealed records were deleted or cut`,
      };
    }
    if (hash !== undefined && hash !== c.hash) {
      return {
        kind: 'hash-mismatch',
        file: name,
        line: c.line,
        message: `the record at sequence ${c.seq} is not the one checkpoint line ${c.line} sealed: sealed records were rewritten`,
      };
    }
  }
  return undefined;
}

/**
 * After the walk stopped early: finds, in every data file of the slot, the hash each record
 * carries at the checkpoints' sequence numbers not yet reached. The hashes are taken as written
 * (the walk already reported the first break; this only compares positions), the first
 * occurrence counting. Returns the completed map and the highest sequence number seen.
 */
export async function findCheckpointHashes(
  dir: string,
  files: SlotFiles,
  checkpoints: readonly Checkpoint[],
  found: ReadonlyMap<number, string | undefined>,
  opts: { maxLineBytes: number; signal?: AbortSignal | undefined },
): Promise<{ found: Map<number, string | undefined>; endSeq: number }> {
  const out = new Map(found);
  const wanted = new Set<number>();
  for (const c of checkpoints) if (out.get(c.seq) === undefined) wanted.add(c.seq);
  let endSeq = 0;
  for (const index of [...files.byIndex.keys()].sort((a, b) => a - b)) {
    if (wanted.size === 0) break;
    const e = files.byIndex.get(index);
    const present = e?.data ?? e?.gz;
    if (e === undefined || present === undefined || files.notRegular.includes(present)) continue;
    try {
      for await (const l of regularFileLines(join(dir, present), {
        gunzip: e.data === undefined,
        maxLineBytes: opts.maxLineBytes,
        counter: { bytes: 0 },
        signal: opts.signal,
      })) {
        if (!l.complete || l.text === undefined) continue;
        for (const r of parseRecords(l.text) ?? []) {
          endSeq = Math.max(endSeq, r.seq);
          if (wanted.delete(r.seq)) out.set(r.seq, r.hash);
        }
      }
    } catch {
      opts.signal?.throwIfAborted();
      // An unreadable file is already reported by the walk, or lies after its break.
    }
  }
  return { found: out, endSeq: wanted.size === 0 ? Number.MAX_SAFE_INTEGER : endSeq };
}
