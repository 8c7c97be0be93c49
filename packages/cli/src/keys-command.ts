// `seclog keys`: creates the forward-secure sealing state files of a log directory's writer
// slots (printing the verification key once) and shows a state file's epoch.
import { lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_EPOCH_MS,
  MAX_EPOCH_MS,
  MIN_EPOCH_MS,
  createSealingStates,
  epochOf,
  epochStartMs,
  escapeForLine,
  formatVerificationKey,
  readSealingStateFile,
  sealingStateFileName,
  writeSealingStateFile,
} from '@seclog/rotating-file-log-record-exporter/verify';
import { parseDuration } from './parse-duration.js';

interface KeysArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

interface KeysIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const MAX_SLOTS = 1024;

function message(err: unknown): string {
  return escapeForLine((err as Error).message);
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function initCommand(p: KeysArgs, io: KeysIo, usage: string, now: number): number {
  const dir = p.flags.get('--dir');
  const slotsText = p.flags.get('--slots');
  if (typeof dir !== 'string' || typeof slotsText !== 'string' || p.positional.length > 1) {
    io.stderr.write(`seclog keys init: needs --dir <stateDir> and --slots <N>\n${usage}`);
    return 2;
  }
  const slots = Number(slotsText);
  if (!/^\d+$/.test(slotsText) || slots < 1 || slots > MAX_SLOTS) {
    io.stderr.write(`seclog keys init: --slots takes an integer from 1 to ${MAX_SLOTS}\n`);
    return 2;
  }
  let epochMs = DEFAULT_EPOCH_MS;
  const epochText = p.flags.get('--epoch');
  if (typeof epochText === 'string') {
    const ms = parseDuration(epochText);
    if (ms === undefined || ms < MIN_EPOCH_MS || ms > MAX_EPOCH_MS) {
      io.stderr.write('seclog keys init: --epoch takes a duration from 1s to 1d, like 1m\n');
      return 2;
    }
    epochMs = ms;
  }
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      io.stderr.write(`seclog keys init: cannot create ${escapeForLine(dir)}: ${message(err)}\n`);
      return 2;
    }
  }
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    io.stderr.write(`seclog keys init: cannot use ${escapeForLine(dir)}: ${message(err)}\n`);
    return 2;
  }
  const paths = Array.from({ length: slots }, (_, slot) => join(dir, sealingStateFileName(slot)));
  // Nothing is written when any slot already has a state file: a new verification key would
  // orphan the seals its old key made.
  for (const path of paths) {
    let present = true;
    try {
      lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        io.stderr.write(`seclog keys init: cannot check ${escapeForLine(path)}: ${message(err)}\n`);
        return 2;
      }
      present = false;
    }
    if (present) {
      io.stderr.write(
        `seclog keys init: ${escapeForLine(path)} exists; refusing to replace sealing state (its seals need its verification key)\n`,
      );
      return 2;
    }
  }
  // Epoch 0 starts on the epoch boundary at or before now (minutes on the minute for 1m).
  const startMs = Math.floor(now / epochMs) * epochMs;
  const { verificationKey, states } = createSealingStates({ slots, epochMs, startMs });
  const written: string[] = [];
  try {
    for (const state of states) {
      const path = paths[state.slot] as string;
      writeSealingStateFile(path, state, { exclusive: true });
      written.push(path);
    }
  } catch (err) {
    // A partial set is useless without the key, which is not shown: take it back.
    for (const path of written) {
      try {
        unlinkSync(path);
      } catch {
        // left for the operator; named below
      }
    }
    io.stderr.write(`seclog keys init: cannot write sealing state: ${message(err)}\n`);
    verificationKey.fill(0);
    return 2;
  }
  io.stderr.write(
    `seclog keys init: wrote ${slots} sealing state file${slots === 1 ? '' : 's'} to ${escapeForLine(dir)} ` +
      `(epoch ${formatDuration(epochMs)}, epoch 0 from ${new Date(startMs).toISOString()})\n` +
      'seclog keys init: WARNING: the verification key below is shown once and is not stored anywhere.\n' +
      'seclog keys init: store it OFF this host (a password manager, the verifier host); never keep it on the\n' +
      'seclog keys init: logging host: whoever has it can forge every seal of every epoch.\n',
  );
  // The key travels with its epoch grid, so the verifier never trusts the host for either.
  io.stdout.write(`${formatVerificationKey({ key: verificationKey, epochMs, startMs })}\n`);
  verificationKey.fill(0);
  return 0;
}

function showEpochCommand(p: KeysArgs, io: KeysIo, usage: string, now: number): number {
  const file = p.flags.get('--state');
  if (typeof file !== 'string' || p.positional.length > 1) {
    io.stderr.write(`seclog keys show-epoch: needs --state <file>\n${usage}`);
    return 2;
  }
  let state;
  try {
    state = readSealingStateFile(file);
  } catch (err) {
    io.stderr.write(
      `seclog keys show-epoch: cannot read ${escapeForLine(file)}: ${message(err)}\n`,
    );
    return 2;
  }
  const current = now >= state.startMs ? epochOf(state, now) : undefined;
  const from = new Date(epochStartMs(state, state.epoch)).toISOString();
  const to = new Date(epochStartMs(state, state.epoch + 1)).toISOString();
  if (p.flags.has('--json')) {
    const { slot, epoch, epochMs, startMs } = state;
    io.stdout.write(
      `${JSON.stringify({ slot, epoch, epochMs, startMs, epochStart: from, epochEnd: to, currentEpoch: current ?? null })}\n`,
    );
    return 0;
  }
  const behind =
    current === undefined
      ? 'now is before epoch 0'
      : current === state.epoch
        ? 'current'
        : current > state.epoch
          ? `now in epoch ${current}, ${current - state.epoch} behind`
          : `now in epoch ${current}: the state is AHEAD of the clock`;
  io.stdout.write(
    `slot ${state.slot}: epoch ${state.epoch} (${from} to ${to}, ${formatDuration(state.epochMs)} epochs); ${behind}\n`,
  );
  return 0;
}

/** `seclog keys <init|show-epoch> ...`; exit 0 done, 2 usage or I/O error. */
export function keysCommand(p: KeysArgs, io: KeysIo, usage: string, now = Date.now()): number {
  const sub = p.positional[0];
  switch (sub) {
    case 'init':
      return initCommand(p, io, usage, now);
    case 'show-epoch':
      return showEpochCommand(p, io, usage, now);
    default:
      io.stderr.write(
        `seclog keys: ${sub === undefined ? 'expected init or show-epoch' : `unknown subcommand ${escapeForLine(sub)}`}\n${usage}`,
      );
      return 2;
  }
}
