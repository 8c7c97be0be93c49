// A directory an intruder has filled with hostile entries: FIFOs at every name verify opens, a
// 200 MB line, pointers and retention records naming absurd indexes, and 100k junk files.
// `seclog verify` (the real bin, as a child process) must come back with findings naming them, in
// bounded memory, and must stop at once on SIGTERM.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  existsSync,
  rmSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { buildPackages, ROOT_DIR, tempDir } from './helpers.js';

const BIN = join(ROOT_DIR, 'packages', 'cli', 'dist', 'bin.js');
const TIME = '/usr/bin/time';
const HUGE_LINE_BYTES = 200 * 1024 * 1024;
const JUNK_FILES = 100_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak RSS in KiB (from GNU time, else sampled from /proc/<pid>/status VmHWM). */
  peakKiB: number | undefined;
}

/** Bytes the process has read so far (`rchar` of /proc/<pid>/io), or undefined. */
function bytesRead(pid: number | undefined): number | undefined {
  try {
    const m = /^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/**
 * Runs `seclog verify <dir>`; with `killAfterRead`, sends SIGTERM once the child has read that
 * many bytes (so it is in the middle of the 200 MB line), or after 1 s without /proc.
 */
function verify(dir: string, killAfterRead?: number, extra: string[] = []): Promise<Run> {
  const timed = killAfterRead === undefined && existsSync(TIME);
  const args = [BIN, 'verify', dir, ...extra];
  const child = timed
    ? spawn(TIME, ['-v', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  let sampled = 0;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const sampler = setInterval(() => {
    try {
      const status = execFileSync('cat', [`/proc/${child.pid}/status`], { encoding: 'utf8' });
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m !== null) sampled = Math.max(sampled, Number(m[1]));
    } catch {
      // exited
    }
  }, 100);
  let killer: NodeJS.Timeout | undefined;
  if (killAfterRead !== undefined) {
    killer = setInterval(() => {
      const n = bytesRead(child.pid);
      if (
        (n !== undefined && n >= killAfterRead) ||
        (n === undefined && Date.now() - started > 1000)
      ) {
        child.kill('SIGTERM');
        clearInterval(killer);
      }
    }, 5);
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      clearInterval(killer);
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        wallMs: Date.now() - started,
        peakKiB: m !== null ? Number(m[1]) : sampled > 0 ? sampled : undefined,
      });
    });
  });
}

function plantFifo(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing there yet
  }
  execFileSync('mkfifo', [path]);
}

/** Writes a few records through a real LoggerProvider into writer slots 0 to `slots - 1`. */
async function writeSlots(dir: string, slots: number): Promise<void> {
  const providers: LoggerProvider[] = [];
  for (let s = 0; s < slots; s++) {
    const exporter = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
    const provider = new LoggerProvider({
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    providers.push(provider);
    const logger = provider.getLogger('hostile', '1.0.0');
    for (let i = 0; i < 12; i++) {
      logger.emit({ body: `slot ${s} event ${i}`, severityNumber: 9, attributes: { 'test.n': i } });
    }
    await exporter.forceFlush();
  }
  for (const p of providers) await p.shutdown();
}

/** Replaces `path` with one line of `bytes` real (not sparse) bytes, written in 1 MiB chunks. */
function writeHugeLine(path: string, bytes: number): void {
  unlinkSync(path);
  const fd = openSync(path, 'wx', 0o600);
  try {
    const head = Buffer.from('{"resourceLogs":[{"x":"');
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    writeSync(fd, head);
    let left = bytes - head.length - 5;
    while (left > 0) left -= writeSync(fd, chunk, 0, Math.min(chunk.length, left));
    writeSync(fd, Buffer.from('"}]}\n'));
  } finally {
    closeSync(fd);
  }
}

describe('seclog verify on a hostile directory', () => {
  let dir: string;
  let cleanup: () => void;
  let hugeFile: string;
  let dataFifo: string;
  let sealFifo: string;

  beforeAll(async () => {
    buildPackages(true);
    ({ dir, cleanup } = tempDir());
    await writeSlots(dir, 3);
    const names = readdirSync(dir);
    const of = (stem: string, ext: string): string[] =>
      names.filter((n) => new RegExp(`^${stem}-\\d{6}\\.${ext}$`).test(n)).sort();
    // Slot 0: a FIFO at every per-slot name verify opens, and at a data file.
    for (const n of ['seclog.current', 'seclog.lock', 'seclog.head', 'seclog.retention'])
      plantFifo(join(dir, n));
    dataFifo = of('seclog', 'ndjson')[1]!;
    plantFifo(join(dir, dataFifo));
    // Slot 1: a FIFO at a seal, a pointer and a retention record naming absurd indexes.
    sealFifo = of('seclog-w1', 'seal')[0]!;
    plantFifo(join(dir, sealFifo));
    writeFileSync(join(dir, 'seclog-w1.current'), 'seclog-w1-999999999999.ndjson\n');
    writeFileSync(
      join(dir, 'seclog-w1.retention'),
      `${JSON.stringify({
        v: 1,
        deleted: 'seclog-w1-999999999998.ndjson',
        index: 999_999_999_998,
        prevHash: '0'.repeat(64),
        firstSeq: 1,
        lastSeq: 9_007_199_254_740_991,
        count: 1,
        lastHash: 'f'.repeat(64),
        deletedAt: '2026-01-01T00:00:00.000Z',
        reason: 'maxFiles',
      })}\n`,
    );
    // Slot 2: its newest data file is one 200 MB line.
    hugeFile = of('seclog-w2', 'ndjson').at(-1)!;
    writeHugeLine(join(dir, hugeFile), HUGE_LINE_BYTES);
    // 100k junk files: names of data files, seals and sidecars in far-off slots and indexes, and
    // random names.
    const exts = ['ndjson', 'seal', 'torn', 'ndjson.gz'];
    for (let i = 0; i < JUNK_FILES; i++) {
      const name =
        i % 3 === 0
          ? `seclog-w${3 + (i % 40_000)}-${String(1 + ((i * 7919) % 999_999)).padStart(6, '0')}.${exts[i % 4]}`
          : i % 3 === 1
            ? `seclog-${String(100_000_000 + i * 9973).padStart(12, '0')}.${exts[i % 4]}`
            : `junk-${i.toString(36)}-${(i * 2654435761).toString(16)}.tmp`;
      writeFileSync(join(dir, name), i % 5 === 0 ? 'x' : '');
    }
  }, 120_000);

  // Removing 100k files takes a while on a loaded machine.
  afterAll(() => cleanup?.(), 120_000);

  it('exits 1 with findings naming the planted entries, in under 256 MB', async () => {
    const run = await verify(dir);
    console.log(
      `hostile verify: exit ${run.code}, ${run.wallMs} ms wall, peak RSS ${run.peakKiB} KiB`,
    );
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    const broken = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('seclog verify: BROKEN: '))
      .join('\n');
    for (const name of [
      'seclog.current',
      'seclog.lock',
      'seclog.head',
      'seclog.retention',
      dataFifo,
      sealFifo,
      'seclog-w1-999999999999.ndjson',
      hugeFile,
    ]) {
      expect(broken.includes(`BROKEN: ${name}`), name).toBe(true);
    }
    expect(new RegExp(`BROKEN: ${hugeFile} line 1: .*longer than`).test(broken), hugeFile).toBe(
      true,
    );
    expect(run.peakKiB).toBeDefined();
    expect(run.peakKiB!).toBeLessThan(256 * 1024);
  }, 120_000);

  it('checks anchors against it in under 256 MB too, with a gzip bomb as a data file', async () => {
    // 300 MB of one line, gzipped to a few hundred KB, planted as a compressed data file.
    const bomb = join(dir, 'seclog-w2-000050.ndjson.gz');
    const gz = createGzip({ level: 1 });
    const done = pipeline(gz, createWriteStream(bomb));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 300; i++) if (!gz.write(chunk)) await once(gz, 'drain');
    gz.end();
    await done;
    const anchors = join(dir, '..', `${basename(dir)}-anchors.json`);
    writeFileSync(
      anchors,
      `${JSON.stringify({ 'seclog.chain.anchor.slot': 2, 'seclog.chain.anchor.index': 1, 'seclog.chain.anchor.seq': 1, 'seclog.chain.anchor.hash': 'a'.repeat(64), 'seclog.chain.anchor.at': '2026-01-01T00:00:00.000Z' })}\n`,
    );
    try {
      const run = await verify(dir, undefined, ['--anchors', anchors]);
      console.log(
        `hostile verify --anchors: exit ${run.code}, ${run.wallMs} ms wall, peak RSS ${run.peakKiB} KiB`,
      );
      expect(run.code).toBe(1);
      expect(run.peakKiB).toBeDefined();
      expect(run.peakKiB!).toBeLessThan(256 * 1024);
    } finally {
      rmSync(bomb, { force: true });
      rmSync(anchors, { force: true });
    }
  }, 120_000);

  it('stops at once, with a non-zero code, on SIGTERM during a verify', async () => {
    const run = await verify(dir, 64 * 1024 * 1024);
    console.log(
      `hostile verify, SIGTERM mid-line: exit ${run.code}/${run.signal}, ${run.wallMs} ms`,
    );
    // Interrupted (130), not a completed verdict (1) and not killed before it listened.
    expect(run.signal).toBeNull();
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('seclog verify: interrupted');
    expect(run.stderr.includes('BROKEN')).toBe(false);
    expect(run.wallMs).toBeLessThan(10_000); // generous: "promptly", not a benchmark
  }, 120_000);
});
