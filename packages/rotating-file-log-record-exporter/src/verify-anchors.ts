// verifyAnchors: checks a log directory against the anchors kept off the host (the
// `seclog.chain.anchor` records a Collector or SIEM received), which is what catches a rollback:
// an anchored position missing locally, or different.
import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChainAnchor, VerifyAnchorsResult, VerifyIssue, VerifyOptions } from './types.js';
import { ANCHOR_EVENT_NAME } from './internal/anchor-points.js';
import { GENESIS_HASH, parseRecords } from './internal/chain.js';
import { DEFAULT_MAX_LINE_BYTES, regularFileLines } from './internal/fs-safe.js';
import { verifyKeys } from './internal/verify-epochs.js';
import { scanDirectory } from './internal/slot-files.js';

const A = 'seclog.chain.anchor.';
const HEX64 = /^[0-9a-f]{64}$/;

/** An anchor found in the anchors file, with the line it is on. */
interface FoundAnchor {
  anchor: ChainAnchor;
  line: number;
}

type Lookup = (key: string) => unknown;

function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The anchor whose attributes `get` reads, or undefined when they do not make one. */
function anchorFrom(get: Lookup): ChainAnchor | undefined {
  const slot = count(get(`${A}slot`));
  const index = count(get(`${A}index`));
  const seq = count(get(`${A}seq`));
  const hash = get(`${A}hash`);
  const at = get(`${A}at`);
  if (slot === undefined || index === undefined || seq === undefined) return undefined;
  if (typeof hash !== 'string' || !HEX64.test(hash) || typeof at !== 'string') return undefined;
  // Keys in the order the writer signed them.
  const anchor: ChainAnchor = { v: 1, slot, index, seq, hash, at };
  // signedJson adds keyId, then epoch.
  const keyId = get(`${A}key_id`);
  if (typeof keyId === 'string') anchor.keyId = keyId;
  const epoch = count(get(`${A}epoch`));
  if (epoch !== undefined) anchor.epoch = epoch;
  const hmac = get(`${A}hmac`);
  if (typeof hmac === 'string') anchor.hmac = hmac;
  return anchor;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}

/**
 * Anchors in one line: an OTLP/JSON request (Collector `file` exporter), the raw anchor object
 * `onAnchor` receives, or an ECS object.
 */
function anchorsInLine(obj: Record<string, unknown>): ChainAnchor[] {
  const out: ChainAnchor[] = [];
  if (Array.isArray(obj.resourceLogs)) {
    for (const rl of obj.resourceLogs as { scopeLogs?: unknown }[]) {
      for (const sl of (Array.isArray(rl?.scopeLogs) ? rl.scopeLogs : []) as {
        logRecords?: unknown;
      }[]) {
        for (const lr of (Array.isArray(sl?.logRecords) ? sl.logRecords : []) as {
          eventName?: unknown;
          attributes?: unknown;
        }[]) {
          const attrs = new Map<string, unknown>();
          for (const kv of (Array.isArray(lr?.attributes) ? lr.attributes : []) as {
            key?: unknown;
            value?: OtlpValue;
          }[]) {
            if (typeof kv?.key !== 'string' || !kv.key.startsWith(A)) continue;
            attrs.set(kv.key, kv.value?.stringValue ?? kv.value?.intValue);
          }
          if (lr?.eventName !== ANCHOR_EVENT_NAME && !attrs.has(`${A}seq`)) continue;
          const anchor = anchorFrom((k) => attrs.get(k));
          if (anchor !== undefined) out.push(anchor);
        }
      }
    }
    return out;
  }
  // The object `onAnchor` receives, as JSON.stringify writes it (one per line).
  if (obj.v === 1 && 'seq' in obj && 'hash' in obj && 'slot' in obj) {
    const anchor = anchorFrom((k) => {
      const name = k.slice(A.length);
      return obj[name === 'key_id' ? 'keyId' : name];
    });
    if (anchor !== undefined) out.push(anchor);
    return out;
  }
  // ECS: dotted keys as Filebeat writes them, or nested objects as a SIEM may return them; a
  // search hit is unwrapped from `_source`.
  // @seclog/node's JSON console lines keep the attributes in an `attributes` object.
  const doc =
    obj._source !== null && typeof obj._source === 'object'
      ? (obj._source as Record<string, unknown>)
      : obj.attributes !== null && typeof obj.attributes === 'object' && `${A}seq` in obj.attributes
        ? (obj.attributes as Record<string, unknown>)
        : obj;
  const get: Lookup = (key) => {
    if (key in doc) return doc[key];
    let v: unknown = doc;
    for (const part of key.split('.')) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[part];
    }
    return v;
  };
  const action = get('event.action');
  if (action !== ANCHOR_EVENT_NAME && get(`${A}seq`) === undefined) return out;
  const anchor = anchorFrom(get);
  if (anchor !== undefined) out.push(anchor);
  return out;
}

/** Every distinct anchor in `file`, with the first line it is on. */
async function readAnchors(file: string): Promise<{ found: FoundAnchor[]; unparsable: number }> {
  const found: FoundAnchor[] = [];
  const seen = new Set<string>();
  let unparsable = 0;
  let line = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      unparsable++;
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) continue;
    for (const anchor of anchorsInLine(obj as Record<string, unknown>)) {
      const id = `${anchor.slot}:${anchor.seq}:${anchor.hash}`;
      if (seen.has(id)) continue;
      seen.add(id);
      found.push({ anchor, line });
    }
  }
  return { found, unparsable };
}

/** Where a record of a slot is on disk. */
interface Place {
  hash: string;
  file: string;
  line: number;
}

/**
 * Checks the directory `dir` against the anchors in `anchorsFile`: JSON lines, each an OTLP/JSON
 * `ExportLogsServiceRequest` (as the Collector's `file` exporter writes) or an ECS object (as a
 * SIEM export returns, dotted or nested, bare or as a search hit's `_source`), sniffed per line;
 * lines without an anchor are skipped. Every anchored position (slot, seq, hash) must be found in
 * the slot's files: else `anchor-missing` (files deleted, or the directory rolled back) or
 * `anchor-mismatch` (the record there differs), each naming the anchor's line and the local file.
 * A position no later than what retention deleted is a note. With `hmacKey`, each anchor must
 * carry a valid HMAC (`bad-signature` / `unsigned` on the anchor's line). Give it only the anchors
 * of this directory's writers (filter the export by host and service). Throws on I/O errors.
 */
export async function verifyAnchors(
  dir: string,
  anchorsFile: string,
  options: VerifyOptions = {},
): Promise<VerifyAnchorsResult> {
  const root = resolve(dir);
  const baseName = options.baseName ?? 'seclog';
  const { check } = verifyKeys(options, 'verifyAnchors');
  const { found, unparsable } = await readAnchors(anchorsFile);
  const issues: VerifyIssue[] = [];
  const notes: string[] = [];
  if (unparsable > 0)
    notes.push(`${anchorsFile}: ${unparsable} lines are not JSON and were skipped`);
  // An anchors file with no anchor protects nothing: say so as a failure, not a pass.
  if (found.length === 0)
    issues.push({
      kind: 'anchor-missing',
      file: anchorsFile,
      message: `${anchorsFile} holds no anchor, so nothing was checked against it: give the seclog.chain.anchor records shipped off the host (OTLP/JSON lines, ECS lines, or @seclog/node's JSON console lines)`,
    });
  const wanted = new Map<number, Set<number>>();
  for (const { anchor } of found) {
    let s = wanted.get(anchor.slot);
    if (s === undefined) wanted.set(anchor.slot, (s = new Set()));
    s.add(anchor.seq);
  }
  // A missing directory lost every anchored record: each is reported (verifyDirectory says why).
  const slots = await scanDirectory(root, baseName).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return new Map<number, never>();
    throw err;
  });
  const places = new Map<number, Map<number, Place>>();
  const ends = new Map<number, Place & { seq: number }>();
  const deletedUpTo = new Map<number, number>();
  for (const [slot, seqs] of wanted) {
    const files = slots.get(slot);
    const at = new Map<number, Place>();
    places.set(slot, at);
    if (files === undefined) continue;
    let deleted = 0;
    for (const r of files.retention.values()) {
      // Only files that are gone, by records that verify, excuse an anchor.
      const e = files.byIndex.get(r.index);
      if (e?.data !== undefined || e?.gz !== undefined) continue;
      if (check !== undefined && check(r) !== 'ok') continue;
      deleted = Math.max(deleted, r.lastSeq);
    }
    deletedUpTo.set(slot, deleted);
    for (const index of [...files.byIndex.keys()].sort((a, b) => a - b)) {
      const e = files.byIndex.get(index);
      const name = e?.data ?? e?.gz;
      if (name === undefined) continue;
      let lineNo = 0;
      try {
        // Streamed as verifyDirectory reads: a huge or gzip-bombed file costs time, not memory.
        for await (const l of regularFileLines(join(root, name), {
          gunzip: e?.data === undefined,
          maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
          counter: { bytes: 0 },
          signal: options.signal,
        })) {
          lineNo++;
          if (l.text === undefined || !l.complete) continue;
          // A line holds a batch of records (format v2): each is found by its sequence number.
          for (const parsed of parseRecords(l.text) ?? []) {
            const place = { hash: parsed.hash, file: name, line: lineNo };
            if (seqs.has(parsed.seq) && !at.has(parsed.seq)) at.set(parsed.seq, place);
            const end = ends.get(slot);
            if (end === undefined || parsed.seq >= end.seq)
              ends.set(slot, { ...place, seq: parsed.seq });
          }
        }
      } catch {
        options.signal?.throwIfAborted();
        continue; // verifyDirectory reports an unreadable file
      }
    }
  }
  const short = (h: string): string => `${h.slice(0, 12)}…`;
  for (const { anchor, line } of found) {
    const what = `anchor of slot ${anchor.slot} at sequence ${anchor.seq} (hash ${short(anchor.hash)}, ${anchor.at})`;
    if (check !== undefined) {
      const sig = check(anchor);
      if (sig !== 'ok') {
        issues.push({
          kind: sig === 'unsigned' ? 'unsigned' : 'bad-signature',
          file: anchorsFile,
          line,
          message: `${what} ${sig === 'unsigned' ? 'carries no HMAC although a key was given' : 'HMAC does not match the key'}`,
        });
        continue;
      }
    }
    if (anchor.seq === 0 && anchor.hash === GENESIS_HASH) continue;
    const place = places.get(anchor.slot)?.get(anchor.seq);
    if (place !== undefined) {
      if (place.hash !== anchor.hash) {
        issues.push({
          kind: 'anchor-mismatch',
          file: anchorsFile,
          line,
          local: { file: place.file, line: place.line },
          message: `${what} differs from ${place.file} line ${place.line}, whose hash is ${short(place.hash)}: the records up to there were replaced`,
        });
      }
      continue;
    }
    if (anchor.seq <= (deletedUpTo.get(anchor.slot) ?? 0)) {
      notes.push(`${anchorsFile} line ${line}: ${what} is in files retention deleted; not checked`);
      continue;
    }
    const end = ends.get(anchor.slot);
    issues.push({
      kind: 'anchor-missing',
      file: anchorsFile,
      line,
      ...(end !== undefined && { local: { file: end.file, line: end.line } }),
      message: `${what} is missing locally: ${
        end === undefined
          ? `slot ${anchor.slot} has no records`
          : `slot ${anchor.slot} ends at sequence ${end.seq} (${end.file} line ${end.line})`
      }; the directory was rolled back or its newest records deleted`,
    });
  }
  return { ok: issues.length === 0, issues, notes, anchorsChecked: found.length };
}
