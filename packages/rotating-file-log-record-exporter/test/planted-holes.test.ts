// A file a crashed writer left open, padded by an intruder (sparse holes cost no disk) before the
// restart, and sparse files planted for verify: neither may make recovery or verify read them whole.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  verifyDirectory,
  type IntegrityViolation,
} from '@seclog/rotating-file-log-record-exporter';
import { buildPackages, setup, tempDir } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const GIB = 1024 * 1024 * 1024;

/** Runs the writer fixture until it acknowledged a few batches, then SIGKILLs it. */
function crashedWriter(dir: string, maxFileBytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE], {
      env: {
        ...process.env,
        SECLOG_DIR: dir,
        SECLOG_MODE: 'crash',
        SECLOG_BATCH: '3',
        SECLOG_MAX_FILE_BYTES: String(maxFileBytes),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acks = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      acks += d.split('\n').filter((l) => l.startsWith('A ')).length;
      if (acks >= 5) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer ended without SIGKILL`)),
    );
  });
}

/** The file the killed writer left open: the newest data file without a seal. */
function activeFile(dir: string): string {
  const names = readdirSync(dir);
  const open = names
    .filter((f) => f.endsWith('.ndjson') && !names.includes(f.replace(/\.ndjson$/, '.seal')))
    .sort();
  expect(open).toHaveLength(1);
  return join(dir, open[0]!);
}

beforeAll(() => buildPackages(), 120_000);

describe('RotatingFileLogRecordExporter start-up on a padded active file', () => {
  it('leaves 3 GiB of planted holes unread, reports oversized-file (CRITICAL) and goes on logging in a new file', async () => {
    const t = setup({ maxFileBytes: 4096 });
    const violations: IntegrityViolation[] = [];
    try {
      // One file (no rotation to race with the kill), open when killed.
      await crashedWriter(t.logDir, 1024 * 1024);
      const active = activeFile(t.logDir);
      const before = statSync(active).size;
      truncateSync(active, before + 3 * GIB);
      const t2 = setup({
        directory: t.logDir,
        maxFileBytes: 4096,
        compress: true,
        onIntegrityViolation: (v) => violations.push(v),
      });
      t2.emit(5);
      await t2.flush();
      const stats = t2.exporter.getStats();
      await t2.done();
      expect(stats.dropped).toEqual({});
      expect(stats.recordsWritten).toBe(5);
      expect(violations.map((v) => [v.kind, v.level, v.file])).toContainEqual([
        'oversized-file',
        'CRITICAL',
        active.slice(t.logDir.length + 1),
      ]);
      // Left as found: not cut, not compressed, nothing copied to a sidecar.
      expect(statSync(active).size).toBe(before + 3 * GIB);
      expect(readdirSync(t.logDir).filter((f) => f.endsWith('.torn'))).toEqual([]);
      const r = await verifyDirectory(t.logDir);
      expect(r.ok).toBe(false);
      expect(r.issues.map((i) => [i.kind, i.file])).toEqual([
        ['oversized-file', active.slice(t.logDir.length + 1)],
      ]);
      expect(readdirSync(t.logDir)).not.toContain(`${active.slice(t.logDir.length + 1)}.gz`);
      // The records after the restart went to a new file, and were checked too.
      const newest = readdirSync(t.logDir)
        .filter((f) => /\.ndjson(\.gz)?$/.test(f))
        .sort()
        .at(-1)!;
      expect(newest > active.slice(t.logDir.length + 1)).toBe(true);
      expect(r.recordsChecked).toBeGreaterThan(5);
    } finally {
      await t.done();
    }
  }, 60_000);

  it('copies at most maxLineBytes of a long torn tail to the .torn sidecar and says what was cut', async () => {
    const t = setup({ maxFileBytes: 1024 * 1024 });
    const violations: IntegrityViolation[] = [];
    try {
      await crashedWriter(t.logDir, 1024 * 1024);
      const active = activeFile(t.logDir);
      // Real bytes (no holes), no newline: within what the writer could have left, so it is torn.
      appendFileSync(active, 'z'.repeat(100_000));
      const t2 = setup({
        directory: t.logDir,
        maxFileBytes: 1024 * 1024,
        maxLineBytes: 4096,
        onIntegrityViolation: (v) => violations.push(v),
      });
      t2.emit(1);
      await t2.flush();
      await t2.done();
      const torn = readdirSync(t.logDir).filter((f) => f.endsWith('.torn'));
      expect(torn).toHaveLength(1);
      expect(statSync(join(t.logDir, torn[0]!)).size).toBe(4096);
      const v = violations.find((x) => x.kind === 'torn-line');
      expect(v?.detail).toMatch(
        /^100000 bytes .* \(only their first 4096 bytes; the rest was cut\)$/,
      );
      const seal = JSON.parse(readFileSync(active.replace(/\.ndjson$/, '.seal'), 'utf8'));
      expect(seal.torn).toMatchObject({ bytes: 100_000, copied: 4096 });
      expect((await verifyDirectory(t.logDir)).ok).toBe(true);
    } finally {
      await t.done();
    }
  }, 60_000);
});

describe('verifyDirectory on planted sparse files', () => {
  it('reports a sparse 5 GiB file at the next data name as planted-file without reading it', async () => {
    const t = setup({ maxFileBytes: 4096 });
    try {
      t.emit(40);
      await t.flush();
      await t.provider.shutdown();
      const names = readdirSync(t.logDir).filter((f) => /^seclog-\d{6}\.ndjson$/.test(f));
      const next = `seclog-${String(names.length + 1).padStart(6, '0')}.ndjson`;
      writeFileSync(join(t.logDir, next), '');
      truncateSync(join(t.logDir, next), 5 * GIB);
      const r = await verifyDirectory(t.logDir);
      expect(r.issues).toEqual([
        {
          kind: 'planted-file',
          file: next,
          message: `${next} has ${5 * GIB} bytes of which ${5 * GIB} are holes, which the exporter never writes (planted); it was not read`,
        },
      ]);
    } finally {
      await t.done();
    }
  }, 60_000);

  it('reports a sealed file padded with holes as planted-file, which maintenance does not compress', async () => {
    const { dir, cleanup } = tempDir();
    const t = setup({ maxFileBytes: 4096, directory: dir });
    try {
      t.emit(40);
      await t.flush();
      await t.provider.shutdown();
      const first = join(dir, 'seclog-000001.ndjson');
      const padded = statSync(first).size + 2 * GIB;
      truncateSync(first, padded);
      // A compressing writer's maintenance leaves it as found: gzip would read its holes.
      const t2 = setup({ maxFileBytes: 4096, directory: dir, compress: true });
      t2.emit(1);
      await t2.flush();
      await t2.done();
      expect(statSync(first).size).toBe(padded);
      expect(readdirSync(dir)).not.toContain('seclog-000001.ndjson.gz');
      expect(readdirSync(dir)).toContain('seclog-000002.ndjson.gz');
      const r = await verifyDirectory(dir);
      expect(r.issues.map((i) => [i.kind, i.file])).toEqual([
        ['planted-file', 'seclog-000001.ndjson'],
      ]);
    } finally {
      await t.done();
      cleanup();
    }
  }, 60_000);
});
