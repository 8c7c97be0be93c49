// The verifier's side of forward-secure sealing: derives any epoch's key from the verification key
// (bounded by the clock, so a planted epoch cannot make it loop), and checks a slot's checkpoints:
// each one's aggregate HMAC, that they cover every epoch without a gap, and where they say the
// chain stood.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { VerifyIssue } from '../types.js';
import { EPOCH_LINE_BYTES, extendMac, parseEpochLine } from './epoch-sealer.js';
import { epochsName } from './file-names.js';
import {
  epochKey,
  epochOf,
  epochStartMs,
  evolveKey,
  type EpochParams,
} from './forward-secure-key.js';
import { READ_NOFOLLOW } from './fs-safe.js';
import { checkSignature, fixedKeyCheck, type SignatureCheck } from './seal.js';

const KEY_TEXT = /^seclog-vk1:(\d{1,9}):(\d{1,16}):([0-9a-f]{64})$/;

/** A parsed verification key: the secret and the epoch grid it was made for. */
export interface VerificationKey extends EpochParams {
  key: Buffer;
}

/** Parses what `seclog keys init` prints (`seclog-vk1:<epochMs>:<startMs>:<64 hex>`); undefined when it is not that. */
function parseVerificationKey(text: string): VerificationKey | undefined {
  const m = KEY_TEXT.exec(text.trim());
  if (m === null) return undefined;
  return { epochMs: Number(m[1]), startMs: Number(m[2]), key: Buffer.from(m[3] as string, 'hex') };
}

/** The text form of a verification key. */
export function formatVerificationKey(v: VerificationKey): string {
  return `seclog-vk1:${v.epochMs}:${v.startMs}:${v.key.toString('hex')}`;
}

/** Every this many epochs a derived key is kept, so any epoch's key is at most that many steps away. */
const SNAPSHOT_EVERY = 1024;

/** Epoch keys of every slot, derived on demand, never beyond the clock's epoch. */
export class EpochKeys {
  /** Per slot, k(slot, i * SNAPSHOT_EVERY) for i = 0, 1, ...: seals, heads and checkpoints come in any order. */
  private readonly _snapshots = new Map<number, Uint8Array[]>();
  /** The newest epoch a signature may claim: the clock's, plus one for a clock a little behind. */
  readonly maxEpoch: number;

  constructor(
    readonly vk: VerificationKey,
    now: number,
  ) {
    this.maxEpoch = now < vk.startMs ? 0 : epochOf(vk, now) + 1;
  }

  /** k(slot, epoch); undefined for an epoch after {@link maxEpoch}. */
  key(slot: number, epoch: number): Uint8Array | undefined {
    if (epoch > this.maxEpoch) return undefined;
    let snaps = this._snapshots.get(slot);
    if (snaps === undefined) {
      snaps = [epochKey(this.vk.key, slot, 0)];
      this._snapshots.set(slot, snaps);
    }
    const at = Math.floor(epoch / SNAPSHOT_EVERY);
    while (snaps.length <= at) {
      const i = snaps.length;
      snaps.push(
        evolveKey(snaps[i - 1] as Uint8Array, (i - 1) * SNAPSHOT_EVERY, i * SNAPSHOT_EVERY),
      );
    }
    return evolveKey(snaps[at] as Uint8Array, at * SNAPSHOT_EVERY, epoch);
  }

  /** The check for seals, heads and retention records: the key their slot and epoch name. */
  readonly check: SignatureCheck = (value) => {
    if (typeof value.hmac !== 'string') return 'unsigned';
    const { slot, epoch } = value;
    if (!isCount(slot) || !isCount(epoch)) return 'bad';
    const key = this.key(slot, epoch);
    return key === undefined ? 'bad' : checkSignature(value, key);
  };

  /** The time epoch `epoch` ends, for messages. */
  endOf(epoch: number): string {
    return new Date(epochStartMs(this.vk, epoch + 1)).toISOString();
  }
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** A position a checkpoint vouches for. */
export interface Checkpoint {
  seq: number;
  hash: string;
  line: number;
}

/** What a slot's checkpoints say. */
export interface EpochsCheck {
  issues: VerifyIssue[];
  notes: string[];
  /** Positions to find in the chain, in order. */
  checkpoints: Checkpoint[];
  /** The last epoch sealed, when any. */
  lastEpoch: number | undefined;
}

/** Reads and checks `slot`'s `<stem>.epochs` with the verification key. */
export async function checkEpochs(
  dir: string,
  baseName: string,
  slot: number,
  keys: EpochKeys,
  writerLive: boolean,
  now: number,
): Promise<EpochsCheck> {
  const name = epochsName(baseName, slot);
  const out: EpochsCheck = { issues: [], notes: [], checkpoints: [], lastEpoch: undefined };
  let fh;
  try {
    fh = await open(join(dir, name), READ_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    out.issues.push({
      kind: 'missing-epoch',
      file: name,
      message:
        code === 'ENOENT'
          ? `${name} is missing: nothing shows which epochs this slot sealed, so records deleted with it cannot be ruled out`
          : `${name} cannot be opened (${code ?? 'error'})`,
    });
    return out;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      out.issues.push({
        kind: 'missing-epoch',
        file: name,
        message: `${name} is not a regular file`,
      });
      return out;
    }
    const buf = Buffer.alloc(EPOCH_LINE_BYTES * 1024);
    let prev: { to: number; seq: number; hash: string } | undefined;
    let cursor: { epoch: number; key: Uint8Array } | undefined;
    let lineNo = 0;
    let position = 0;
    // Read in fixed chunks: memory stays bounded whatever the file's size.
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const whole = bytesRead - (bytesRead % EPOCH_LINE_BYTES);
      for (let off = 0; off < whole; off += EPOCH_LINE_BYTES) {
        lineNo++;
        const line = parseEpochLine(buf.toString('utf8', off, off + EPOCH_LINE_BYTES));
        if (line === undefined || line.slot !== slot) {
          out.issues.push({
            kind: 'unparsable-line',
            file: name,
            line: lineNo,
            message: `checkpoint line ${lineNo} does not parse`,
          });
          return out;
        }
        if (line.to > keys.maxEpoch) {
          out.issues.push({
            kind: 'bad-signature',
            file: name,
            line: lineNo,
            message: `checkpoint line ${lineNo} claims epoch ${line.to}, which has not begun`,
          });
          return out;
        }
        if (prev !== undefined && line.from !== prev.to + 1) {
          out.issues.push({
            kind: 'missing-epoch',
            file: name,
            line: lineNo,
            message:
              line.from > prev.to + 1
                ? `epochs ${prev.to + 1} to ${line.from - 1} (until ${keys.endOf(line.from - 1)}) have no checkpoint: what they sealed was deleted, or the checkpoints were`
                : `checkpoint line ${lineNo} starts at epoch ${line.from}, which an earlier line already covers`,
          });
          return out;
        }
        if (prev !== undefined && line.seq < prev.seq) {
          out.issues.push({
            kind: 'line-out-of-order',
            file: name,
            line: lineNo,
            message: `checkpoint line ${lineNo} goes back to sequence ${line.seq} from ${prev.seq}`,
          });
          return out;
        }
        let agg: Buffer | undefined;
        // Lines follow each other epoch by epoch: one evolution step per epoch in all.
        let key =
          cursor !== undefined && cursor.epoch === line.from
            ? cursor.key
            : (keys.key(slot, line.from) as Uint8Array);
        for (let e = line.from; e <= line.to; e++) {
          agg = extendMac(agg, key, slot, e, line.seq, line.hash, line.down === true);
          key = evolveKey(key, e, e + 1);
        }
        cursor = { epoch: line.to + 1, key };
        if (agg === undefined || agg.toString('hex') !== line.mac) {
          out.issues.push({
            kind: 'bad-signature',
            file: name,
            line: lineNo,
            message: `checkpoint line ${lineNo} (epochs ${line.from} to ${line.to}) is not signed by those epochs' keys`,
          });
          return out;
        }
        if (prev === undefined || line.seq !== prev.seq || line.hash !== prev.hash)
          out.checkpoints.push({ seq: line.seq, hash: line.hash, line: lineNo });
        prev = { to: line.to, seq: line.seq, hash: line.hash };
      }
      if (bytesRead < buf.length) {
        if (whole !== bytesRead)
          out.notes.push(
            `${name} ends in a partial checkpoint (a torn write); the next start replaces it`,
          );
        break;
      }
      position -= bytesRead - whole;
    }
    // No checkpoint yet: the writer started in the key's first epoch (a later start writes a `down`
    // run first) and has not seen that epoch end. Epoch 0 is then "the last checkpoint + 1", so a
    // signature of any later epoch is still a missing-epoch below and in the caller.
    const last = prev?.to ?? -1;
    out.lastEpoch = last;
    const current = now < keys.vk.startMs ? 0 : epochOf(keys.vk, now);
    // A live writer checkpoints each epoch as it ends (give its timer one epoch of slack).
    if (writerLive && current - last > 2) {
      out.issues.push({
        kind: 'missing-epoch',
        file: name,
        message:
          prev === undefined
            ? `the writer is running but ${name} holds no checkpoint; epochs up to ${current - 1} have ended since the key's first`
            : `the writer is running but its last checkpoint is for epoch ${prev.to} (until ${keys.endOf(prev.to)}); epochs up to ${current - 1} have ended since`,
      });
    } else if (prev === undefined) {
      out.notes.push(
        `${name} holds no checkpoint yet: its writer started in the key's first epoch and stopped before it ended (${keys.endOf(0)}), or has not seen it end`,
      );
    } else if (!writerLive && current - prev.to > 1) {
      out.notes.push(
        `slot ${slot}'s sealing ends with epoch ${prev.to} (${keys.endOf(prev.to)}): the writer stopped then, or everything after was deleted (only off-host anchors can tell)`,
      );
    }
  } finally {
    await fh.close();
  }
  return out;
}

/**
 * The signature check verify options ask for: `hmacKey`'s, the verification key's (with its epoch
 * keys), or none. Throws a TypeError on both keys or a malformed verification key.
 */
export function verifyKeys(
  options: { hmacKey?: string | Uint8Array; verificationKey?: string; now?: number },
  caller: string,
): { check: SignatureCheck | undefined; keys: EpochKeys | undefined } {
  if (options.verificationKey === undefined)
    return {
      check: options.hmacKey === undefined ? undefined : fixedKeyCheck(options.hmacKey),
      keys: undefined,
    };
  if (options.hmacKey !== undefined)
    throw new TypeError(`${caller}: give hmacKey or verificationKey, not both`);
  const vk = parseVerificationKey(options.verificationKey);
  if (vk === undefined)
    throw new TypeError(
      `${caller}: verificationKey is not what \`seclog keys init\` printed (seclog-vk1:<epochMs>:<startMs>:<64 hex>)`,
    );
  const keys = new EpochKeys(vk, options.now ?? Date.now());
  return { check: keys.check, keys };
}
