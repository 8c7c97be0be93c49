// Counting what actually reached the disk: newline-terminated lines per file or per directory
// (gzip-compressed rotated files are decompressed first).
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

function countNewlines(buf, n) {
  let lines = 0;
  let i = -1;
  while ((i = buf.indexOf(10, i + 1)) !== -1 && i < n) lines++;
  return lines;
}

/**
 * Lines and bytes of one file.
 * @returns {{ records: number, bytes: number, files: number }}
 */
export function countLinesInFile(file) {
  if (file.endsWith('.gz')) {
    const data = gunzipSync(fs.readFileSync(file));
    return { records: countNewlines(data, data.length), bytes: data.length, files: 1 };
  }
  const fd = fs.openSync(file, 'r');
  const b = Buffer.allocUnsafe(1 << 20);
  let records = 0;
  let bytes = 0;
  let n;
  while ((n = fs.readSync(fd, b, 0, b.length, null)) > 0) {
    records += countNewlines(b, n);
    bytes += n;
  }
  fs.closeSync(fd);
  return { records, bytes, files: 1 };
}

/** Sum of {@link countLinesInFile} over the files of `dir` (recursively) whose name passes `filter`. */
export function countLinesInDir(dir, filter) {
  const total = { records: 0, bytes: 0, files: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = countLinesInDir(full, filter);
      total.records += sub.records;
      total.bytes += sub.bytes;
      total.files += sub.files;
    } else if (entry.isFile() && filter(entry.name)) {
      const c = countLinesInFile(full);
      total.records += c.records;
      total.bytes += c.bytes;
      total.files += 1;
    }
  }
  return total;
}
