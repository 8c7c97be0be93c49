// Forward-secure mode: the keys of slots nobody writes evolve too. A state file that no writer
// holds would otherwise keep the key of the epoch its writer stopped in (or epoch 0, for a slot
// `keys init` made but no writer took), and root arriving later could sign with it a history
// backdated to any epoch since. So every running writer, at its start and at each epoch end, does
// for each such slot what that slot's own writer would have done when idle: checkpoint the
// epochs that ended as `down` under their own keys, re-sign the head with the new key, and save
// the new key over the old one.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH } from './chain.js';
import { EpochSealer, type ChainPosition } from './epoch-sealer.js';
import { epochOf, readSealingStateFile, sealingStateFileName } from './forward-secure-key.js';
import { HeadFile, readHead, renderHead, type Head } from './head.js';
import { scanDirectory } from './slot-files.js';
import { MAX_SLOTS, releaseSlot, tryAcquireSlot } from './slot-lock.js';

/** What moving the unwritten slots on needs. */
export interface IdleSlotsOptions {
  directory: string;
  baseName: string;
  stateDir: string;
  fileMode: number;
  /** The slot this writer holds (its own key moves with its writes). */
  ownSlot: number;
  onProblem: (message: string) => void;
}

const STATE_FILE = /^seclog-fss-(\d{1,6})\.state$/;

/** Moves the key of every slot in the state directory that no live writer holds to the epoch of `now`. */
export async function advanceIdleSlots(o: IdleSlotsOptions, now: number): Promise<void> {
  const slots: number[] = [];
  for (const name of await readdir(o.stateDir)) {
    const m = STATE_FILE.exec(name);
    const slot = m === null ? NaN : Number(m[1]);
    if (slot < MAX_SLOTS && slot !== o.ownSlot && name === sealingStateFileName(slot))
      slots.push(slot);
  }
  for (const slot of slots.sort((a, b) => a - b)) {
    try {
      await advanceSlot(o, slot, now);
    } catch (err) {
      o.onProblem(
        `could not move slot ${slot}'s sealing key on (${(err as Error).message}); it keeps an older key, and verify will report its checkpoints as behind`,
      );
    }
  }
}

async function advanceSlot(o: IdleSlotsOptions, slot: number, now: number): Promise<void> {
  // Cheap first look: another writer has usually done it already this epoch.
  const state = readSealingStateFile(join(o.stateDir, sealingStateFileName(slot)));
  if (now < state.startMs || epochOf(state, now) <= state.epoch) return;
  const lock = await tryAcquireSlot(o.directory, o.baseName, slot, o.fileMode, true);
  if (lock === undefined) return; // its writer runs (or another keeper is at it)
  try {
    const sealer = EpochSealer.open({ ...o, slot, onProblem: o.onProblem });
    try {
      const head = await readHead(o.directory, o.baseName, slot, sealer.check);
      const position = await positionOf(
        o,
        slot,
        head.kind === 'ok' ? head.head : undefined,
        sealer,
      );
      if (position === undefined) {
        // Files but no head to trust: the key still moves on (that is the point), the head is
        // left for verify to report.
        sealer.resume(now, sealer.checkpointed ?? { lastSeq: 0, lastHash: GENESIS_HASH });
      } else if (sealer.resume(now, position.chain)) {
        const { index, seq, hash, bytes, slots } = position.head;
        const at = new Date(now).toISOString();
        const file = HeadFile.open(o.directory, o.baseName, slot, o.fileMode, o.onProblem);
        try {
          file.write(
            renderHead({ v: 1, slot, index, seq, hash, bytes, slots, at }, sealer.signing()),
          );
        } finally {
          file.close();
        }
      }
      sealer.persist();
    } finally {
      sealer.close();
    }
  } finally {
    await releaseSlot(lock);
  }
}

/**
 * Where the slot's chain stands, and the head to re-sign there: its signed head (checked with the
 * slot's own key), or, for a slot that never wrote, the empty chain. Undefined when the slot has
 * files but no head to trust.
 */
async function positionOf(
  o: IdleSlotsOptions,
  slot: number,
  head: Head | undefined,
  sealer: EpochSealer,
): Promise<{ chain: ChainPosition; head: Omit<Head, 'at'> } | undefined> {
  const last = sealer.checkpointed;
  if (head !== undefined) {
    // The head is signed after the checkpoint, so it is never behind it unless tampered with.
    if (last !== undefined && last.lastSeq > head.seq) return undefined;
    return { chain: { lastSeq: head.seq, lastHash: head.hash }, head };
  }
  const files = (await scanDirectory(o.directory, o.baseName)).get(slot);
  if (last !== undefined || (files !== undefined && files.byIndex.size + files.retention.size > 0))
    return undefined;
  return {
    chain: { lastSeq: 0, lastHash: GENESIS_HASH },
    head: {
      v: 1,
      slot,
      index: 0,
      seq: 0,
      hash: GENESIS_HASH,
      bytes: 0,
      slots: slot + 1,
    },
  };
}
