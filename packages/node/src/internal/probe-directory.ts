// The file exporter touches nothing until its first export; at setup we want to know at once
// whether the log directory can be used at all, and say so, rather than when the first batch fails.
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { diag } from '@opentelemetry/api';

const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW } = constants;

/**
 * Creates `directory` (with `mode`) when missing and writes and removes a probe file in it.
 * Reports a directory that cannot be used; returns whether it can.
 */
export function probeDirectory(directory: string, mode: number): boolean {
  const probe = join(directory, `.seclog-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    makeMissingDirectories(directory, mode);
    const fd = openSync(probe, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, 'probe\n');
    } finally {
      closeSync(fd);
      unlinkSync(probe);
    }
    return true;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    diag.error(
      `@seclog/node: the log directory ${JSON.stringify(resolve(directory))} cannot be used (${e.message}); the file path will count its records as dropped until it can. Make it a directory this user can write (every parent must be a directory), or set file.directory (file: false turns the file path off)`,
    );
    return false;
  }
}

// Not `mkdirSync(directory, { recursive: true })`: it spins forever where mkdir fails with ENOENT
// although the parent exists (under /proc), hanging the application at setup. Each missing
// directory is created on its own, outermost first (the file exporter does the same).
function makeMissingDirectories(directory: string, mode: number): void {
  const missing: string[] = [];
  for (let p = resolve(directory); statSync(p, { throwIfNoEntry: false }) === undefined;) {
    missing.unshift(p);
    if (dirname(p) === p) break;
    p = dirname(p);
  }
  for (const p of missing) mkdirSync(p, { mode });
}
