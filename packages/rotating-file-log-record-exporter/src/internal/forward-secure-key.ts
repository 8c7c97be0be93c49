// Forward-secure sealing keys (T2): a verification key kept off the host derives each writer
// slot's epoch-0 sealing key, and the key evolves by a one-way HMAC step once per epoch, the old
// key overwritten. An intruder who becomes root in epoch e reads only k(s, e) and can compute
// later keys but none before it, so seals of earlier epochs stay unforgeable (the symmetric
// hash-chain scheme of Bellare-Yee and Schneier-Kelsey; cf. systemd-journald Forward Secure
// Sealing). Not wired into the exporter yet.
import { createHmac, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { syncDirectorySync, writeAllSync } from './fs-safe.js';

/**
 * Default epoch length: one minute. A seal is unforgeable once its epoch has ended, so the
 * window an intruder can rewrite is at most the current epoch: journald's 15 minutes is long
 * for a security log. A year of one-minute epochs is 525,600 evolution steps, which the verifier
 * derives in about a second (see `epochKey`); the writer pays one step per minute.
 */
export const DEFAULT_EPOCH_MS = 60_000;

/** Epoch lengths outside this range are refused: below a second is churn, above a day is no forward security. */
export const MIN_EPOCH_MS = 1_000;
export const MAX_EPOCH_MS = 86_400_000;

const SLOT_LABEL = 'seclog-fss/v1/slot/';
const EVOLVE_LABEL = 'seclog-fss/v1/evolve/';

/** Epoch numbering of a slot: epoch `e` covers `[startMs + e * epochMs, startMs + (e + 1) * epochMs)`. */
export interface EpochParams {
  /** Length of an epoch in milliseconds. */
  epochMs: number;
  /** Start of epoch 0, UTC milliseconds. */
  startMs: number;
}

/** Contents of a slot's sealing state file: the current epoch and its key, nothing older. */
export interface SealingState extends EpochParams {
  v: 1;
  slot: number;
  epoch: number;
  /** k(slot, epoch), 64 hex digits. */
  key: string;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function checkParams(p: EpochParams): void {
  if (!isCount(p.epochMs) || p.epochMs < MIN_EPOCH_MS || p.epochMs > MAX_EPOCH_MS)
    throw new RangeError(`epochMs must be an integer from ${MIN_EPOCH_MS} to ${MAX_EPOCH_MS}`);
  if (!isCount(p.startMs)) throw new RangeError('startMs must be a non-negative integer');
}

function checkKey(key: Uint8Array, what: string): void {
  if (key.length !== 32) throw new RangeError(`${what} must be 32 bytes`);
}

// --- HMAC-SHA256 of one evolution step ------------------------------------------------------
//
// k' = HMAC-SHA256(k, "seclog-fss/v1/evolve/" + n) with a 32-byte k is four SHA-256
// compressions. Node's createHmac costs several microseconds a call in object set-up alone, too
// slow for a verifier deriving a year of one-minute epochs, so the step runs here on 32-bit words
// without allocating. A test holds it equal to createHmac.

const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV256 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const W = new Int32Array(64);
const BLOCK = new Int32Array(16);
const INNER = new Int32Array(8);
const OUTER = new Int32Array(8);
const MSG = new Uint8Array(64);
const LABEL_BYTES = Buffer.from(EVOLVE_LABEL, 'latin1');

/** One SHA-256 compression of BLOCK into `h`. */
function compress(h: Int32Array): void {
  const w = W;
  for (let t = 0; t < 16; t++) w[t] = BLOCK[t]!;
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K256[t]! + w[t]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** Replaces `key` (8 big-endian words) by HMAC-SHA256(key, EVOLVE_LABEL + n). */
function evolveWords(key: Int32Array, n: number): void {
  // Inner hash: (key ^ ipad) block, then the label and decimal n, padded (at most 37 bytes).
  INNER.set(IV256);
  for (let j = 0; j < 8; j++) BLOCK[j] = key[j]! ^ 0x36363636;
  for (let j = 8; j < 16; j++) BLOCK[j] = 0x36363636;
  compress(INNER);
  MSG.fill(0);
  MSG.set(LABEL_BYTES);
  let len = LABEL_BYTES.length;
  const digits = String(n);
  for (let j = 0; j < digits.length; j++) MSG[len++] = digits.charCodeAt(j);
  MSG[len] = 0x80;
  for (let j = 0; j < 14; j++)
    BLOCK[j] =
      (MSG[4 * j]! << 24) | (MSG[4 * j + 1]! << 16) | (MSG[4 * j + 2]! << 8) | MSG[4 * j + 3]!;
  BLOCK[14] = 0;
  BLOCK[15] = (64 + len) * 8;
  compress(INNER);
  // Outer hash: (key ^ opad) block, then the inner digest, padded.
  OUTER.set(IV256);
  for (let j = 0; j < 8; j++) BLOCK[j] = key[j]! ^ 0x5c5c5c5c;
  for (let j = 8; j < 16; j++) BLOCK[j] = 0x5c5c5c5c;
  compress(OUTER);
  for (let j = 0; j < 8; j++) BLOCK[j] = INNER[j]!;
  BLOCK[8] = 0x80000000 | 0;
  for (let j = 9; j < 15; j++) BLOCK[j] = 0;
  BLOCK[15] = 96 * 8;
  compress(OUTER);
  key.set(OUTER);
}

function toWords(key: Uint8Array): Int32Array {
  const words = new Int32Array(8);
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  for (let j = 0; j < 8; j++) words[j] = view.getInt32(4 * j);
  return words;
}

function fromWords(words: Int32Array): Buffer {
  const out = Buffer.alloc(32);
  for (let j = 0; j < 8; j++) out.writeInt32BE(words[j]!, 4 * j);
  words.fill(0);
  return out;
}

/**
 * k(s, to) from k(s, from): `to - from` evolution steps, each
 * k(s, i + 1) = HMAC-SHA256(k(s, i), "seclog-fss/v1/evolve/" + (i + 1)).
 */
export function evolveKey(key: Uint8Array, from: number, to: number): Buffer {
  checkKey(key, 'key');
  if (!isCount(from) || !isCount(to)) throw new RangeError('epochs must be non-negative integers');
  if (to < from) throw new RangeError(`cannot go back from epoch ${from} to epoch ${to}`);
  const words = toWords(key);
  for (let i = from; i < to; i++) evolveWords(words, i + 1);
  return fromWords(words);
}

/** k(s, 0) = HMAC-SHA256(V, "seclog-fss/v1/slot/" + s). */
export function initialKey(verificationKey: Uint8Array, slot: number): Buffer {
  checkKey(verificationKey, 'verification key');
  if (!isCount(slot)) throw new RangeError('slot must be a non-negative integer');
  return createHmac('sha256', verificationKey).update(`${SLOT_LABEL}${slot}`).digest();
}

/**
 * The verifier's k(slot, epoch), derived from the verification key in `epoch` steps (about a
 * second for a year of one-minute epochs). Pass `from`, an earlier key of the same slot, to
 * continue from it instead of epoch 0 when checking seals in order.
 */
export function epochKey(
  verificationKey: Uint8Array,
  slot: number,
  epoch: number,
  from?: { epoch: number; key: Uint8Array },
): Buffer {
  if (from !== undefined && from.epoch <= epoch) return evolveKey(from.key, from.epoch, epoch);
  return evolveKey(initialKey(verificationKey, slot), 0, epoch);
}

/** The epoch `timeMs` falls in: floor((timeMs - startMs) / epochMs); a time before epoch 0 throws. */
export function epochOf(params: EpochParams, timeMs: number): number {
  checkParams(params);
  if (!Number.isFinite(timeMs) || timeMs < params.startMs)
    throw new RangeError('time is before epoch 0');
  return Math.floor((timeMs - params.startMs) / params.epochMs);
}

/** Start of `epoch`, UTC milliseconds (its end is the next epoch's start). */
export function epochStartMs(params: EpochParams, epoch: number): number {
  return params.startMs + epoch * params.epochMs;
}

/**
 * New verification key and the epoch-0 state of slots `0 .. slots - 1`. The caller shows the
 * verification key once and keeps it off the host; nothing here stores it.
 */
export function createSealingStates(options: {
  slots: number;
  epochMs?: number;
  startMs: number;
}): { verificationKey: Buffer; states: SealingState[] } {
  const epochMs = options.epochMs ?? DEFAULT_EPOCH_MS;
  checkParams({ epochMs, startMs: options.startMs });
  if (!isCount(options.slots) || options.slots < 1 || options.slots > 1024)
    throw new RangeError('slots must be an integer from 1 to 1024');
  const verificationKey = randomBytes(32);
  const states: SealingState[] = [];
  for (let slot = 0; slot < options.slots; slot++) {
    states.push({
      v: 1,
      slot,
      epoch: 0,
      epochMs,
      startMs: options.startMs,
      key: initialKey(verificationKey, slot).toString('hex'),
    });
  }
  return { verificationKey, states };
}

/**
 * The state at `epoch` (the same state when it is already there). Going back throws: the
 * earlier key is gone by design.
 */
export function evolveTo(state: SealingState, epoch: number): SealingState {
  if (!isCount(epoch)) throw new RangeError('epoch must be a non-negative integer');
  if (epoch < state.epoch)
    throw new RangeError(`cannot go back from epoch ${state.epoch} to epoch ${epoch}`);
  if (epoch === state.epoch) return state;
  const key = evolveKey(Buffer.from(state.key, 'hex'), state.epoch, epoch);
  return { ...state, epoch, key: key.toString('hex') };
}

// --- State file ------------------------------------------------------------------------------

/** Name of slot `slot`'s state file inside the state directory. */
export function sealingStateFileName(slot: number): string {
  return `seclog-fss-${slot}.state`;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses a state file's text; undefined when it is not a well-formed state. */
export function parseSealingState(text: string): SealingState | undefined {
  try {
    const s = JSON.parse(text) as Partial<SealingState>;
    if (
      s.v === 1 &&
      isCount(s.slot) &&
      isCount(s.epoch) &&
      isCount(s.epochMs) &&
      s.epochMs >= MIN_EPOCH_MS &&
      s.epochMs <= MAX_EPOCH_MS &&
      isCount(s.startMs) &&
      typeof s.key === 'string' &&
      HEX64.test(s.key)
    ) {
      const { v, slot, epoch, epochMs, startMs, key } = s;
      return { v, slot, epoch, epochMs, startMs, key };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** The state file's text: the fields in a fixed order, one line. */
export function serializeSealingState(state: SealingState): string {
  const { v, slot, epoch, epochMs, startMs, key } = state;
  return `${JSON.stringify({ v, slot, epoch, epochMs, startMs, key })}\n`;
}

const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY, O_NOFOLLOW } = constants;
// O_NONBLOCK: a FIFO planted at the path opens at once instead of blocking, then fails the
// regular-file check.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const STATE_MODE = 0o600;

function unsafe(path: string, what: string): Error {
  return Object.assign(new Error(`${path} ${what}`), { code: 'EUNSAFE' });
}

/**
 * Checks what is at `path` without following a symlink or blocking on a FIFO: false when
 * nothing is there, true for a regular file, EUNSAFE for anything else.
 */
function regularFileAt(path: string): boolean {
  let fd: number;
  try {
    fd = openNoFollow(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  try {
    if (!fstatSync(fd).isFile()) throw unsafe(path, 'is not a regular file');
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Opens `path` read-only, never following a symlink nor blocking on a FIFO. */
function openNoFollow(path: string): number {
  try {
    return openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw unsafe(path, 'is a symlink');
    if (code === 'ENXIO') throw unsafe(path, 'is not a regular file');
    throw err;
  }
}

/** Reads and parses a state file; EUNSAFE for a symlink, FIFO or other non-regular file, EBADSTATE for bad contents. */
export function readSealingStateFile(path: string): SealingState {
  const fd = openNoFollow(path);
  let text: string;
  try {
    if (!fstatSync(fd).isFile()) throw unsafe(path, 'is not a regular file');
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const state = parseSealingState(text);
  if (state === undefined)
    throw Object.assign(new Error(`${path} is not a sealing state file`), { code: 'EBADSTATE' });
  return state;
}

/**
 * Writes `state` to `path` atomically: a new temp file in the same directory (O_EXCL,
 * O_NOFOLLOW, mode 0600), fsync, then rename over the old file, so the previous key's file is
 * unlinked by the rename and the path never holds a half-written key. With `exclusive` the temp
 * file is linked instead of renamed, which fails with EEXIST when a file is already at `path`.
 * Anything but a regular file at `path` (a symlink, a FIFO) is refused with EUNSAFE.
 */
export function writeSealingStateFile(
  path: string,
  state: SealingState,
  options: { exclusive?: boolean } = {},
): void {
  const content = serializeSealingState(state);
  if (parseSealingState(content) === undefined) throw new RangeError('not a valid sealing state');
  const exists = regularFileAt(path);
  if (exists && options.exclusive === true)
    throw Object.assign(new Error(`${path} already exists`), { code: 'EEXIST' });
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, STATE_MODE);
  try {
    fchmodSync(fd, STATE_MODE);
    const bytes = Buffer.from(content, 'utf8');
    writeAllSync(fd, bytes, 0, bytes.length);
    fsyncSync(fd);
    bytes.fill(0);
  } catch (err) {
    closeSync(fd);
    unlinkQuiet(tmp);
    throw err;
  }
  closeSync(fd);
  try {
    if (options.exclusive === true) {
      linkSync(tmp, path);
      unlinkSync(tmp);
    } else {
      // rename replaces a file planted between the check and here without following it.
      renameSync(tmp, path);
    }
  } catch (err) {
    unlinkQuiet(tmp);
    throw err;
  }
  syncDirectorySync(dir);
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
