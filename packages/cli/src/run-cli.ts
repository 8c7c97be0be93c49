// The `seclog` command line: argument parsing and the verify, tail and keys commands, written against
// injected streams so tests can drive it in-process.
import { readFile } from 'node:fs/promises';
import {
  verifyAnchors,
  verifyDirectory,
  type VerifyOptions,
  type VerifyResult,
} from '@seclog/rotating-file-log-record-exporter';
import { escapeForLine } from '@seclog/security-logger';
import { formatPretty } from './format-pretty.js';
import { keysCommand } from './keys-command.js';
import { jsonLine } from './internal/format-pretty-line.js';
import { parseDuration } from './parse-duration.js';
import { rulesCommand } from './rules-command.js';
import { tailDirectory } from './tail-directory.js';

/** Where the CLI writes, and whether stdout is a terminal. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Pretty output for `tail` when true. */
  isTTY: boolean;
  /** Stops `tail`. */
  signal?: AbortSignal;
}

/** Exit codes: 0 intact / done, 1 a break was found, 2 usage or I/O error, 130 interrupted. */
export const EXIT_OK = 0;
export const EXIT_BROKEN = 1;
export const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

const USAGE = `usage:
  seclog verify <dir> [--max-age <5m>] [--hmac-key-file <file> | --verification-key-file <file>]
                [--base-name <name>] [--allow-unchained] [--max-line-bytes <n>] [--anchors <file>]
                [--json]
  seclog tail <dir> [--base-name <name>] [-n <lines>] [--raw | --pretty]
  seclog keys init --dir <stateDir> --slots <N> [--epoch <1m>]
  seclog keys show-epoch --state <file> [--json]
  seclog rules [--sigma]
`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set([
  '--max-age',
  '--max-line-bytes',
  '--hmac-key-file',
  '--verification-key-file',
  '--anchors',
  '--base-name',
  '-n',
  '--dir',
  '--slots',
  '--epoch',
  '--state',
]);

function parseArgs(args: string[]): Parsed | string {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('-')) {
      if (VALUE_FLAGS.has(a)) {
        const v = args[i + 1];
        if (v === undefined) return `${a} needs a value`;
        flags.set(a, v);
        i++;
      } else if (
        ['--json', '--raw', '--pretty', '--allow-unchained', '--sigma', '--help', '-h'].includes(a)
      ) {
        flags.set(a, true);
      } else {
        return `unknown option ${a}`;
      }
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

async function verifyCommand(p: Parsed, io: CliIo): Promise<number> {
  const dir = p.positional[0];
  if (dir === undefined || p.positional.length > 1) {
    io.stderr.write(`seclog verify: expected one directory\n${USAGE}`);
    return EXIT_USAGE;
  }
  const options: VerifyOptions = {};
  const base = p.flags.get('--base-name');
  if (typeof base === 'string') options.baseName = base;
  const maxAge = p.flags.get('--max-age');
  if (typeof maxAge === 'string') {
    const ms = parseDuration(maxAge);
    if (ms === undefined) {
      io.stderr.write(`seclog verify: --max-age takes a duration like 30s, 5m, 2h\n`);
      return EXIT_USAGE;
    }
    options.maxAgeMs = ms;
  }
  const keyFile = p.flags.get('--hmac-key-file');
  if (typeof keyFile === 'string') {
    try {
      let key = await readFile(keyFile);
      // A trailing newline from `echo key > file` is not part of the key.
      while (key.length > 0 && (key[key.length - 1] === 0x0a || key[key.length - 1] === 0x0d))
        key = key.subarray(0, -1);
      options.hmacKey = key;
    } catch (err) {
      io.stderr.write(
        `seclog verify: cannot read --hmac-key-file: ${escapeForLine((err as Error).message)}\n`,
      );
      return EXIT_USAGE;
    }
  }
  const vkFile = p.flags.get('--verification-key-file');
  if (typeof vkFile === 'string') {
    if (options.hmacKey !== undefined) {
      io.stderr.write('seclog verify: give --hmac-key-file or --verification-key-file, not both\n');
      return EXIT_USAGE;
    }
    try {
      options.verificationKey = (await readFile(vkFile, 'utf8')).trim();
    } catch (err) {
      io.stderr.write(
        `seclog verify: cannot read --verification-key-file: ${escapeForLine((err as Error).message)}\n`,
      );
      return EXIT_USAGE;
    }
  }
  if (
    options.verificationKey !== undefined &&
    !/^seclog-vk1:\d+:\d+:[0-9a-f]{64}$/.test(options.verificationKey)
  ) {
    io.stderr.write(
      `seclog verify: --verification-key-file ${escapeForLine(String(vkFile))} does not hold a verification key (what \`seclog keys init\` printed: seclog-vk1:<epochMs>:<startMs>:<64 hex>)\n`,
    );
    return EXIT_USAGE;
  }
  const maxLine = p.flags.get('--max-line-bytes');
  if (typeof maxLine === 'string') {
    const n = Number(maxLine);
    if (!/^\d+$/.test(maxLine) || !Number.isSafeInteger(n) || n < 1) {
      io.stderr.write('seclog verify: --max-line-bytes takes a positive integer\n');
      return EXIT_USAGE;
    }
    options.maxLineBytes = n;
  }
  // Files written with hashChain: false are not tamper-evident: accepted only when asked for.
  if (p.flags.has('--allow-unchained')) options.allowUnchained = true;
  if (io.signal !== undefined) options.signal = io.signal;
  let result: VerifyResult & { anchorsChecked?: number };
  try {
    result = await verifyDirectory(dir, options);
  } catch (err) {
    if (io.signal?.aborted === true) {
      io.stderr.write('seclog verify: interrupted\n');
      return EXIT_INTERRUPTED;
    }
    io.stderr.write(
      `seclog verify: cannot read ${escapeForLine(dir)}: ${escapeForLine((err as Error).message)}\n`,
    );
    return EXIT_USAGE;
  }
  // Anchors kept off the host: what catches a rollback of the whole directory.
  const anchorsFile = p.flags.get('--anchors');
  if (typeof anchorsFile === 'string') {
    try {
      const a = await verifyAnchors(dir, anchorsFile, options);
      result = {
        ...result,
        ok: result.ok && a.ok,
        issues: [...result.issues, ...a.issues],
        notes: [...result.notes, ...a.notes],
        anchorsChecked: a.anchorsChecked,
      };
    } catch (err) {
      io.stderr.write(
        `seclog verify: cannot read --anchors: ${escapeForLine((err as Error).message)}\n`,
      );
      return EXIT_USAGE;
    }
  }
  if (p.flags.has('--json')) {
    io.stdout.write(`${jsonLine(result)}\n`);
    return result.ok ? EXIT_OK : EXIT_BROKEN;
  }
  for (const note of result.notes) io.stdout.write(`note: ${escapeForLine(note)}\n`);
  if (result.ok) {
    // Say what was checked: without a key, anyone who can write the directory can pass this.
    const signatures =
      options.hmacKey !== undefined
        ? 'signatures checked with the HMAC key'
        : options.verificationKey !== undefined
          ? 'signatures checked with the verification key (forward-secure)'
          : 'signatures not checked (no key given)';
    io.stdout.write(
      `seclog verify: OK: ${plural(result.filesChecked, 'file')}, ${plural(result.recordsChecked, 'record')} intact${result.anchorsChecked === undefined ? '' : `, ${plural(result.anchorsChecked, 'anchor')} found`}; ${signatures}\n`,
    );
    return EXIT_OK;
  }
  for (const issue of result.issues) {
    const where = issue.line === undefined ? issue.file : `${issue.file} line ${issue.line}`;
    const local =
      issue.local === undefined
        ? ''
        : ` (local: ${issue.local.file}${issue.local.line === undefined ? '' : ` line ${issue.local.line}`})`;
    io.stderr.write(
      `seclog verify: BROKEN: ${escapeForLine(where)}: ${issue.kind}: ${escapeForLine(issue.message)}${escapeForLine(local)}\n`,
    );
  }
  return EXIT_BROKEN;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function tailCommand(p: Parsed, io: CliIo): Promise<number> {
  const dir = p.positional[0];
  if (dir === undefined || p.positional.length > 1) {
    io.stderr.write(`seclog tail: expected one directory\n${USAGE}`);
    return EXIT_USAGE;
  }
  const n = p.flags.get('-n');
  const initialLines = typeof n === 'string' ? Number(n) : 10;
  if (!Number.isSafeInteger(initialLines) || initialLines < 0) {
    io.stderr.write('seclog tail: -n takes a non-negative integer\n');
    return EXIT_USAGE;
  }
  const pretty = p.flags.has('--pretty') || (io.isTTY && !p.flags.has('--raw'));
  const base = p.flags.get('--base-name');
  await tailDirectory(dir, {
    ...(typeof base === 'string' ? { baseName: base } : {}),
    initialLines,
    ...(io.signal !== undefined ? { signal: io.signal } : {}),
    onLine: (line) => io.stdout.write(`${pretty ? formatPretty(line) : line}\n`),
  });
  return EXIT_OK;
}

/**
 * Runs `seclog <command> ...` with `args` (without the node and script paths) and resolves with
 * the exit code: 0 intact, 1 a break found (the first named on stderr with file, line and kind),
 * 2 usage or I/O error. `tail` runs until `io.signal` aborts.
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  const parsed = parseArgs(rest);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (typeof parsed === 'string') {
    io.stderr.write(`seclog ${command}: ${parsed}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (parsed.flags.has('--help') || parsed.flags.has('-h')) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  switch (command) {
    case 'verify':
      return verifyCommand(parsed, io);
    case 'tail':
      return tailCommand(parsed, io);
    case 'keys':
      return keysCommand(parsed, io, USAGE);
    case 'rules':
      return rulesCommand(parsed.flags.has('--sigma'), io);
    default:
      io.stderr.write(`seclog: unknown command ${escapeForLine(command)}\n${USAGE}`);
      return EXIT_USAGE;
  }
}
