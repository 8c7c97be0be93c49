// Counting what actually reached the disk: newline-terminated lines per file or per directory
// (gzip-compressed rotated files are decompressed first).
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

function countNewlines(buf, n) {
  let lines = 0;
  let i = -1;
  while ((i = buf.indexOf(10, i + 1)) !== -1 && i < n) lines++;
  return lines;
}

/**
 * Lines, bytes and fake-secret occurrences of one file.
 * @returns {{ records: number, bytes: number, files: number, secrets: number }}
 */
export function countLinesInFile(file) {
  if (file.endsWith('.gz')) {
    const data = gunzipSync(fs.readFileSync(file));
    return {
      records: countNewlines(data, data.length),
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
export function countLinesInDir(dir, filter) {
  const total = { records: 0, bytes: 0, files: 0, secrets: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = countLinesInDir(full, filter);
      total.records += sub.records;
      total.bytes += sub.bytes;
      total.files += sub.files;
      total.secrets += sub.secrets;
    } else if (entry.isFile() && filter(entry.name)) {
      const c = countLinesInFile(full);
      total.records += c.records;
      total.bytes += c.bytes;
      total.files += 1;
      total.secrets += c.secrets;
    }
  }
  return total;
}
