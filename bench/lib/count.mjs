// Counting what actually reached the disk: newline-terminated lines per file or per directory
// (gzip-compressed rotated files are decompressed first), or records by a mark each one carries
// (seclog's otlp-json format v2 writes a batch's records on one line).
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

// The fake secrets of the workload all start with this; counting it on disk shows which
// contenders write secrets out (a match split across two read chunks is missed: a lower bound).
const SECRET_MARK = Buffer.from('ghp_');

function countMarks(buf, n) {
  let found = 0;
  let i = -1;
  while ((i = buf.indexOf(SECRET_MARK, i + 1)) !== -1 && i + SECRET_MARK.length <= n) found++;
  return found;
}

/**
 * Where each record of a seclog otlp-json line starts: `{"timeUnixNano":"` cannot occur anywhere
 * else, since inside a JSON string every `"` is escaped.
 */
export const OTLP_RECORD_MARK = Buffer.from('{"timeUnixNano":"');

/**
 * seclog's chain anchors (one per sealed file) and detection's alerts (the workload repeats users
 * and addresses, so the login rules fire) are records of its own, not the workload's: they are
 * not counted, so "lost" compares the workload's records only.
 */
const ANCHOR_MARK = Buffer.from('"eventName":"seclog.chain.anchor"');
// A prefix: the alerts and detection's reports about itself (each of the pool's 4096 users
// fires AE2, so the alert cap is reached and one seclog.alert.suppressed is written).
const ALERT_MARK = Buffer.from('"eventName":"seclog.alert');

function countOccurrences(buf, mark) {
  let found = 0;
  let i = -1;
  while ((i = buf.indexOf(mark, i + 1)) !== -1) found++;
  return found;
}

function countNewlines(buf, n) {
  let lines = 0;
  let i = -1;
  while ((i = buf.indexOf(10, i + 1)) !== -1 && i < n) lines++;
  return lines;
}

/**
 * Lines (or, with `recordMark`, occurrences of it), bytes and fake-secret occurrences of one file.
 * @returns {{ records: number, bytes: number, files: number, secrets: number }}
 */
export function countLinesInFile(file, recordMark) {
  if (file.endsWith('.gz') || recordMark !== undefined) {
    const raw = fs.readFileSync(file);
    const data = file.endsWith('.gz') ? gunzipSync(raw) : raw;
    return {
      records:
        recordMark === undefined
          ? countNewlines(data, data.length)
          : countOccurrences(data, recordMark) -
            countOccurrences(data, ANCHOR_MARK) -
            countOccurrences(data, ALERT_MARK),
      bytes: data.length,
      files: 1,
      secrets: countMarks(data, data.length),
    };
  }
  const fd = fs.openSync(file, 'r');
  const b = Buffer.allocUnsafe(1 << 20);
  let records = 0;
  let bytes = 0;
  let secrets = 0;
  let n;
  while ((n = fs.readSync(fd, b, 0, b.length, null)) > 0) {
    records += countNewlines(b, n);
    secrets += countMarks(b, n);
    bytes += n;
  }
  fs.closeSync(fd);
  return { records, bytes, files: 1, secrets };
}

/** Sum of {@link countLinesInFile} over the files of `dir` (recursively) whose name passes `filter`. */
export function countLinesInDir(dir, filter, recordMark) {
  const total = { records: 0, bytes: 0, files: 0, secrets: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = countLinesInDir(full, filter, recordMark);
      total.records += sub.records;
      total.bytes += sub.bytes;
      total.files += sub.files;
      total.secrets += sub.secrets;
    } else if (entry.isFile() && filter(entry.name)) {
      const c = countLinesInFile(full, recordMark);
      total.records += c.records;
      total.bytes += c.bytes;
      total.files += 1;
      total.secrets += c.secrets;
    }
  }
  return total;
}
