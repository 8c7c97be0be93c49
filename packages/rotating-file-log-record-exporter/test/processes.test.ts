// Decoded OTLP/JSON trees are walked untyped here.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSealingStates,
  formatVerificationKey,
  sealingStateFileName,
  verifyDirectory,
  writeSealingStateFile,
} from '@seclog/rotating-file-log-record-exporter';
import { allRecords, buildPackages, tempDir } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));

interface Child {
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

function runChild(
  env: Record<string, string>,
  opts: { killAfterMs?: number; killAfterOutputMs?: number; shell?: string } = {},
): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child =
      opts.shell === undefined
        ? spawn(process.execPath, [FIXTURE], {
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'inherit'],
          })
        : spawn('bash', ['-c', opts.shell], {
            env: { ...process.env, ...env, NODE_BIN: process.execPath, FIXTURE },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (stdout === '' && opts.killAfterOutputMs !== undefined) {
        setTimeout(() => child.kill('SIGKILL'), opts.killAfterOutputMs);
      }
      stdout += d;
    });
    child.on('error', reject);
    let timer: NodeJS.Timeout | undefined;
    if (opts.killAfterMs !== undefined)
      timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    child.on('close', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ stdout, code, signal });
    });
  });
}

/** `run:n` keys of every acknowledged record in a child's output. */
function acked(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^A (\S+) (\d+) (\d+)$/.exec(line);
    if (m === null) continue;
    for (let n = Number(m[2]); n <= Number(m[3]); n++) out.push(`${m[1]}:${n}`);
  }
  return out;
}

function stats(stdout: string): Record<string, any> {
  const line = stdout.split('\n').find((l) => l.startsWith('STATS '));
  expect(line).toBeDefined();
  return JSON.parse(line!.slice(6));
}

/** `run:n` of every record on disk; throws if a line does not parse. */
function keysOnDisk(dir: string): string[] {
  return allRecords(dir).map((rec) => {
    const attrs = rec.attributes as { key: string; value: any }[];
    const run = attrs.find((a) => a.key === 'test.run')!.value.stringValue;
    const n = attrs.find((a) => a.key === 'test.n')!.value.intValue;
    return `${run}:${n}`;
  });
}

beforeAll(() => buildPackages(), 120_000);

describe('RotatingFileLogRecordExporter', () => {
  describe('export (separate processes)', () => {
    it('keeps every acknowledged record through 200 SIGKILLs at random moments, and the directory verifies with the verification key', async () => {
      const { dir: root, cleanup } = tempDir();
      const dir = join(root, 'logs');
      // Forward-secure sealing with one-second epochs: kills land around epoch ends too.
      const stateDir = join(root, 'state');
      mkdirSync(stateDir, { mode: 0o700 });
      const startMs = Math.floor(Date.now() / 1000) * 1000;
      const { verificationKey, states } = createSealingStates({ slots: 1, epochMs: 1000, startMs });
      writeSealingStateFile(join(stateDir, sealingStateFileName(0)), states[0]!);
      const vk = formatVerificationKey({ key: verificationKey, epochMs: 1000, startMs });
      const ack = new Set<string>();
      let killed = 0;
      for (let i = 0; i < 200; i++) {
        const child = await runChild(
          {
            SECLOG_DIR: dir,
            SECLOG_MODE: 'crash',
            SECLOG_RUN: `r${i}`,
            // Batches of 1 to 150 records, every other run with the batch worker: both the in-place
            // and the worker-thread rendering run (including the worker's re-sync after a crash).
            SECLOG_BATCH: '150',
            SECLOG_MAX_FILE_BYTES: '65536',
            SECLOG_OPTIONS: JSON.stringify({ worker: i % 2 === 0, sealingStateDir: stateDir }),
          },
          // Most kills land while batches are being written; every third lands during start-up
          // (lock take-over, recovery of the previous run's file). The 5 s cap only bounds the loop.
          i % 3 === 0
            ? { killAfterMs: 30 + Math.floor(Math.random() * 100) }
            : { killAfterMs: 5000, killAfterOutputMs: Math.floor(Math.random() * 40) },
        );
        if (child.signal === 'SIGKILL') killed++;
        for (const k of acked(child.stdout)) ack.add(k);
      }
      expect(killed).toBe(200);
      expect(ack.size).toBeGreaterThan(200);
      // One clean start seals whatever the last kill left open.
      const last = await runChild({
        SECLOG_DIR: dir,
        SECLOG_MODE: 'count',
        SECLOG_RUN: 'final',
        SECLOG_COUNT: '1',
        SECLOG_OPTIONS: JSON.stringify({ sealingStateDir: stateDir }),
      });
      expect(last.code).toBe(0);
      const onDisk = new Set(keysOnDisk(dir));
      const missing = [...ack].filter((k) => !onDisk.has(k));
      expect(missing).toEqual([]);
      const result = await verifyDirectory(dir, { verificationKey: vk });
      expect(result.issues).toEqual([]);
      expect(result.ok).toBe(true);
      // Each kill after the first acknowledgment left an unsealed file that a later start recovered.
      const recoveredSeals = readdirSync(dir)
        .filter((f) => f.endsWith('.seal'))
        .filter((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).recovered === true);
      expect(recoveredSeals.length).toBeGreaterThan(100);
      // Temp files the kills left behind were removed by the next start.
      expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
      const torn = readdirSync(dir).filter((f) => f.endsWith('.torn'));
      for (const t of torn) expect(readFileSync(join(dir, t)).includes(0x0a)).toBe(false);
      cleanup();
    }, 180_000);

    it('never interleaves or loses lines when several processes write one directory', async () => {
      const { dir: root, cleanup } = tempDir();
      const dir = join(root, 'logs');
      const barrier = join(root, 'barrier');
      mkdirSync(barrier);
      const children = await Promise.all(
        [0, 1, 2, 3].map((i) =>
          runChild({
            SECLOG_DIR: dir,
            // All four hold a slot at once, however loaded the machine (else one may finish first).
            SECLOG_BARRIER: `${barrier}:4`,
            SECLOG_RUN: `w${i}`,
            SECLOG_COUNT: '1500',
            SECLOG_BATCH: '25',
            SECLOG_MAX_FILE_BYTES: '16384',
          }),
        ),
      );
      for (const c of children) expect(c.code).toBe(0);
      const slots = children.map((c) => stats(c.stdout).slot as number | undefined);
      const keys = keysOnDisk(dir);
      expect(keys.length).toBe(4 * 1500);
      expect(new Set(keys).size).toBe(keys.length);
      for (const c of children) for (const k of acked(c.stdout)) expect(keys).toContain(k);
      const names = readdirSync(dir);
      for (const stem of [
        'seclog-000001',
        'seclog-w1-000001',
        'seclog-w2-000001',
        'seclog-w3-000001',
      ]) {
        expect(names).toContain(`${stem}.ndjson`);
      }
      expect(names.filter((n) => n.endsWith('.seal')).length).toBeGreaterThan(8);
      expect(slots.every((s) => s === undefined)).toBe(true); // released at shutdown
      expect(await verifyDirectory(dir)).toMatchObject({ ok: true, recordsChecked: 6000 });
      cleanup();
    }, 120_000);

    // With `worker: true`, batches of 100 start the batch worker, which must not hold the process
    // open either.
    it.each([20, 100])(
      'leaves no timer or handle that keeps the process alive when shutdown is never called (batches of %i)',
      async (batch) => {
        const { dir, cleanup } = tempDir();
        const child = await runChild(
          {
            SECLOG_DIR: dir,
            SECLOG_COUNT: '200',
            SECLOG_BATCH: String(batch),
            SECLOG_MAX_FILE_BYTES: '8192',
            SECLOG_SKIP_SHUTDOWN: '1',
            SECLOG_OPTIONS: JSON.stringify({
              rotateIntervalMs: 3_600_000,
              compress: true,
              maxFiles: 3,
              worker: true,
            }),
          },
          { killAfterMs: 20_000 }, // only a bound on the test: a leak shows up as SIGKILL
        );
        expect(child.signal).toBeNull();
        expect(child.code).toBe(0);
        expect(child.stdout).toContain('DONE');
        cleanup();
      },
      60_000,
    );

    it("runs none of the application's preload modules again in its batch worker", async () => {
      const { dir, cleanup } = tempDir();
      const preload = join(dir, 'preload.cjs');
      writeFileSync(
        preload,
        `require('node:fs').appendFileSync(${JSON.stringify(join(dir, 'preloads.txt'))}, (require('node:worker_threads').isMainThread ? 'main' : 'worker') + '\\n');\n`,
      );
      const logs = join(dir, 'logs');
      const child = await runChild({
        SECLOG_DIR: logs,
        SECLOG_COUNT: '300',
        SECLOG_BATCH: '100',
        SECLOG_OPTIONS: JSON.stringify({ worker: true }),
        NODE_OPTIONS: `--require ${preload}`,
      });
      expect(child.code).toBe(0);
      expect(allRecords(logs).length).toBe(300);
      expect(readFileSync(join(dir, 'preloads.txt'), 'utf8')).toBe('main\n');
      cleanup();
    }, 60_000);

    /**
     * Runs the writer (`worker: true`: batches of 100 are rendered on the worker thread, batches of
     * 20 in place) with a 64 KiB file-size limit (RLIMIT_FSIZE; SIGXFSZ ignored, so a write fails
     * with EFBIG instead of killing it) until 5 batches have failed. With `clears`, the limit is a
     * soft one that the fixture then lifts with prlimit before writing 2000 more records.
     */
    async function runOnFullDisk(batch: number, clears: boolean): Promise<string> {
      const { dir, cleanup } = tempDir();
      const child = await runChild(
        {
          SECLOG_DIR: dir,
          SECLOG_MODE: clears ? 'diskfull-clears' : 'diskfull',
          SECLOG_COUNT: clears ? '2000' : '100000',
          SECLOG_BATCH: String(batch),
          SECLOG_OPTIONS: JSON.stringify({ worker: true }),
        },
        { shell: `trap '' XFSZ; ulimit ${clears ? '-S ' : ''}-f 64; exec "$NODE_BIN" "$FIXTURE"` },
      );
      expect(child.code).toBe(0);
      const s = stats(child.stdout);
      expect(s.failedBatches).toBe(5);
      expect(s.dropped.disk_full).toBe(5 * batch);
      expect(s.recordsWritten).toBe(acked(child.stdout).length);
      expect(keysOnDisk(dir).sort()).toEqual(acked(child.stdout).sort());
      expect((await verifyDirectory(dir)).ok).toBe(true);
      cleanup();
      return child.stdout;
    }

    it.each([20, 100])(
      'keeps running on a full disk (RLIMIT_FSIZE), reports FAILED and counts the drops (batches of %i)',
      async (batch) => {
        await runOnFullDisk(batch, false);
      },
      60_000,
    );

    it.skipIf(spawnSync('prlimit', ['--version']).status !== 0).each([20, 100])(
      'resumes writing once the disk has room again, and the chain still verifies (batches of %i)',
      async (batch) => {
        const stdout = await runOnFullDisk(batch, true);
        const clearedAt = Number(/^CLEARED (\d+)$/m.exec(stdout)?.[1]);
        expect(clearedAt).toBeGreaterThan(0);
        // Every batch after the limit was lifted was acknowledged (and so is on disk).
        const ackedAfter = acked(stdout).filter((key) => Number(key.split(':')[1]) >= clearedAt);
        expect(ackedAfter.length).toBe(2000);
      },
      60_000,
    );
  });
});
