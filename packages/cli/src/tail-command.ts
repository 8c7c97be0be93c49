// `seclog tail`: the filters a person asks for, the readable, raw or flat JSON view, print-and-exit
// or follow, and a word when the directory is not there yet or a file could not be read.
import { stat } from 'node:fs/promises';
import {
  escapeForLine,
  formatPrettyLine,
  jsonLine,
} from '@seclog/rotating-file-log-record-exporter/verify';
import {
  flatJsonLine,
  listOf,
  matchesFilter,
  parseSeverity,
  parseSince,
  type RecordFilter,
} from './internal/record-filter.js';
import { readFileLine, type FileRecord } from './format-pretty.js';
import type { CliIo } from './run-cli.js';
import { tailDirectory } from './tail-directory.js';

interface TailArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** The filters of `seclog tail`, or the usage error that names the bad one. */
function tailFilter(p: TailArgs): RecordFilter | string {
  const filter: RecordFilter = {};
  const events = p.flags.get('--event');
  if (typeof events === 'string') filter.events = listOf(events);
  const users = p.flags.get('--user');
  if (typeof users === 'string') filter.userIds = listOf(users);
  const addresses = p.flags.get('--address');
  if (typeof addresses === 'string') filter.addresses = listOf(addresses);
  const since = p.flags.get('--since');
  if (typeof since === 'string') {
    const ms = parseSince(since, Date.now());
    if (ms === undefined)
      return '--since takes a duration like 15m, 2h, 7d or an ISO time like 2026-12-07T10:00:00Z';
    filter.sinceMs = ms;
  }
  const severity = p.flags.get('--severity');
  if (typeof severity === 'string') {
    const n = parseSeverity(severity);
    if (n === undefined)
      return '--severity takes trace, debug, info, warn, error, critical, fatal (or WARN2, or 1 to 24)';
    filter.minSeverity = n;
  }
  return filter;
}

/**
 * `seclog tail <dir> ...`: prints the last records and exits 0, or with `-f`/`--follow` follows
 * the directory until `io.signal` aborts (0 when stopped).
 */
export async function tailCommand(p: TailArgs, io: CliIo, help: string): Promise<number> {
  const dir = p.positional[0];
  if (dir === undefined || p.positional.length > 1) {
    io.stderr.write(`seclog tail: expected one directory\n${help}`);
    return 2;
  }
  const n = p.flags.get('-n');
  const initialLines =
    typeof n === 'string' ? Number(n) : p.flags.has('--since') ? Number.POSITIVE_INFINITY : 10;
  if (typeof n === 'string' && (!Number.isSafeInteger(initialLines) || initialLines < 0)) {
    io.stderr.write('seclog tail: -n takes a non-negative integer\n');
    return 2;
  }
  const modes = ['--raw', '--pretty', '--json'].filter((f) => p.flags.has(f));
  if (modes.length > 1) {
    io.stderr.write(`seclog tail: give one of ${modes.join(', ')}\n`);
    return 2;
  }
  const filter = tailFilter(p);
  if (typeof filter === 'string') {
    io.stderr.write(`seclog tail: ${filter}\n`);
    return 2;
  }
  // A typo in a seclog event name would show nothing and exit 0, as a quiet log does. The names
  // come from @seclog/semconv, loaded only here: tail and verify run with no OTel package installed.
  const names = filter.events?.filter((e) => e.startsWith('seclog.') && !e.includes('*')) ?? [];
  const known =
    names.length === 0
      ? []
      : await import('@seclog/semconv').then(
          (m) => m.SECLOG_EVENT_NAMES,
          () => undefined,
        );
  for (const name of known === undefined ? [] : names) {
    if (!(known?.includes(name) ?? true)) {
      io.stderr.write(`seclog tail: no event seclog emits is named ${name} (a typo?)\n`);
    }
  }
  const follow = p.flags.has('-f') || p.flags.has('--follow');
  try {
    if (!(await stat(dir)).isDirectory()) {
      io.stderr.write(`seclog tail: ${escapeForLine(dir)} is not a directory\n`);
      return 2;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !follow) {
      io.stderr.write(
        `seclog tail: cannot read ${escapeForLine(dir)}: ${escapeForLine((err as Error).message)}\n`,
      );
      return 2;
    }
    // The application may not have started yet: say so, then follow it once it appears.
    io.stderr.write(
      `seclog tail: ${escapeForLine(dir)} does not exist (yet); waiting for it to appear\n`,
    );
  }
  // Piped, one flat JSON record per line: what grep and jq need, whatever the file format (an
  // otlp-json line holds a whole batch); --raw gives the file lines as written.
  const mode = p.flags.has('--raw')
    ? 'raw'
    : p.flags.has('--pretty') || (io.isTTY && !p.flags.has('--json'))
      ? 'pretty'
      : 'json';
  const filtered = Object.keys(filter).length > 0;
  const selected = (line: string): FileRecord[] | undefined => {
    const records = readFileLine(line);
    return filtered ? (records ?? []).filter((r) => matchesFilter(r, filter)) : records;
  };
  // -n counts records, except with --raw, which prints (and so counts) whole file lines.
  const weight = (line: string): number => {
    if (mode === 'raw' && !filtered) return 1;
    const records = selected(line);
    if (records === undefined) return 1; // a line that is not a record, shown when unfiltered
    return mode === 'raw' ? Math.min(1, records.length) : records.length;
  };
  const base = p.flags.get('--base-name');
  let skipped = 0;
  await tailDirectory(dir, {
    ...(typeof base === 'string' ? { baseName: base } : {}),
    initialLines,
    follow,
    weight,
    ...(io.signal !== undefined ? { signal: io.signal } : {}),
    onSkip: (file, reason) => {
      skipped++;
      io.stderr.write(
        `seclog tail: skipped ${escapeForLine(file)}, its records not shown: ${escapeForLine(reason)}\n`,
      );
    },
    onLine: (line, skip) => {
      // Unfiltered raw output is the file's line as written, whatever it holds: nothing to parse.
      if (mode === 'raw' && !filtered) {
        io.stdout.write(`${line}\n`);
        return;
      }
      const records = selected(line);
      if (records === undefined) {
        // Not a record: shown (escaped) only when nothing was filtered out.
        io.stdout.write(`${mode === 'json' ? jsonLine({ line }) : escapeForLine(line)}\n`);
        return;
      }
      if (records.length === 0) return;
      if (mode === 'raw') io.stdout.write(`${line}\n`);
      else if (mode === 'json')
        for (const r of records.slice(skip)) io.stdout.write(`${flatJsonLine(r)}\n`);
      else for (const r of records.slice(skip)) io.stdout.write(`${formatPrettyLine(r)}\n`);
    },
  });
  // Records were left out: a script must not take the output for all of them.
  return skipped > 0 ? 2 : 0;
}
