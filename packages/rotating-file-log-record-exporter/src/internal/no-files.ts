// The `no-files` finding of verify: a path that holds none of the exporter's files (an empty or
// missing directory, a file, a wrong baseName) fails and says what was looked for, since a check
// that passes on nothing would pass after everything was deleted.
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { VerifyIssue } from '../types.js';

/** Any exporter file name, whatever its baseName (see file-names.ts). */
const ANY_SECLOG_FILE =
  /^([A-Za-z0-9][A-Za-z0-9._-]{0,63}?)(?:-w\d{1,6})?(?:-\d{6,12}\.(?:ndjson|ndjson\.gz|seal|torn)|\.(?:head|current|lock|retention|epochs))$/;

function lookedFor(baseName: string): string {
  return `looked for ${baseName}-NNNNNN.ndjson and ${baseName}-wN-NNNNNN.ndjson data files (or .ndjson.gz), their .seal files, ${baseName}.head and ${baseName}.retention`;
}

/** Other base names the listing's file names were written with, for a `baseName` hint. */
async function otherBaseNames(directory: string, baseName: string): Promise<string[]> {
  const found = new Set<string>();
  try {
    for (const name of await readdir(directory)) {
      const m = ANY_SECLOG_FILE.exec(name);
      if (m !== null && m[1] !== baseName && /\.ndjson(\.gz)?$/.test(name))
        found.add(m[1] as string);
      if (found.size === 3) break;
    }
  } catch {
    // listed once already; a second failure only loses the hint
  }
  return [...found];
}

/**
 * The `no-files` issue for `directory`: why nothing was found there (`code` is the error of its
 * listing, undefined when it listed but held no file of `baseName`) and what was looked for.
 */
export async function noFilesIssue(
  directory: string,
  baseName: string,
  code: 'ENOENT' | 'ENOTDIR' | undefined,
): Promise<VerifyIssue> {
  const issue = (message: string): VerifyIssue => ({ kind: 'no-files', file: directory, message });
  if (code === 'ENOENT')
    return issue(
      `${directory} does not exist, so no seclog files were found: ${lookedFor(baseName)}`,
    );
  if (code === 'ENOTDIR') {
    const isFile = await lstat(directory).then(
      (s) => s.isFile(),
      () => false,
    );
    if (isFile && ANY_SECLOG_FILE.test(basename(directory)))
      return issue(
        `${directory} is one of the exporter's files, not its directory: verify checks the whole directory (${dirname(directory)})`,
      );
    return issue(
      `${directory} is ${isFile ? 'a file, not a directory, nor a seclog file' : 'not a directory (a part of the path is a file)'}: verify takes the exporter's log directory; ${lookedFor(baseName)}`,
    );
  }
  const others = await otherBaseNames(directory, baseName);
  return issue(
    `no seclog files in ${directory}: ${lookedFor(baseName)}${others.length === 0 ? '' : `; found files of baseName ${others.join(', ')} (give that baseName: --base-name ${others[0]})`}`,
  );
}
