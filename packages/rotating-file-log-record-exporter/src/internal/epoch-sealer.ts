// Forward-secure sealing at run time (T2). The writer signs with the current epoch's key, and at
// each epoch end it writes a checkpoint of where its chain stood, signed with that epoch's key,
// before the key evolves and the old one is erased. Checkpoints cover every epoch without a gap,
// idle ones too, so an intruder holding a later key can neither rewrite nor drop what an earlier
// epoch sealed: the verifier finds the gap (journald's CVE-2023-31439, stripping seals and
// re-sealing with the current key, is exactly such a gap).
import { createHash, createHmac } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { epochsName } from './file-names.js';
import { openReplacingPlanted, writeAllSync } from './fs-safe.js';
import {
  epochOf,
  evolveKey,
  readSealingStateFile,
  sealingStateFileName,
  writeSealingStateFile,
  type SealingState,
} from './forward-secure-key.js';
import { checkSignature, type SignatureCheck, type SigningKey } from './seal.js';

/**
 * Fixed size of a checkpoint line, padded with spaces: the last line of an idle run is rewritten in
 * place as the run grows, and a reader finds the last line at `size - EPOCH_LINE_BYTES`. 256 divides
 * a disk sector, so no line straddles two.
 */
export const EPOCH_LINE_BYTES = 256;

/** `keyId` of everything signed in forward-secure mode; the `epoch` beside it names the key. */
const FSS_KEY_ID = 'fss';

/**
 * One line of `<stem>.epochs`: epochs `from` to `to` all ended with the chain at (`seq`, `hash`).
 * `down`: the writer was not running when they ended (written at the next start).
 */
export interface EpochLine {
  v: 1;
  slot: number;
  from: number;
  to: number;
  seq: number;
  hash: string;
  down?: true;
  /**
   * Aggregate of one HMAC per epoch, each under that epoch's key:
   * a(from) = m(from), a(e) = SHA-256(a(e-1) || m(e)), with m(e) = HMAC-SHA256(k(e), epochMessage).
   * Forging it needs the key of every epoch in the run.
   */
  mac: string;
}

/** What epoch `epoch`'s key signs at its end. */
function epochMessage(
  slot: number,
  epoch: number,
  seq: number,
  hash: string,
  down: boolean,
): string {
  return `seclog-fss/v1/epoch/${slot}/${epoch}/${seq}/${hash}/${down ? 'down' : 'up'}`;
}

/** Folds epoch `epoch`'s HMAC (under `key`) into the run's aggregate `agg`. */
export function extendMac(
  agg: Buffer | undefined,
  key: Uint8Array,
  slot: number,
  epoch: number,
  seq: number,
  hash: string,
  down: boolean,
): Buffer {
  const m = createHmac('sha256', key)
    .update(epochMessage(slot, epoch, seq, hash, down))
    .digest();
  return agg === undefined ? m : createHash('sha256').update(agg).update(m).digest();
}

const HEX64 = /^[0-9a-f]{64}$/;

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Parses one checkpoint line (padding allowed); undefined when it is not one. */
export function parseEpochLine(text: string): EpochLine | undefined {
  try {
    const l = JSON.parse(text) as Partial<EpochLine>;
    if (
      l.v === 1 &&
      isCount(l.slot) &&
      isCount(l.from) &&
      isCount(l.to) &&
      l.to >= l.from &&
      isCount(l.seq) &&
      typeof l.hash === 'string' &&
      HEX64.test(l.hash) &&
      (l.down === undefined || l.down === true) &&
      typeof l.mac === 'string' &&
      HEX64.test(l.mac)
    ) {
      return l as EpochLine;
    }
  } catch {
    // fall through
  }
  return undefined;
}

function renderEpochLine(line: EpochLine): Buffer {
  const out = Buffer.alloc(EPOCH_LINE_BYTES, 0x20);
  out.write(JSON.stringify(line), 0, 'utf8');
  out[EPOCH_LINE_BYTES - 1] = 0x0a;
  return out;
}

/** Where the writer's chain stands. */
export interface ChainPosition {
  lastSeq: number;
  lastHash: string;
}

/** What {@link EpochSealer.open} needs. */
export interface EpochSealerOptions {
  directory: string;
  baseName: string;
  slot: number;
  stateDir: string;
  fileMode: number;
  /** Hears of what the writer cannot fix (a gap in the checkpoints, a state file it cannot write). */
  onProblem: (message: string) => void;
}

/**
 * A writer slot's forward-secure key and checkpoint file. `open`, then `resume` once recovery has
 * found where the chain stands, then `advance` before each signature and at each epoch boundary.
 * Every method is synchronous, so it also serves the exit path.
 */
export class EpochSealer {
  private _key: Uint8Array;
  private _last: EpochLine | undefined;
  private _dirty = false;

  private constructor(
    private readonly _o: EpochSealerOptions,
    private _state: SealingState,
    private readonly _fd: number,
    private _size: number,
  ) {
    this._key = Buffer.from(_state.key, 'hex');
  }

  /** Reads the slot's state file (throws when there is none: run `seclog keys init`) and opens its checkpoints. */
  static open(o: EpochSealerOptions): EpochSealer {
    const statePath = join(o.stateDir, sealingStateFileName(o.slot));
    let state: SealingState;
    try {
      state = readSealingStateFile(statePath);
    } catch (err) {
      // More processes write to the directory than `seclog keys init --slots` made states for.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw Object.assign(
        new Error(
          `writer slot ${o.slot} has no sealing state (${statePath} is missing): more processes write to ${o.directory} than \`seclog keys init --slots\` made states for; this writer's records cannot be signed and are dropped`,
        ),
        { code: 'ENOENT' },
      );
    }
    if (state.slot !== o.slot)
      throw new Error(`${statePath} holds the state of slot ${state.slot}, not ${o.slot}`);
    const name = epochsName(o.baseName, o.slot);
    const fd = openReplacingPlanted(join(o.directory, name), o.fileMode, () =>
      o.onProblem(
        `${name} was not a regular file (possibly planted); replaced it, and verify will report the checkpoints it held as missing`,
      ),
    );
    try {
      const st = fstatSync(fd);
      // Bytes off the line grid are a torn append (power loss): the next line overwrites them.
      const size = st.size - (st.size % EPOCH_LINE_BYTES);
      const sealer = new EpochSealer(o, state, fd, size);
      if (size >= EPOCH_LINE_BYTES) {
        const buf = Buffer.alloc(EPOCH_LINE_BYTES);
        readSync(fd, buf, 0, EPOCH_LINE_BYTES, size - EPOCH_LINE_BYTES);
        const last = parseEpochLine(buf.toString('utf8'));
        if (last === undefined || last.slot !== o.slot)
          o.onProblem(`${name}: the last checkpoint does not parse; verify will report it`);
        else sealer._last = last;
      }
      return sealer;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** The current epoch. */
  get epoch(): number {
    return this._state.epoch;
  }

  /** What signs now: the current epoch's key. */
  signing(): SigningKey {
    return { key: this._key, keyId: FSS_KEY_ID, epoch: this._state.epoch };
  }

  /**
   * Checks what this writer signed itself: a value of this epoch or a later one (a crash between
   * signing with the next key and saving it). An earlier epoch's key is gone, so such a value is
   * `bad` here; only the verifier, holding the verification key, can judge it.
   */
  readonly check: SignatureCheck = (value) => {
    const epoch = value.epoch;
    if (typeof value.hmac !== 'string') return 'unsigned';
    if (!isCount(epoch) || epoch < this._state.epoch) return 'bad';
    const key =
      epoch === this._state.epoch ? this._key : evolveKey(this._key, this._state.epoch, epoch);
    return checkSignature(value, key);
  };

  /** When the current epoch ends, UTC milliseconds. */
  nextBoundaryMs(): number {
    return this._state.startMs + (this._state.epoch + 1) * this._state.epochMs;
  }

  /**
   * At start, once recovery has found where the chain stands: epochs that ended while the writer
   * was down are checkpointed as `down` with that position, under their own keys.
   */
  resume(now: number, position: ChainPosition): boolean {
    const last = this._last;
    const path = epochsName(this._o.baseName, this._o.slot);
    if (last !== undefined && last.to >= this._state.epoch) {
      // Crashed after the checkpoint, before the state file moved on: catch the key up.
      this._moveKey(last.to + 1);
    } else if (
      (last === undefined && this._state.epoch > 0) ||
      (last !== undefined && last.to + 1 < this._state.epoch)
    ) {
      this._o.onProblem(
        `${path} ends at epoch ${last?.to ?? 'none'} but the sealing state is at epoch ${this._state.epoch}: checkpoints are missing, and verify will report the gap`,
      );
    }
    return this.advance(now, position, true);
  }

  /**
   * Checkpoints every epoch that has ended by `now` with `position`, moves the key to the epoch
   * of `now`, and returns true when it moved. The caller then re-signs its head with the new key
   * and calls {@link persist}: until then the state file keeps the old key, so a crash in between
   * leaves nothing the next start cannot check.
   */
  advance(now: number, position: ChainPosition, down = false): boolean {
    const s = this._state;
    const target = now < s.startMs ? s.epoch : epochOf(s, now);
    if (target <= s.epoch) return false;
    const { lastSeq: seq, lastHash: hash } = position;
    const slot = this._o.slot;
    const last = this._last;
    // An idle run (same position, same kind, no gap) grows in place instead of adding a line.
    const extend =
      last !== undefined &&
      last.to + 1 === s.epoch &&
      last.seq === seq &&
      last.hash === hash &&
      (last.down === true) === down;
    let agg: Buffer | undefined = extend ? Buffer.from(last.mac, 'hex') : undefined;
    let key: Uint8Array = this._key;
    for (let e = s.epoch; e < target; e++) {
      agg = extendMac(agg, key, slot, e, seq, hash, down);
      const next = evolveKey(key, e, e + 1);
      if (key !== this._key) key.fill(0);
      key = next;
    }
    const line: EpochLine = {
      v: 1,
      slot,
      from: extend ? last.from : s.epoch,
      to: target - 1,
      seq,
      hash,
      ...(down ? { down: true as const } : {}),
      mac: (agg as Buffer).toString('hex'),
    };
    const at = extend ? this._size - EPOCH_LINE_BYTES : this._size;
    try {
      const bytes = renderEpochLine(line);
      writeAllSync(this._fd, bytes, 0, bytes.length, at);
      fsyncSync(this._fd);
      this._size = at + EPOCH_LINE_BYTES;
      this._last = line;
    } catch (err) {
      // Forward security first: the key moves on regardless, and the gap shows in verify.
      this._o.onProblem(
        `could not write the checkpoint of epochs ${line.from} to ${line.to} (${(err as Error).message}); verify will report the gap`,
      );
    }
    this._key.fill(0);
    this._key = key;
    this._state = { ...s, epoch: target, key: Buffer.from(key).toString('hex') };
    this._dirty = true;
    return true;
  }

  /** Saves the current key over the old one in the state file (the old key is then gone). */
  persist(): void {
    if (!this._dirty) return;
    try {
      writeSealingStateFile(
        join(this._o.stateDir, sealingStateFileName(this._o.slot)),
        this._state,
      );
      this._dirty = false;
    } catch (err) {
      this._o.onProblem(
        `could not save the sealing state for epoch ${this._state.epoch} (${(err as Error).message}): the state file still holds an older key`,
      );
    }
  }

  close(): void {
    this.persist();
    try {
      closeSync(this._fd);
    } catch {
      // already closed
    }
  }

  private _moveKey(epoch: number): void {
    const key = evolveKey(this._key, this._state.epoch, epoch);
    this._key.fill(0);
    this._key = key;
    this._state = { ...this._state, epoch, key: Buffer.from(key).toString('hex') };
    this._dirty = true;
  }
}
