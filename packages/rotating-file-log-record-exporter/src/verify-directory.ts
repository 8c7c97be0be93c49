// verifyDirectory: checks every writer slot's hash chain, seals and retention records in a log
// directory and names the first break (file, line, record within the line, kind).
import { join, resolve } from 'node:path';
import type { VerifyIssue, VerifyOptions, VerifyResult } from './types.js';
import {
  GENESIS_HASH,
  isChainedFile,
  lineTimeMs,
  parseRecords,
  plainLineRecords,
  recordHash,
} from './internal/chain.js';
import {
  dataName,
  headName,
  lockName,
  pointerName,
  retentionName,
  sealName,
} from './internal/file-names.js';
import { readHead, type Head, type HeadState } from './internal/head.js';
import { parseSeal, type Seal, type SignatureCheck } from './internal/seal.js';
import {
  checkEpochs,
  verifyKeys,
  type EpochKeys,
  type Checkpoint,
} from './internal/verify-epochs.js';
import { epochsName } from './internal/file-names.js';
import { checkpointIssue, findCheckpointHashes } from './internal/verify-checkpoints.js';
import { DEFAULT_MAX_LINE_BYTES, regularFileLines, type FileLine } from './internal/fs-safe.js';
import { noFilesIssue } from './internal/no-files.js';
import { maxIndex, readSmall, scanDirectory, type SlotFiles } from './internal/slot-files.js';
import { heldByThisProcess, lockHolderAlive, MAX_SLOTS } from './internal/slot-lock.js';

function tooLong(file: string, line: number, max: number): VerifyIssue {
  return {
    kind: 'unparsable-line',
    file,
    line,
    message: `line ${line} is longer than ${max} bytes (the verify limit), so it was not checked`,
  };
}

function unreadable(file: string, err: unknown): VerifyIssue {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ESPARSE') {
    const { size, holes } = err as { size: number; holes: number };
    return {
      kind: 'planted-file',
      file,
      message: `${file} has ${size} bytes of which ${holes} are holes, which the exporter never writes (planted); it was not read`,
    };
  }
  return code === 'EUNSAFE'
    ? { kind: 'planted-file', file, message: `${file} is not a regular file (possibly planted)` }
    : { kind: 'unparsable-line', file, message: `cannot read: ${(err as Error).message}` };
}

interface SlotCheck {
  issues: VerifyIssue[];
  notes: string[];
  files: number;
  records: number;
  newest: number | undefined;
  /** The slot's head, when it has a trustworthy one. */
  head: Head | undefined;
  /** Forward-secure mode: the last epoch checkpointed, and the newest epoch of a valid signature. */
  sealedTo: number | undefined;
  signedIn: number;
  /** Without a key: the key id of the first signed seal met (signatures that went unchecked). */
  signedBy: string | undefined;
  /** Said when the slot's sealing ends, unless the directory's other slots show it should not. */
  sealingEnds: string | undefined;
  /** Forward-secure mode: the positions the checkpoints vouch for, and what the walk found there. */
  checkpoints: Checkpoint[];
  found: Map<number, string | undefined>;
  /** Where the walk ended; `complete` when it reached the end of the chain. */
  endSeq: number;
  complete: boolean;
  /** The last sequence number in files retention deleted (by records that verified and linked). */
  retainedUpTo: number;
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
  value: { hmac?: unknown; keyId?: unknown; epoch?: unknown; slot?: unknown },
  check: SignatureCheck | undefined,
  file: string,
  what: string,
): VerifyIssue | undefined {
  if (check === undefined) return undefined;
  const r = check(value);
  if (r === 'ok') return undefined;
  return r === 'unsigned'
    ? { kind: 'unsigned', file, message: `${what} carries no HMAC although a key was given` }
    : {
        kind: 'bad-signature',
        file,
        message: `${what} HMAC does not match the key${typeof value.epoch === 'number' ? ` of epoch ${value.epoch}` : ''}${typeof value.keyId === 'string' ? ` (it says key id ${value.keyId})` : ''}`,
      };
}

/**
 * Structure-only check of a file written with the hash chain off: whole lines, each a JSON object,
 * and (when sealed) as many records and bytes as the seal says. Returns false on a break.
 */
async function checkUnchained(
  out: SlotCheck,
  present: string,
  lines: AsyncIterable<FileLine>,
  counter: { bytes: number },
  seal: Seal | undefined,
  writerLive: boolean,
  maxLineBytes: number,
): Promise<boolean> {
  let lineNo = 0;
  let count = 0;
  let lastLine: string | undefined;
  for await (const l of lines) {
    lineNo++;
    if (!l.complete) {
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
    const line = l.text;
    if (line === undefined) {
      out.issues.push(tooLong(present, lineNo, maxLineBytes));
      return false;
    }
    const n = plainLineRecords(line);
    if (n === 0) {
      if (seal === undefined && l.last && !writerLive) {
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
  const bytes = counter.bytes;
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

/**
 * A writer checkpoints every ended epoch before it signs with a later key, so a signature of
 * epoch E with no checkpoint for an epoch before E means checkpoints were removed: what those
 * epochs sealed was cut, and what follows was signed with a key stolen later.
 */
async function checkSlot(
  dir: string,
  baseName: string,
  files: SlotFiles,
  opts: VerifyOptions,
  check: SignatureCheck | undefined,
  keys: EpochKeys | undefined,
): Promise<SlotCheck> {
  const out = await walkSlot(dir, baseName, files, opts, check, keys);
  if (out.checkpoints.length > 0) {
    // A checkpoint that disagrees with the chain is always said, not only when nothing broke first.
    const { found, endSeq } = out.complete
      ? out
      : await findCheckpointHashes(dir, files, out.checkpoints, out.found, {
          maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
          signal: opts.signal,
        });
    const issue = checkpointIssue(
      baseName,
      files.slot,
      out.checkpoints,
      found,
      endSeq,
      out.retainedUpTo,
    );
    if (issue !== undefined) out.issues.push(issue);
  }
  if (keys === undefined || out.sealedTo === undefined) return out;
  if (out.signedIn > out.sealedTo + 1) {
    out.issues.push({
      kind: 'missing-epoch',
      file: epochsName(baseName, files.slot),
      message: `records are signed in epoch ${out.signedIn}, but no checkpoint covers epochs ${out.sealedTo + 1} to ${out.signedIn - 1} (until ${keys.endOf(out.signedIn - 1)}): what they sealed was cut, and what follows was signed with a later key`,
    });
  }
  return out;
}

async function walkSlot(
  dir: string,
  baseName: string,
  files: SlotFiles,
  opts: VerifyOptions,
  slotCheck: SignatureCheck | undefined,
  keys: EpochKeys | undefined,
): Promise<SlotCheck> {
  const out: SlotCheck = {
    issues: [],
    notes: [],
    files: 0,
    records: 0,
    newest: undefined,
    head: undefined,
    sealedTo: undefined,
    signedIn: -1,
    signedBy: undefined,
    sealingEnds: undefined,
    checkpoints: [],
    found: new Map(),
    endSeq: 0,
    complete: false,
    retainedUpTo: -1,
  };
  // Remembers the newest epoch that signed something valid here (see checkSlot).
  const check: SignatureCheck | undefined =
    slotCheck === undefined
      ? undefined
      : (value) => {
          const r = slotCheck(value);
          if (r === 'ok' && typeof value.epoch === 'number')
            out.signedIn = Math.max(out.signedIn, value.epoch);
          return r;
        };
  const slot = files.slot;
  const keyed = check !== undefined;
  const indexes = [...files.byIndex.keys(), ...files.retention.keys()];
  let top = maxIndex(files);
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  // Things that are not regular files where the slot's files belong (FIFOs, symlinks, devices):
  // reported, and never read.
  const planted = new Set(files.notRegular);
  for (const name of [...planted].sort()) {
    out.issues.push({
      kind: 'planted-file',
      file: name,
      message: `${name} is not a regular file (possibly planted); it was not read`,
    });
  }
  const headFile = headName(baseName, slot);
  // Only names the directory listed are opened: 100k slots cost no 300k failed opens.
  const headState: HeadState = files.head
    ? await readHead(dir, baseName, slot, check)
    : { kind: 'missing' };
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
  const found = out.found;
  if (out.head !== undefined)
    found.set(out.head.seq, out.head.seq === 0 ? GENESIS_HASH : undefined);
  const pointer = files.pointer
    ? (await readSmall(join(dir, pointerName(baseName, slot))))?.trim()
    : undefined;
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
  const lockText = files.lock ? await readSmall(lockPath) : undefined;
  const writerLive =
    heldByThisProcess(resolve(lockPath)) ||
    (lockText !== undefined && lockText !== '' && lockHolderAlive(lockText));
  // Forward-secure mode: every position a checkpoint vouches for is looked up on the way.
  if (keys !== undefined) {
    const ep = await checkEpochs(dir, baseName, slot, keys, writerLive, opts.now ?? Date.now());
    out.issues.push(...ep.issues);
    out.notes.push(...ep.notes);
    out.sealingEnds = ep.sealingEnds;
    out.checkpoints = ep.checkpoints;
    out.sealedTo = ep.lastEpoch;
    for (const c of out.checkpoints)
      if (!found.has(c.seq)) found.set(c.seq, c.seq === 0 ? GENESIS_HASH : undefined);
  }
  if (files.retentionUnread) {
    const name = retentionName(baseName, slot);
    out.issues.push({
      kind: 'planted-file',
      file: name,
      message: `${name} is over 16 MiB (possibly planted; verify reads retention lists of up to 16 MiB): it was not read, so it explains no missing file`,
    });
  }
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
    opts.signal?.throwIfAborted();
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
    // Already reported as unsafe-file; what follows in the slot cannot be checked.
    if (
      (e.seal !== undefined && planted.has(e.seal)) ||
      (present !== undefined && planted.has(present))
    )
      return out;
    let seal: Seal | undefined;
    if (e.seal !== undefined) {
      const text = await readSmall(join(dir, sealName(baseName, slot, index)));
      seal = text === undefined ? undefined : parseSeal(text);
      if (seal === undefined) {
        out.issues.push({ kind: 'seal-mismatch', file: e.seal, message: 'seal does not parse' });
        return out;
      }
      if (check === undefined && typeof seal.hmac === 'string')
        out.signedBy ??= typeof seal.keyId === 'string' ? seal.keyId : '';
      const sig = signatureIssue(seal, check, e.seal, 'seal');
      if (sig !== undefined) {
        out.issues.push(sig);
        return out;
      }
      // A signed seal copied to another file's name must not vouch for that file.
      if (seal.index !== index || seal.slot !== slot || seal.file !== name) {
        out.issues.push({
          kind: 'seal-mismatch',
          file: e.seal,
          message: `the seal at ${e.seal} is the seal of ${seal.file} (slot ${seal.slot}, index ${seal.index})`,
        });
        return out;
      }
    }
    if (present === undefined) {
      if (deleted !== undefined) {
        const sig = signatureIssue(deleted, check, `${name}`, 'retention record');
        if (sig !== undefined) {
          out.issues.push(sig);
          return out;
        }
        if (
          deleted.slot !== slot ||
          (!resync && (deleted.prevHash !== prevHash || deleted.firstSeq !== prevSeq + 1))
        ) {
          out.issues.push({
            kind: 'hash-mismatch',
            file: name,
            message: `the retention record of ${name} does not continue the chain of the file before it`,
          });
          return out;
        }
        resync = false;
        retained.push(name);
        out.retainedUpTo = Math.max(out.retainedUpTo, deleted.lastSeq);
        prevHash = deleted.lastHash;
        prevSeq = deleted.lastSeq;
        continue;
      }
      if (seal !== undefined && seal.count === 0) {
        // An empty file passes the chain through unchanged, from exactly where it stood.
        if (
          (!resync && (seal.prevHash !== prevHash || seal.firstSeq !== prevSeq + 1)) ||
          seal.lastHash !== seal.prevHash ||
          seal.lastSeq !== seal.firstSeq - 1
        ) {
          out.issues.push({
            kind: 'hash-mismatch',
            file: e.seal ?? name,
            message: `the seal of the empty ${name} does not continue the chain of the file before it`,
          });
          return out;
        }
        resync = false;
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
    const oversized = seal?.recovered === true ? seal.oversized : undefined;
    if (oversized !== undefined) {
      out.issues.push({
        kind: 'oversized-file',
        file: present,
        message: `${present} had ${oversized.size} bytes (${oversized.allocated} allocated) when recovery found it, more than the writer makes or with holes (planted); only the ${seal!.bytes} bytes its seal covers were checked`,
      });
    }
    const counter = { bytes: 0 };
    const it = regularFileLines(join(dir, present), {
      gunzip: e.data === undefined,
      maxLineBytes,
      counter,
      signal: opts.signal,
      // Holes cost an intruder no disk but verify the time to read them: such a file is not read.
      refuseHoles: oversized === undefined,
      limit: oversized === undefined ? undefined : seal!.bytes,
    });
    // The first line decides whether the file is chained; it is then checked with the rest.
    let first: IteratorResult<FileLine, void>;
    try {
      first = await it.next();
    } catch (err) {
      opts.signal?.throwIfAborted();
      out.issues.push(unreadable(present, err));
      return out;
    }
    let pulled = false;
    const lines: AsyncIterableIterator<FileLine> = {
      next: () => {
        if (pulled) return it.next();
        pulled = true;
        return Promise.resolve(first);
      },
      return: async () => {
        await it.return();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    const firstLine = first.done === true || !first.value.complete ? undefined : first.value.text;
    const chained = seal !== undefined ? seal.chained !== false : isChainedFile(firstLine, true);
    const recordsBefore = out.records;
    let lineNo = 0;
    let lastLine: string | undefined;
    let broken = false;
    try {
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
        if (!(await checkUnchained(out, present, lines, counter, seal, writerLive, maxLineBytes)))
          return out;
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
      for await (const l of lines) {
        lineNo++;
        if (!l.complete) {
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
        const line = l.text;
        if (line === undefined) {
          out.issues.push(tooLong(present, lineNo, maxLineBytes));
          broken = true;
          break;
        }
        const records = parseRecords(line);
        if (records === undefined) {
          if (seal === undefined && l.last && !writerLive) {
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
            const otlpSeq = `{"key":"seclog.chain.seq","value":{"intValue":"${expected}"}}`;
            const ecsSeq = `"seclog.chain.seq":${expected},`;
            let later = records.some((x) => x.seq === expected);
            if (!later) {
              for await (const rest of lines) {
                if (
                  rest.text !== undefined &&
                  (rest.text.includes(otlpSeq) || rest.text.includes(ecsSeq))
                ) {
                  later = true;
                  break;
                }
              }
            }
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
    } catch (err) {
      opts.signal?.throwIfAborted();
      out.issues.push(unreadable(present, err));
      return out;
    } finally {
      // Closes the file when checking stopped before its end.
      await it.return();
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
      if (counter.bytes !== seal.bytes || out.records - recordsBefore !== seal.count) {
        out.issues.push({
          kind: 'seal-mismatch',
          file: present,
          message: `file has ${counter.bytes} bytes and ${out.records - recordsBefore} records, seal says ${seal.bytes} and ${seal.count}`,
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
  out.endSeq = prevSeq;
  out.complete = true;
  if (retained.length > 0) {
    out.notes.unshift(
      retained.length === 1
        ? `${retained[0]} removed by retention`
        : `${retained.length} files removed by retention (${retained[0]} to ${retained.at(-1)})`,
    );
  }
  return out;
}

/** Epochs a slot's checkpoints may trail the directory's newest: a timer late by one, and one being written. */
const SEALING_SLACK_EPOCHS = 2;

/**
 * Every running writer also checkpoints, each epoch, the slots no live writer holds, and erases
 * their old keys. So while any writer of the directory runs, every slot's checkpoints reach its
 * newest epoch: a slot that stops well before while another went on kept an old key on the host,
 * and what it claims for the epochs after cannot be trusted (`missing-epoch`). When all slots stop
 * together no writer ran since: said as a note (see the T2 section of docs/file-format.md).
 */
function sealingLags(
  result: VerifyResult,
  baseName: string,
  sealed: readonly { slot: number; to: number; ends: string | undefined }[],
  keys: EpochKeys,
): void {
  let newest: { slot: number; to: number } | undefined;
  for (const s of sealed) if (newest === undefined || s.to > newest.to) newest = s;
  for (const s of sealed) {
    if (newest !== undefined && newest.to - s.to > SEALING_SLACK_EPOCHS) {
      result.issues.push({
        kind: 'missing-epoch',
        file: epochsName(baseName, s.slot),
        message: `slot ${s.slot}'s checkpoints end with epoch ${s.to} (${keys.endOf(s.to)}), but slot ${newest.slot}'s go on to epoch ${newest.to}: a running writer checkpoints every slot nobody writes, so slot ${s.slot}'s epochs ${s.to + 1} to ${newest.to} went unsealed (checkpoints deleted, or its old key kept on the host) and what they claim cannot be trusted`,
      });
    } else if (s.ends !== undefined) {
      result.notes.push(s.ends);
    }
  }
}

/**
 * Verifies a directory written by RotatingFileLogRecordExporter: for each writer slot, every
 * record's sequence number and SHA-256 chain (a line may hold several records: format v2), each file's seal (count, last hash, size, and HMAC when
 * `hmacKey` is given), the link from each file to the previous one, and that every missing file
 * is covered by a retention record. A file written with `hashChain: false` is an `'unchained'`
 * issue unless `allowUnchained` is set; then it is noted and only its structure is checked.
 * A path holding none of the exporter's files (an empty or missing directory, a file, another
 * `baseName`) is a `'no-files'` issue saying what was looked for: verifying nothing never passes.
 * Resolves with the findings; rejects only when the directory exists but cannot be read.
 */
export async function verifyDirectory(
  directory: string,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const baseName = options.baseName ?? 'seclog';
  const { check, keys } = verifyKeys(options, 'verifyDirectory');
  const result: VerifyResult = {
    ok: true,
    issues: [],
    notes: [],
    filesChecked: 0,
    recordsChecked: 0,
    newestRecordMs: undefined,
  };
  let slots: Map<number, SlotFiles>;
  try {
    slots = await scanDirectory(directory, baseName);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    // A directory deleted whole fails like one emptied, not as an error a script might skip.
    result.issues.push(await noFilesIssue(directory, baseName, code));
    result.ok = false;
    return result;
  }
  if (slots.size === 0) result.issues.push(await noFilesIssue(directory, baseName, undefined));
  // Slots are taken lowest free first, so the slots a head knew of are 0 to slots - 1.
  let knownSlots = 0;
  let knownBy = 0;
  // No exporter writes a slot past MAX_SLOTS: such names are planted, reported together, unread.
  const beyond: number[] = [];
  let signedBy: string | undefined;
  // Forward-secure mode: how far each slot's checkpoints reach (see sealingLags).
  const sealed: { slot: number; to: number; ends: string | undefined }[] = [];
  for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
    options.signal?.throwIfAborted();
    const files = slots.get(slot);
    if (files === undefined) continue;
    if (slot >= MAX_SLOTS) {
      beyond.push(slot);
      continue;
    }
    const r = await checkSlot(directory, baseName, files, options, check, keys);
    if (r.head !== undefined && r.head.slots > knownSlots) {
      knownSlots = r.head.slots;
      knownBy = slot;
    }
    result.issues.push(...r.issues);
    result.notes.push(...r.notes);
    signedBy ??= r.signedBy;
    if (r.sealedTo !== undefined) sealed.push({ slot, to: r.sealedTo, ends: r.sealingEnds });
    result.filesChecked += r.files;
    result.recordsChecked += r.records;
    if (
      r.newest !== undefined &&
      (result.newestRecordMs === undefined || r.newest > result.newestRecordMs)
    ) {
      result.newestRecordMs = r.newest;
    }
  }
  if (signedBy !== undefined) {
    result.notes.push(
      `the files are signed${signedBy === '' ? '' : ` (key id ${signedBy})`} but no key was given, so their signatures were not checked: anyone who can write the directory could have made them (give the HMAC key, or the verification key for forward-secure sealing)`,
    );
  }
  if (keys !== undefined) sealingLags(result, baseName, sealed, keys);
  if (beyond.length > 0) {
    const stem = (s: number): string => `${baseName}-w${s}-*`;
    result.issues.push({
      kind: 'planted-file',
      file: stem(beyond[0]!),
      message: `files of ${beyond.length} writer slots from ${beyond[0]} to ${beyond.at(-1)} (${stem(beyond[0]!)} to ${stem(beyond.at(-1)!)}), which no exporter writes (it has ${MAX_SLOTS} slots): planted; they were not read`,
    });
  }
  // A run of gone slots is one issue, so a head claiming billions of slots costs nothing.
  let from = 0;
  const present = [...slots.keys()].filter((s) => s < knownSlots).sort((a, b) => a - b);
  for (const s of [...present, knownSlots]) {
    if (s > from) {
      result.issues.push({
        kind: 'missing-slot',
        file: headName(baseName, from),
        message: `${s - 1 === from ? `writer slot ${from} is` : `writer slots ${from} to ${s - 1} are`} gone (no files, no head), though the signed head of slot ${knownBy} knew of ${knownSlots} slots`,
      });
    }
    from = s + 1;
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
