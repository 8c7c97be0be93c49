// The hash chain: how a line's hash is computed from the previous hash, and how a written line is
// taken apart again by recovery and verification.
import * as crypto from 'node:crypto';
import { ECS_HASH_MARKER, ECS_LINE_SUFFIX } from './ecs-json-line.js';
import { OTLP_HASH_MARKER, OTLP_LINE_SUFFIX } from './otlp-json-line.js';

/** Chain value before the first record of a writer slot. */
export const GENESIS_HASH = '0'.repeat(64);

/** The text that ends an OTLP line's head (resource and scope), right before its record. */
const OTLP_HEAD_END = '"logRecords":[';

let lastHead: string | undefined;
let lastHeadDigest = '';

/** SHA-256 (hex) of an OTLP line head; the last one is remembered, as most lines share theirs. */
function headDigest(head: string): string {
  if (head !== lastHead) {
    lastHeadDigest = crypto.createHash('sha256').update(head).digest('hex');
    lastHead = head;
  }
  return lastHeadDigest;
}

/**
 * A line's chain hash from the previous hash and the line's prefix (its text up to the hash).
 * OTLP lines: SHA-256(prevHash ‖ SHA-256hex(head) ‖ record part), where the head is the text up to
 * and including the first `"logRecords":[` (it cannot occur earlier: inside a JSON string every
 * `"` is escaped), so the resource repeated on every line is hashed once per distinct head.
 * ECS lines: SHA-256(prevHash ‖ prefix). All hex is lowercase.
 */
export function chainHash(prevHash: string, prefix: string): string {
  if (prefix.startsWith('{"resourceLogs"')) {
    const cut = prefix.indexOf(OTLP_HEAD_END);
    if (cut !== -1) {
      const end = cut + OTLP_HEAD_END.length;
      return crypto
        .createHash('sha256')
        .update(prevHash)
        .update(headDigest(prefix.slice(0, end)))
        .update(prefix.slice(end))
        .digest('hex');
    }
  }
  return crypto.createHash('sha256').update(prevHash).update(prefix).digest('hex');
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
// crypto.hash (Node >= 20.12 / 21.7) skips the Hash object a createHash call allocates per line.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 (lowercase hex) of `data`. */
export const sha256Hex: (data: Uint8Array) => string =
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** A written line taken apart. */
export interface ParsedLine {
  prefix: string;
  hash: string;
  seq: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
const OTLP_SEQ = /\{"key":"seclog\.chain\.seq","value":\{"intValue":"(\d{1,16})"\}\},$/;
const ECS_SEQ = /"seclog\.chain\.seq":(\d{1,16}),$/;

/** Splits a line (without its newline) into prefix, hash and sequence; undefined if malformed. */
export function parseLine(line: string): ParsedLine | undefined {
  const otlp = line.startsWith('{"resourceLogs"');
  const suffix = otlp ? OTLP_LINE_SUFFIX : ECS_LINE_SUFFIX;
  const marker = otlp ? OTLP_HASH_MARKER : ECS_HASH_MARKER;
  if (!line.endsWith(suffix) || line.length < suffix.length + 64 + marker.length) return undefined;
  const hashStart = line.length - suffix.length - 64;
  const hash = line.slice(hashStart, hashStart + 64);
  if (!HEX64.test(hash)) return undefined;
  const prefix = line.slice(0, hashStart);
  if (!prefix.endsWith(marker)) return undefined;
  const m = (otlp ? OTLP_SEQ : ECS_SEQ).exec(prefix.slice(0, prefix.length - marker.length));
  if (m === null) return undefined;
  try {
    JSON.parse(line);
  } catch {
    return undefined;
  }
  return { prefix, hash, seq: Number(m[1]) };
}

/** True when `line` is a JSON object: the whole structural check an unchained line gets. */
export function isPlainLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
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

/** Record time (ms since epoch) of a parsed line, for the staleness check. */
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
      ).resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
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
