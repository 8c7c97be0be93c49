// The hash chain: how a record's hash is computed from the previous hash, and how a written line
// is taken apart into its records again by recovery and verification.
import * as crypto from 'node:crypto';
import { ECS_HASH_MARKER, ECS_LINE_SUFFIX } from './ecs-json-line.js';
import {
  OTLP_HASH_MARKER,
  OTLP_LINE_END,
  OTLP_LINE_SUFFIX,
  OTLP_RECORD_TAIL,
} from './otlp-json-line.js';

/** Chain value before the first record of a writer slot. */
export const GENESIS_HASH = '0'.repeat(64);

/** The text that ends an OTLP line's head (resource and scope), right before its record. */
const OTLP_HEAD_END = '"logRecords":[';

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
// crypto.hash (Node >= 20.12 / 21.7) skips the Hash object a createHash call allocates per line.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 (lowercase hex) of `data`. */
const sha256Hex: (data: Uint8Array) => string =
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * The digest an OTLP line head enters the chain as: SHA-256 (lowercase hex) of its UTF-8 bytes.
 * Callers cache it, as most lines share their head.
 */
export function headDigest(head: Uint8Array | string): string {
  return sha256Hex(typeof head === 'string' ? Buffer.from(head, 'utf8') : head);
}

let lastHead: string | undefined;
let lastHeadDigest = '';

/** {@link headDigest} of a head read back from a file; the last one is remembered. */
function textHeadDigest(head: string): string {
  if (head !== lastHead) {
    lastHeadDigest = headDigest(head);
    lastHead = head;
  }
  return lastHeadDigest;
}

const HASH_HEX = 64;
/** Where every path lays out its hash input, so none allocates per record. */
let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * Lays out the start of a chain hash input in `scratch`: `prevHash` ‖ `digest` (when the line has
 * a head), with room for `bodyBytes` more; returns where the body goes. The one definition of the
 * input every writer and reader hashes (see {@link recordHash}). `prevHash` is written as UTF-8,
 * not as 64 latin1 bytes: the verifier hashes whatever a (possibly forged) seal claims.
 */
function hashInput(prevHash: string, digest: string | undefined, bodyBytes: number): number {
  const room = prevHash.length * 3 + HASH_HEX + bodyBytes;
  if (scratch.length < room) scratch = Buffer.allocUnsafe(Math.max(room, scratch.length * 2));
  const n = scratch.write(prevHash, 0, 'utf8');
  return digest === undefined ? n : n + scratch.write(digest, n, 'latin1');
}

/**
 * {@link recordHash} of a record whose body is already encoded, `buf[start, end)`: the writers
 * hash the very bytes they write. `digest` is the line head's {@link headDigest}, undefined for
 * lines without a head (ECS).
 */
export function chainHash(
  prevHash: string,
  digest: string | undefined,
  buf: Buffer,
  start: number,
  end: number,
): string {
  const at = hashInput(prevHash, digest, end - start);
  buf.copy(scratch, at, start, end);
  return sha256Hex(scratch.subarray(0, at + end - start));
}

/** One record of a written line taken apart. */
export interface ParsedRecord {
  /** The line's head (OTLP: up to and including `"logRecords":[`; ECS: empty). */
  head: string;
  /** The record's text from its `{` up to and including the opening quote of its hash. */
  body: string;
  hash: string;
  seq: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
const OTLP_SEQ = /\{"key":"seclog\.chain\.seq","value":\{"intValue":"(\d{1,16})"\}\},$/;
const ECS_SEQ = /"seclog\.chain\.seq":(\d{1,16}),$/;

/**
 * A record's chain hash from the previous hash. OTLP lines: SHA-256(prevHash ‖ SHA-256hex(head) ‖
 * body), where the head is the line's text up to and including the first `"logRecords":[` (it
 * cannot occur earlier: inside a JSON string every `"` is escaped) and the body the record's text
 * from its `{` up to and including the opening quote of its hash, so the resource is hashed once
 * per distinct head and a record hashes the same on a line of its own (v1) as among others (v2).
 * ECS lines: SHA-256(prevHash ‖ body), the line up to its hash. All hex is lowercase.
 */
export function recordHash(prevHash: string, rec: ParsedRecord): string {
  const digest = rec.head === '' ? undefined : textHeadDigest(rec.head);
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  const at = hashInput(prevHash, digest, rec.body.length * 3);
  const n = scratch.write(rec.body, at, 'utf8');
  return sha256Hex(scratch.subarray(0, at + n));
}

/**
 * Splits a chained line (without its newline) into its records, in order; undefined if malformed.
 * An ECS line holds one record. An OTLP line (format v2; v1 is the case of one record) is a head,
 * then records separated by `,`, each ending in the hash marker, 64 hex digits and `"}}]}`, then
 * `]}]}]}`: the marker cannot occur inside a value, where every `"` is escaped.
 */
export function parseRecords(line: string): ParsedRecord[] | undefined {
  const otlp = line.startsWith('{"resourceLogs"');
  const suffix = otlp ? OTLP_LINE_SUFFIX : ECS_LINE_SUFFIX;
  const marker = otlp ? OTLP_HASH_MARKER : ECS_HASH_MARKER;
  if (!line.endsWith(suffix) || line.length < suffix.length + 64 + marker.length) return undefined;
  try {
    JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!otlp) {
    const hashStart = line.length - suffix.length - 64;
    const hash = line.slice(hashStart, hashStart + 64);
    if (!HEX64.test(hash)) return undefined;
    const prefix = line.slice(0, hashStart);
    if (!prefix.endsWith(marker)) return undefined;
    const m = ECS_SEQ.exec(prefix.slice(0, prefix.length - marker.length));
    if (m === null) return undefined;
    return [{ head: '', body: prefix, hash, seq: Number(m[1]) }];
  }
  const cut = line.indexOf(OTLP_HEAD_END);
  if (cut === -1) return undefined;
  const head = line.slice(0, cut + OTLP_HEAD_END.length);
  const out: ParsedRecord[] = [];
  let pos = head.length;
  for (;;) {
    if (line.charCodeAt(pos) !== 0x7b) return undefined; // a record starts with `{`
    const at = line.indexOf(marker, pos);
    if (at === -1) return undefined;
    const hashStart = at + marker.length;
    const hash = line.slice(hashStart, hashStart + 64);
    if (!HEX64.test(hash) || !line.startsWith(OTLP_RECORD_TAIL, hashStart + 64)) return undefined;
    const m = OTLP_SEQ.exec(line.slice(pos, at));
    if (m === null) return undefined;
    out.push({ head, body: line.slice(pos, hashStart), hash, seq: Number(m[1]) });
    pos = hashStart + 64 + OTLP_RECORD_TAIL.length;
    if (line.charCodeAt(pos) === 0x2c) {
      pos++;
      continue;
    }
    return pos + OTLP_LINE_END.length === line.length && line.endsWith(OTLP_LINE_END)
      ? out
      : undefined;
  }
}

/**
 * The records of an unchained line, the whole structural check it gets: 0 unless it is a JSON
 * object; an OTLP request's `logRecords`, counted; else 1 (an ECS line).
 */
export function plainLineRecords(line: string): number {
  if (!line.startsWith('{')) return 0;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 0;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 0;
  const rl = (v as { resourceLogs?: unknown }).resourceLogs;
  if (!line.startsWith('{"resourceLogs"') || !Array.isArray(rl)) return 1;
  let n = 0;
  for (const r of rl as { scopeLogs?: { logRecords?: unknown[] }[] }[]) {
    for (const s of r?.scopeLogs ?? []) n += Array.isArray(s?.logRecords) ? s.logRecords.length : 0;
  }
  return n;
}

/** True when `line` is a JSON object: see {@link plainLineRecords}. */
export function isPlainLine(line: string): boolean {
  return plainLineRecords(line) > 0;
}

/**
 * Whether a file whose first complete line is `firstLine` was written with the hash chain on:
 * a line carrying the hash field says yes (even when damaged, so a broken chained line is a break
 * and never passes as unchained), any other JSON object says no; without a usable line,
 * `fallback`. The markers cannot occur inside a JSON string, where every `"` is escaped.
 */
export function isChainedFile(firstLine: string | undefined, fallback: boolean): boolean {
  if (firstLine === undefined) return fallback;
  if (firstLine.includes(OTLP_HASH_MARKER) || firstLine.includes(`,${ECS_HASH_MARKER}`))
    return true;
  return isPlainLine(firstLine) ? false : fallback;
}

/** Record time (ms since epoch) of a parsed line's last record, for the staleness check. */
export function lineTimeMs(line: string): number | undefined {
  try {
    const obj = JSON.parse(line) as Record<string, unknown>;
    if ('resourceLogs' in obj) {
      const rec = (
        obj as {
          resourceLogs: {
            scopeLogs: { logRecords: { timeUnixNano?: string; observedTimeUnixNano?: string }[] }[];
          }[];
        }
      ).resourceLogs
        .at(-1)
        ?.scopeLogs.at(-1)
        ?.logRecords.at(-1);
      const ns =
        rec?.timeUnixNano !== undefined && rec.timeUnixNano !== '0'
          ? rec.timeUnixNano
          : rec?.observedTimeUnixNano;
      return ns === undefined ? undefined : Number(BigInt(ns) / 1_000_000n);
    }
    const ts = obj['@timestamp'];
    return typeof ts === 'string' ? Date.parse(ts) : undefined;
  } catch {
    return undefined;
  }
}
