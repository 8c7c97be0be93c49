// Seals (the sidecar closing each data file) and retention records: their shape, their HMAC and
// reading them back.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Sidecar `<stem>-<index>.seal` written when a data file is closed. */
export interface Seal {
  v: 1;
  file: string;
  slot: number;
  index: number;
  format: string;
  /** Chain value before this file's first record (the previous file's last hash). */
  prevHash: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  lastHash: string;
  /** Uncompressed size of the data file. */
  bytes: number;
  openedAt: string;
  closedAt: string;
  lastRecordMs?: number;
  /**
   * `false` for a file written with `hashChain: false`: its lines carry no chain, and the chain
   * passes through it untouched (`prevHash` = `lastHash`, `lastSeq` = `firstSeq - 1`). Absent for
   * chained files.
   */
  chained?: false;
  /** Set when the file was closed by the next start after a crash. */
  recovered?: boolean;
  /**
   * On a recovered seal: the slot's signed head as recovery found it. A position (`index`, `seq`,
   * `hash`) when the head spoke of this file or a later one, which verify checks the file still
   * reaches; `'older'` when the head spoke only of earlier files (this file was opened after it);
   * `'missing'` or `'bad'` when there was no head to trust, so a cut before this point cannot be
   * ruled out.
   */
  signed?: { index: number; seq: number; hash: string } | 'older' | 'missing' | 'bad';
  /**
   * A torn trailing line that recovery moved to the `.torn` sidecar (`sha256` of all its `bytes`);
   * `copied` is set when only its first `copied` bytes went to the sidecar (capped at maxLineBytes).
   */
  torn?: { bytes: number; sha256: string; file: string; copied?: number };
  /**
   * On a recovered seal: the file was larger than the writer could have made it (`size`), or had
   * holes (`allocated` far below `size`). Recovery sealed only the whole lines in its first
   * `bytes` and left the rest unread and in place; verify reports it.
   */
  oversized?: { size: number; allocated: number };
  keyId?: string;
  /** Forward-secure mode: the epoch whose key signed this. */
  epoch?: number;
  hmac?: string;
}

/** A line of `<stem>.retention`: one file deleted on purpose by retention. */
export interface RetentionRecord {
  v: 1;
  deleted: string;
  slot: number;
  index: number;
  prevHash: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  lastHash: string;
  deletedAt: string;
  reason: 'maxFiles' | 'maxAgeMs' | 'maxTotalBytes';
  /** Copied from the deleted file's seal. */
  chained?: false;
  keyId?: string;
  epoch?: number;
  hmac?: string;
}

/**
 * The key a writer signs with now: the fixed `hmacKey` (T1), or the current epoch's
 * forward-secure key (T2), whose epoch is then written beside the HMAC so the verifier can derive it.
 */
export interface SigningKey {
  key: string | Uint8Array;
  keyId?: string;
  epoch?: number;
}

/** Judges a parsed seal, head or retention record's HMAC, picking the key by what it says (its slot, its epoch). */
export type SignatureCheck = (value: {
  hmac?: unknown;
  epoch?: unknown;
  slot?: unknown;
}) => 'ok' | 'unsigned' | 'bad';

/** The check for one fixed key. */
export function fixedKeyCheck(key: string | Uint8Array): SignatureCheck {
  return (value) => checkSignature(value, key);
}

function keyBytes(key: string | Uint8Array): Uint8Array {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/** Serializes a seal, head or retention record, adding `keyId`, `epoch` and `hmac` when a key is given. */
export function signedJson<T extends { keyId?: string; epoch?: number; hmac?: string }>(
  value: T,
  signing: SigningKey | undefined,
): string {
  const copy: T = { ...value };
  delete copy.hmac;
  if (signing === undefined) return JSON.stringify(copy);
  if (signing.keyId !== undefined) copy.keyId = signing.keyId;
  if (signing.epoch !== undefined) copy.epoch = signing.epoch;
  const body = JSON.stringify(copy);
  copy.hmac = createHmac('sha256', keyBytes(signing.key)).update(body).digest('hex');
  return JSON.stringify(copy);
}

/** 'ok', 'unsigned' or 'bad' for a parsed seal or retention record under `key`. */
export function checkSignature(
  value: { hmac?: unknown },
  key: string | Uint8Array,
): 'ok' | 'unsigned' | 'bad' {
  if (typeof value.hmac !== 'string') return 'unsigned';
  const copy: Record<string, unknown> = { ...value };
  delete copy.hmac;
  const expected = createHmac('sha256', keyBytes(key)).update(JSON.stringify(copy)).digest();
  const given = Buffer.from(value.hmac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'bad';
}

const HEX64 = /^[0-9a-f]{64}$/;

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Parses a seal; undefined when it is not a well-formed seal. */
export function parseSeal(text: string): Seal | undefined {
  try {
    const s = JSON.parse(text) as Partial<Seal>;
    if (
      s.v === 1 &&
      typeof s.file === 'string' &&
      typeof s.prevHash === 'string' &&
      HEX64.test(s.prevHash) &&
      typeof s.lastHash === 'string' &&
      HEX64.test(s.lastHash) &&
      isCount(s.firstSeq) &&
      isCount(s.lastSeq) &&
      isCount(s.count) &&
      isCount(s.bytes) &&
      isCount(s.index) &&
      (s.chained === undefined || s.chained === false)
    ) {
      return s as Seal;
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** Parses the retention file; malformed lines are returned as `undefined` entries with their line number. */
export function parseRetention(text: string): {
  records: Map<number, RetentionRecord>;
  bad: number[];
} {
  const records = new Map<number, RetentionRecord>();
  const bad: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || line === '') continue;
    try {
      const r = JSON.parse(line) as Partial<RetentionRecord>;
      if (
        r.v === 1 &&
        typeof r.deleted === 'string' &&
        isCount(r.index) &&
        typeof r.lastHash === 'string' &&
        HEX64.test(r.lastHash) &&
        typeof r.prevHash === 'string' &&
        isCount(r.lastSeq) &&
        isCount(r.firstSeq)
      ) {
        records.set(r.index, r as RetentionRecord);
        continue;
      }
    } catch {
      // fall through
    }
    bad.push(i + 1);
  }
  return { records, bad };
}
