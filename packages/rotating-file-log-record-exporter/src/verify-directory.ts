// verifyDirectory: checks every writer slot's hash chain, seals and retention records in a log
// directory and names the first break (file, line, record within the line, kind).
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { VerifyIssue, VerifyOptions, VerifyResult } from './types.js';
import {
  GENESIS_HASH,
  isChainedFile,
  lineTimeMs,
  parseRecords,
  plainLineRecords,
  recordHash,
} from './internal/chain.js';
import { dataName, headName, lockName, pointerName, sealName } from './internal/file-names.js';
import { readHead, type Head } from './internal/head.js';
import { checkSignature, parseSeal, type Seal } from './internal/seal.js';
import { readRegularFile } from './internal/fs-safe.js';
import { readSmall, scanDirectory, type SlotFiles } from './internal/slot-files.js';
import { heldByThisProcess, lockHolderAlive } from './internal/slot-lock.js';

interface SlotCheck {
  issues: VerifyIssue[];
  notes: string[];
  files: number;
  records: number;
  newest: number | undefined;
  /** The slot's head, when it has a trustworthy one. */
  head: Head | undefined;
}

/**
 * A recovered seal keeps the signed head recovery found: the file must still reach that position
 * (else records were removed before the restart, and recovery did not hide it), and without a head
 * to trust a cut cannot be ruled out.
 */
function checkRecovered(
  out: SlotCheck,
  present: string,
  index: number,
  seal: Seal,
  endSeq: number,
  found: Map<number, string | undefined>,
  keyed: boolean,
): boolean {
  const signed = seal.signed;
  if (seal.recovered !== true || signed === undefined || signed === 'older') return true;
  if (typeof signed === 'string') {
    const why = `${present} was recovered after a crash without a ${signed === 'bad' ? 'valid ' : ''}signed head to check it against, so records cut before the restart cannot be ruled out (expected only once, when a directory from a version without heads is first reopened)`;
    if (keyed) {
      out.issues.push({ kind: 'unsigned-state', file: present, message: why });
      return false;
    }
    out.notes.push(why);
    return true;
  }
  if (signed.index !== index) return true;
  if (endSeq < signed.seq || (found.has(signed.seq) && found.get(signed.seq) !== signed.hash)) {
    out.issues.push({
      kind: 'truncated',
      file: present,
      message: `${present} was cut below its signed state before the restart: it ends at sequence ${endSeq}, the head had vouched for ${signed.seq} (acknowledged records were removed; a crash cannot do this)`,
    });
    return false;
  }
  if (endSeq > signed.seq) {
    out.notes.push(
      `${present}: records ${signed.seq + 1} to ${endSeq} were written after the last signed state and never acknowledged (the writer was killed); the key does not vouch for them`,
    );
  }
  return true;
}

function signatureIssue(
  value: { hmac?: unknown; keyId?: unknown },
  key: string | Uint8Array | undefined,
  file: string,
  what: string,
): VerifyIssue | undefined {
  if (key === undefined) return undefined;
  const r = checkSignature(value, key);
  if (r === 'ok') return undefined;
  return r === 'unsigned'
    ? { kind: 'unsigned', file, message: `${what} carries no HMAC although a key was given` }
    : {
        kind: 'bad-signature',
        file,
        message: `${what} HMAC does not match the key${typeof value.keyId === 'string' ? ` (seal says key id ${value.keyId})` : ''}`,
      };
}

/**
 * Structure-only check of a file written with the hash chain off: whole lines, each a JSON object,
 * and (when sealed) as many records and bytes as the seal says. Returns false on a break.
 */
function checkUnchained(
  out: SlotCheck,
  present: string,
  text: string,
  bytes: number,
  seal: Seal | undefined,
  writerLive: boolean,
): boolean {
  let lineNo = 0;
  let start = 0;
  let count = 0;
  let lastLine: string | undefined;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    lineNo++;
    if (nl === -1) {
      if (seal !== undefined) {
        out.issues.push({
          kind: 'truncated',
          file: present,
          line: lineNo,
          message: `line ${lineNo} is cut short`,
        });
        return false;
      }
      out.notes.push(
        `${present} ends in a partial line ${lineNo} (${writerLive ? 'being written' : 'torn by a crash; the next start sets it aside'})`,
      );
      break;
    }
    const line = text.slice(start, nl);
    start = nl + 1;
    const n = plainLineRecords(line);
    if (n === 0) {
      if (seal === undefined && start >= text.length && !writerLive) {
        out.notes.push(
          `${present} line ${lineNo} is torn (writer gone; the next start sets it aside)`,
        );
        break;
      }
      out.issues.push({
        kind: 'unparsable-line',
        file: present,
        line: lineNo,
        message: `line ${lineNo} is not a JSON record line`,
      });
      return false;
    }
    count += n;
    lastLine = line;
  }
  out.records += count;
  if (seal !== undefined) {
    if (count < seal.count) {
      out.issues.push({
        kind: 'truncated',
        file: present,
        line: lineNo + 1,
        message: `file ends after ${count} records, seal says ${seal.count}`,
      });
      return false;
    }
    if (bytes !== seal.bytes || count !== seal.count) {
      out.issues.push({
        kind: 'seal-mismatch',
        file: present,
        message: `file has ${bytes} bytes and ${count} records, seal says ${seal.bytes} and ${seal.count}`,
      });
      return false;
    }
    if (seal.torn !== undefined) {
      out.notes.push(
        `${present}: a torn last line (${seal.torn.bytes} bytes) was set aside in ${seal.torn.file} after a crash`,
      );
    }
  } else if (!writerLive) {
    out.notes.push(
      `${present} is unsealed and its writer is gone (a crash); the next start seals it`,
    );
  }
  if (lastLine !== undefined) {
    const t = lineTimeMs(lastLine);
    if (t !== undefined && (out.newest === undefined || t > out.newest)) out.newest = t;
  }
  return true;
}

async function checkSlot(
  dir: string,
  baseName: string,
  files: SlotFiles,
  opts: VerifyOptions,
): Promise<SlotCheck> {
  const out: SlotCheck = {
    issues: [],
    notes: [],
    files: 0,
    records: 0,
    newest: undefined,
    head: undefined,
  };
  const slot = files.slot;
  const keyed = opts.hmacKey !== undefined;
  const indexes = [...files.byIndex.keys(), ...files.retention.keys()];
  let top = indexes.length === 0 ? 0 : Math.max(...indexes);
  const headFile = headName(baseName, slot);
  const headState = await readHead(dir, baseName, slot, opts.hmacKey);
  if (headState.kind === 'ok') {
    out.head = headState.head;
    top = Math.max(top, headState.head.index);
  } else if (headState.kind === 'bad') {
    out.issues.push({
      kind: 'bad-signature',
      file: headFile,
      message: `the signed head ${headState.why}; the newest records cannot be vouched for`,
    });
  } else if (keyed) {
    out.issues.push({
      kind: 'missing-head',
      file: headFile,
      message: `${headFile} is missing: nothing vouches for the newest records of this slot, so deleting or cutting them cannot be ruled out`,
    });
  }
  // Chain positions to look up on the way: the head's, and those recovery seals recorded.
  const found = new Map<number, string | undefined>();
  if (out.head !== undefined)
    found.set(out.head.seq, out.head.seq === 0 ? GENESIS_HASH : undefined);
  const pointer = (await readSmall(join(dir, pointerName(baseName, slot))))?.trim();
  if (pointer !== undefined && pointer !== '') {
    const m = /-(\d{6,12})\.ndjson$/.exec(pointer);
    const pIndex = m === null ? undefined : Number(m[1]);
    if (pIndex !== undefined && pIndex > top) {
      out.issues.push({
        kind: 'missing-file',
        file: pointer,
        message: `current-file pointer names ${pointer}, which is missing`,
      });
      top = pIndex;
    }
  }
  const lockPath = join(dir, lockName(baseName, slot));
  const lockText = await readSmall(lockPath);
  const writerLive =
    heldByThisProcess(resolve(lockPath)) ||
    (lockText !== undefined && lockText !== '' && lockHolderAlive(lockText));
  for (const bad of files.retentionBadLines) {
    out.issues.push({
      kind: 'unparsable-line',
      file: `${baseName}${slot === 0 ? '' : `-w${slot}`}.retention`,
      line: bad,
      message: 'retention record does not parse',
    });
  }
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  let resync = false;
  const retained: string[] = [];
  // Indexes something is known about, ascending: a run of unknown ones between them is one gap,
  // reported once, so a pointer or file name with a huge index costs nothing.
  const known = [...new Set(indexes)].sort((a, b) => a - b);
  let k = 0;
  for (let index = 1; index <= top; index++) {
    while (k < known.length && known[k]! < index) k++;
    if (known[k] !== index) {
      const last = k < known.length ? known[k]! - 1 : top;
      const first = dataName(baseName, slot, index);
      out.issues.push({
        kind: 'missing-file',
        file: first,
        message:
          last === index
            ? `${first} is missing and no retention record explains it`
            : `${first} to ${dataName(baseName, slot, last)} (${last - index + 1} files) are missing and no retention record explains them`,
      });
      resync = true;
      index = last;
      continue;
    }
    const e = files.byIndex.get(index) ?? {};
    const name = dataName(baseName, slot, index);
    const deleted = files.retention.get(index);
    const present = e.data ?? e.gz;
    let seal: Seal | undefined;
    if (e.seal !== undefined) {
      const text = await readSmall(join(dir, sealName(baseName, slot, index)));
      seal = text === undefined ? undefined : parseSeal(text);
      if (seal === undefined) {
        out.issues.push({ kind: 'seal-mismatch', file: e.seal, message: 'seal does not parse' });
        return out;
      }
      const sig = signatureIssue(seal, opts.hmacKey, e.seal, 'seal');
      if (sig !== undefined) {
        out.issues.push(sig);
        return out;
      }
    }
    if (present === undefined) {
      if (deleted !== undefined) {
        const sig = signatureIssue(deleted, opts.hmacKey, `${name}`, 'retention record');
        if (sig !== undefined) {
          out.issues.push(sig);
          return out;
        }
        retained.push(name);
        prevHash = deleted.lastHash;
        prevSeq = deleted.lastSeq;
        continue;
      }
      if (seal !== undefined && seal.count === 0) {
        if (!checkRecovered(out, name, index, seal, prevSeq, found, keyed)) return out;
        prevHash = seal.lastHash;
        prevSeq = seal.lastSeq;
        continue;
      }
      out.issues.push({
        kind: 'missing-file',
        file: name,
        message: `${name} is missing and no retention record explains it`,
      });
      if (seal === undefined) {
        resync = true;
        continue;
      }
      prevHash = seal.lastHash;
      prevSeq = seal.lastSeq;
      continue;
    }
    out.files++;
    const isLast = index === top;
    if (seal === undefined && !isLast) {
      out.issues.push({
        kind: 'missing-seal',
        file: present,
        message: `${present} was closed but its seal is missing`,
      });
      return out;
    }
    if (resync && seal !== undefined) {
      // The previous file is missing (already reported): pick the chain up from this seal.
      prevHash = seal.prevHash;
      prevSeq = seal.firstSeq - 1;
      resync = false;
    }
    let buf: Buffer;
    try {
      const raw = await readRegularFile(join(dir, present));
      buf = e.data !== undefined ? raw : gunzipSync(raw);
    } catch (err) {
      out.issues.push({
        kind: 'unparsable-line',
        file: present,
        message: `cannot read: ${(err as Error).message}`,
      });
      return out;
    }
    const text = buf.toString('utf8');
    const firstNl = text.indexOf('\n');
    const chained =
      seal !== undefined
        ? seal.chained !== false
        : isChainedFile(firstNl === -1 ? undefined : text.slice(0, firstNl), true);
    if (!chained) {
      // Written with hashChain: false. The chain passes through such a file untouched, so the
      // next chained file links to the last chained file before it.
      if (opts.allowUnchained === true) {
        out.notes.push(
          `${present} is unchained (hashChain: false): only its structure was checked`,
        );
      } else {
        out.issues.push({
          kind: 'unchained',
          file: present,
          message: `${present} was written with hashChain: false; its lines cannot be checked for tampering`,
        });
      }
      if (
        seal !== undefined &&
        (seal.prevHash !== prevHash ||
          seal.lastHash !== seal.prevHash ||
          seal.lastSeq !== seal.firstSeq - 1 ||
          seal.firstSeq !== prevSeq + 1)
      ) {
        out.issues.push({
          kind: 'seal-mismatch',
          file: present,
          message: 'unchained seal does not pass the chain of the previous file through',
        });
        return out;
      }
      if (!checkUnchained(out, present, text, buf.length, seal, writerLive)) return out;
      continue;
    }
    if (seal !== undefined && seal.prevHash !== prevHash) {
      out.issues.push({
        kind: 'hash-mismatch',
        file: present,
        line: 1,
        message: 'file does not continue the chain of the previous file',
      });
      return out;
    }
    const signed = seal?.recovered === true ? seal.signed : undefined;
    if (typeof signed === 'object' && !found.has(signed.seq))
      found.set(signed.seq, signed.seq === prevSeq ? prevHash : undefined);
    const recordsBefore = out.records;
    let lineNo = 0;
    let start = 0;
    let lastLine: string | undefined;
    let broken = false;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      lineNo++;
      if (nl === -1) {
        if (seal === undefined) {
          out.notes.push(
            `${present} ends in a partial line ${lineNo} (${writerLive ? 'being written' : 'torn by a crash; the next start sets it aside'})`,
          );
        } else {
          out.issues.push({
            kind: 'truncated',
            file: present,
            line: lineNo,
            message: `line ${lineNo} is cut short`,
          });
          broken = true;
        }
        break;
      }
      const line = text.slice(start, nl);
      start = nl + 1;
      const records = parseRecords(line);
      if (records === undefined) {
        if (seal === undefined && start >= text.length && !writerLive) {
          out.notes.push(
            `${present} line ${lineNo} is torn (writer gone; the next start sets it aside)`,
          );
          break;
        }
        out.issues.push({
          kind: 'unparsable-line',
          file: present,
          line: lineNo,
          message: `line ${lineNo} is not a valid chained record line`,
        });
        broken = true;
        break;
      }
      // Records are named by line, and by their place on it when the line holds several.
      const where = (r: number): string =>
        records.length === 1 ? `line ${lineNo}` : `line ${lineNo} record ${r}`;
      for (let r = 1; r <= records.length; r++) {
        const parsed = records[r - 1] as (typeof records)[number];
        if (resync) {
          // The file before this one is missing (already reported): its first record cannot be
          // linked, so the chain is picked up from it.
          resync = false;
          prevHash = parsed.hash;
          prevSeq = parsed.seq;
          if (found.has(prevSeq)) found.set(prevSeq, prevHash);
          out.records++;
          continue;
        }
        if (parsed.seq !== prevSeq + 1) {
          // A jump ahead is a deletion unless the expected record turns up later (then: reordered).
          const expected = prevSeq + 1;
          const later =
            records.some((x) => x.seq === expected) ||
            text.includes(`{"key":"seclog.chain.seq","value":{"intValue":"${expected}"}}`, start) ||
            text.includes(`"seclog.chain.seq":${expected},`, start);
          const kind = parsed.seq > expected && !later ? 'line-missing' : 'line-out-of-order';
          out.issues.push({
            kind,
            file: present,
            line: lineNo,
            ...(records.length > 1 ? { record: r } : {}),
            message: `${where(r)} has sequence ${parsed.seq}, expected ${prevSeq + 1}`,
          });
          broken = true;
          break;
        }
        if (recordHash(prevHash, parsed) !== parsed.hash) {
          out.issues.push({
            kind: 'hash-mismatch',
            file: present,
            line: lineNo,
            ...(records.length > 1 ? { record: r } : {}),
            message: `${where(r)} was altered (hash does not match)`,
          });
          broken = true;
          break;
        }
        if (seal !== undefined && parsed.seq > seal.lastSeq) {
          out.issues.push({
            kind: 'seal-mismatch',
            file: present,
            line: lineNo,
            ...(records.length > 1 ? { record: r } : {}),
            message: `${where(r)} lies beyond the sealed end (sequence ${seal.lastSeq})`,
          });
          broken = true;
          break;
        }
        prevHash = parsed.hash;
        prevSeq = parsed.seq;
        if (found.has(prevSeq)) found.set(prevSeq, prevHash);
        out.records++;
      }
      if (broken) break;
      lastLine = line;
    }
    if (broken) return out;
    if (seal !== undefined) {
      if (prevSeq < seal.lastSeq || prevHash !== seal.lastHash) {
        out.issues.push({
          kind: 'truncated',
          file: present,
          line: lineNo + 1,
          message: `file ends after sequence ${prevSeq}, seal says ${seal.lastSeq}`,
        });
        return out;
      }
      if (buf.length !== seal.bytes || out.records - recordsBefore !== seal.count) {
        out.issues.push({
          kind: 'seal-mismatch',
          file: present,
          message: `file has ${buf.length} bytes and ${out.records - recordsBefore} records, seal says ${seal.bytes} and ${seal.count}`,
        });
        return out;
      }
      if (!checkRecovered(out, present, index, seal, prevSeq, found, keyed)) return out;
      if (seal.torn !== undefined) {
        out.notes.push(
          `${present}: a torn last line (${seal.torn.bytes} bytes) was set aside in ${seal.torn.file} after a crash`,
        );
      }
    } else if (!writerLive) {
      out.notes.push(
        `${present} is unsealed and its writer is gone (a crash); the next start seals it`,
      );
    }
    if (lastLine !== undefined) {
      const t = lineTimeMs(lastLine);
      if (t !== undefined && (out.newest === undefined || t > out.newest)) out.newest = t;
    }
  }
  const h = out.head;
  if (h !== undefined) {
    const at = dataName(baseName, slot, h.index);
    const hashAt = found.get(h.seq) ?? (prevSeq === h.seq ? prevHash : undefined);
    if (prevSeq < h.seq) {
      out.issues.push({
        kind: 'truncated',
        file: at,
        message: `the signed head vouches for records up to sequence ${h.seq} (in ${at}), but the chain ends at ${prevSeq}: acknowledged records were deleted or cut`,
      });
    } else if (hashAt !== undefined && hashAt !== h.hash) {
      out.issues.push({
        kind: 'hash-mismatch',
        file: at,
        message: `the record at sequence ${h.seq} is not the one the signed head vouches for`,
      });
    } else if (prevSeq > h.seq) {
      out.notes.push(
        writerLive
          ? `records ${h.seq + 1} to ${prevSeq} are being written (not yet signed)`
          : `records ${h.seq + 1} to ${prevSeq} come after the last signed state: written by a writer killed before it acknowledged them, or added by someone else; the key does not vouch for them`,
      );
    }
  }
  if (retained.length > 0) {
    out.notes.unshift(
      retained.length === 1
        ? `${retained[0]} removed by retention`
        : `${retained.length} files removed by retention (${retained[0]} to ${retained.at(-1)})`,
    );
  }
  return out;
}

/**
 * Verifies a directory written by RotatingFileLogRecordExporter: for each writer slot, every
 * record's sequence number and SHA-256 chain (a line may hold several records: format v2), each file's seal (count, last hash, size, and HMAC when
 * `hmacKey` is given), the link from each file to the previous one, and that every missing file
 * is covered by a retention record. A file written with `hashChain: false` is an `'unchained'`
 * issue unless `allowUnchained` is set; then it is noted and only its structure is checked.
 * Resolves with the findings; rejects only when the directory itself cannot be read.
 */
export async function verifyDirectory(
  directory: string,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const baseName = options.baseName ?? 'seclog';
  const slots = await scanDirectory(directory, baseName);
  const result: VerifyResult = {
    ok: true,
    issues: [],
    notes: [],
    filesChecked: 0,
    recordsChecked: 0,
    newestRecordMs: undefined,
  };
  // Slots are taken lowest free first, so the slots a head knew of are 0 to slots - 1.
  let knownSlots = 0;
  let knownBy = 0;
  for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
    const files = slots.get(slot);
    if (files === undefined) continue;
    const r = await checkSlot(directory, baseName, files, options);
    if (r.head !== undefined && r.head.slots > knownSlots) {
      knownSlots = r.head.slots;
      knownBy = slot;
    }
    result.issues.push(...r.issues);
    result.notes.push(...r.notes);
    result.filesChecked += r.files;
    result.recordsChecked += r.records;
    if (
      r.newest !== undefined &&
      (result.newestRecordMs === undefined || r.newest > result.newestRecordMs)
    ) {
      result.newestRecordMs = r.newest;
    }
  }
  for (let s = 0; s < knownSlots; s++) {
    if (slots.has(s)) continue;
    result.issues.push({
      kind: 'missing-slot',
      file: headName(baseName, s),
      message: `writer slot ${s} is gone (no files, no head), though the signed head of slot ${knownBy} knew of ${knownSlots} slots`,
    });
  }
  if (options.hmacKey !== undefined && slots.size === 0) {
    result.issues.push({
      kind: 'missing-head',
      file: directory,
      message:
        'no signed head: nothing here was written by the exporter, or everything it wrote was deleted',
    });
  }
  if (options.maxAgeMs !== undefined) {
    const now = options.now ?? Date.now();
    if (result.newestRecordMs === undefined || now - result.newestRecordMs > options.maxAgeMs) {
      result.issues.push({
        kind: 'stale',
        file: directory,
        message:
          result.newestRecordMs === undefined
            ? 'no record found'
            : `newest record is ${Math.round((now - result.newestRecordMs) / 1000)} s old (limit ${Math.round(options.maxAgeMs / 1000)} s)`,
      });
    }
  }
  result.ok = result.issues.length === 0;
  return result;
}
