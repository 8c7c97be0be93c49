// The `seclog` command line: argument parsing, help, and the verify command (tail and keys have
// their own files), written against injected streams so tests can drive it in-process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  escapeForLine,
  jsonLine,
  verifyAnchors,
  verifyDirectory,
  type VerifyOptions,
  type VerifyResult,
} from '@seclog/rotating-file-log-record-exporter/verify';
import { keysCommand } from './keys-command.js';
import { parseDuration } from './parse-duration.js';
import { tailCommand } from './tail-command.js';

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

/** Each command's usage and what its options do: `seclog help <command>`. */
const COMMAND_HELP: Readonly<Record<string, string>> = {
  verify: `usage: seclog verify <dir> [options]
  Checks the hash chains, seals and signatures of a log directory.
  Exit 0 intact, 1 a break found (named on stderr) or no seclog files at <dir> (an empty or
  missing directory, a file, another --base-name), 2 usage or I/O error, 130 interrupted.
  Exit 0 may come with notes (lines starting "note:"): things that are no break but that the
  key does not vouch for, e.g. records a crashed writer's restart sealed, or an unsealed file.
  --strict                       treat every note as a failure too (exit 1), for automation
  --max-age <5m>                 also fail when the newest record is older
  --hmac-key-file <file>         check HMAC signatures with this key
  --verification-key-file <file> check forward-secure seals (the key \`seclog keys init\` printed)
  --anchors <file>               check the anchors kept off the host (catches a rollback)
  --allow-unchained              accept files written with hashChain: false (structure only)
  --base-name <name>             file name prefix (default seclog)
  --max-line-bytes <n>           longest line checked (default 8 MiB)
  --json                         the result as one JSON object
`,
  tail: `usage: seclog tail <dir> [options]
  Prints the last records of every writer slot and exits; with -f, then follows each new record
  across rotations. Exit 0, or 2 on a usage or I/O error or when a file could not be read
  (a gzipped rotated file that is corrupt: named on stderr).
  -f, --follow                   keep following (until Ctrl-C); without it, print and exit
  -n <records>                   records shown first (default 10; with --since, all since then),
                                 from the current file back through the rotated ones, .gz too
  --event <name,...>             only these event names (\`seclog.authn_*\` matches by prefix)
  --user <id,...>                only records whose user.id is one of these
  --address <ip,...>             only records whose client.address is one of these
                                 (10.0.0.1 and ::ffff:10.0.0.1 match each other)
  --since <15m | ISO time>       only records from then on (the rotated files included)
  --severity <level>             only this level and above (trace, debug, info, warn, error, critical, fatal)
  --pretty | --json | --raw      readable lines (default on a terminal), one flat JSON object
                                 per record (default when piped: for grep and jq), or the file
                                 lines as written (one otlp-json line holds a whole batch; -n
                                 then counts lines)
  --base-name <name>             file name prefix (default seclog)
`,
  keys: `usage: seclog keys init --dir <stateDir> --slots <N> [--epoch <1m>]
       seclog keys show-epoch --state <file> [--json]
  init writes one forward-secure sealing state file per writer slot and prints the
  verification key once; show-epoch prints the epoch a state file is at.
`,
  rules: `usage: seclog rules [--sigma]
  Lists the built-in detection rules of @seclog/detection (id, kind, group key, threshold,
  window); --sigma prints them as Sigma rules with event_count, value_count or
  temporal_ordered correlations, for a SIEM to apply across the fleet.
`,
  help: `usage: seclog help [<command>]
  Without a command, the usage of every command; with one (verify, tail, keys, rules, help),
  what it does and what its options do, as \`seclog <command> --help\` prints it.
  \`seclog --version\` prints the version.
`,
};

const USAGE = `usage:
  seclog verify <dir> [--max-age <5m>] [--hmac-key-file <file> | --verification-key-file <file>]
                [--base-name <name>] [--allow-unchained] [--max-line-bytes <n>] [--anchors <file>]
                [--strict] [--json]
  seclog tail <dir> [-f] [-n <records>] [--event <name>] [--user <id>] [--address <ip>] [--since <15m>]
              [--severity <level>] [--pretty | --json | --raw] [--base-name <name>]
  seclog keys init --dir <stateDir> --slots <N> [--epoch <1m>]
  seclog keys show-epoch --state <file> [--json]
  seclog rules [--sigma]
  seclog help <command>
  seclog --version
`;

/** The version of @seclog/cli, from its package.json. */
function version(): string {
  const pkg = createRequire(import.meta.url)('../package.json') as { version?: unknown };
  return String(pkg.version);
}

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
  '--event',
  '--user',
  '--address',
  '--since',
  '--severity',
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
        [
          '--json',
          '--raw',
          '--pretty',
          '--allow-unchained',
          '--strict',
          '--sigma',
          '--help',
          '-h',
          '-f',
          '--follow',
        ].includes(a)
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
  // Anchors kept off the host: what catches a rollback of the whole directory. Checked first, so
  // the directory's findings (one per planted file in a hostile directory) are not held meanwhile.
  const anchorsFile = p.flags.get('--anchors');
  let anchors: Awaited<ReturnType<typeof verifyAnchors>> | undefined;
  if (typeof anchorsFile === 'string') {
    try {
      anchors = await verifyAnchors(dir, anchorsFile, options);
    } catch (err) {
      if (io.signal?.aborted === true) {
        io.stderr.write('seclog verify: interrupted\n');
        return EXIT_INTERRUPTED;
      }
      io.stderr.write(
        `seclog verify: cannot read --anchors: ${escapeForLine((err as Error).message)}\n`,
      );
      return EXIT_USAGE;
    }
  }
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
  if (anchors !== undefined)
    result = {
      ...result,
      ok: result.ok && anchors.ok,
      issues: [...result.issues, ...anchors.issues],
      notes: [...result.notes, ...anchors.notes],
      anchorsChecked: anchors.anchorsChecked,
    };
  // --strict: a note (not vouched for by the key, or left for the next start) fails too.
  const strictFail = p.flags.has('--strict') && result.notes.length > 0;
  if (p.flags.has('--json')) {
    io.stdout.write(`${jsonLine(result)}\n`);
    return result.ok && !strictFail ? EXIT_OK : EXIT_BROKEN;
  }
  for (const note of result.notes) io.stdout.write(`note: ${escapeForLine(note)}\n`);
  if (result.ok && strictFail) {
    io.stderr.write(
      `seclog verify: FAILED (--strict): no break, but ${plural(result.notes.length, 'note')} above; under --strict a note is a failure\n`,
    );
    return EXIT_BROKEN;
  }
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
    if (issue.kind === 'no-files') {
      // Nothing was broken, nothing was there: its message names the path and what was looked for.
      io.stderr.write(`seclog verify: FAILED: ${escapeForLine(issue.message)}\n`);
      continue;
    }
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

/** The message for a command seclog does not have: its name, then the commands it has. */
function unknownCommand(name: string): string {
  return `unknown command ${escapeForLine(name)}; the commands are ${Object.keys(COMMAND_HELP).join(', ')}\n${USAGE}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Runs `seclog <command> ...` with `args` (without the node and script paths) and resolves with
 * the exit code: 0 intact, 1 a break found (the first named on stderr with file, line and kind)
 * or no seclog files found, 2 usage or I/O error. `tail -f` runs until `io.signal` aborts.
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === '--version' || command === 'version') {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const asked = command === 'help' ? rest[0] : undefined;
    if (asked === undefined) {
      io.stdout.write(USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    const topic = asked === '--help' || asked === '-h' ? 'help' : asked;
    // Own keys only: `seclog help constructor` is an unknown command, not Object's constructor.
    if (!Object.hasOwn(COMMAND_HELP, topic)) {
      io.stderr.write(`seclog help: ${unknownCommand(topic)}`);
      return EXIT_USAGE;
    }
    io.stdout.write(COMMAND_HELP[topic] as string);
    return EXIT_OK;
  }
  const help = Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined;
  if (help === undefined) {
    // Before its flags are parsed: `seclog frobnicate --help` names the command, not a flag.
    io.stderr.write(`seclog: ${unknownCommand(command)}`);
    return EXIT_USAGE;
  }
  const parsed = parseArgs(rest);
  if (typeof parsed === 'string') {
    io.stderr.write(`seclog ${escapeForLine(command)}: ${parsed}\n${help}`);
    return EXIT_USAGE;
  }
  if (parsed.flags.has('--help') || parsed.flags.has('-h')) {
    io.stdout.write(help);
    return EXIT_OK;
  }
  switch (command) {
    case 'verify':
      return verifyCommand(parsed, io);
    case 'tail':
      return tailCommand(parsed, io, COMMAND_HELP.tail as string);
    case 'keys':
      return keysCommand(parsed, io, USAGE);
    case 'rules': {
      // Loaded only here: the rules come with @seclog/detection, which loads OpenTelemetry, and
      // verify, tail and keys load none.
      const { rulesCommand } = await import('./rules-command.js');
      return rulesCommand(parsed.flags.has('--sigma'), io);
    }
    default:
      io.stderr.write(`seclog: ${unknownCommand(command)}`);
      return EXIT_USAGE;
  }
}
