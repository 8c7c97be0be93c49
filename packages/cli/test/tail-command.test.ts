// `seclog tail` in a script: it prints and exits unless asked to follow, one flat JSON record per
// line when piped (a file line holds a whole batch), `-n` counting records back through the
// rotated files, gzipped ones included, and a file it cannot read named rather than passed over.
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { BIN, buildCli, record, tempDir } from './helpers.js';

beforeAll(buildCli);

/** Writes `count` records in batches of `batch` (one file line each), rotating at 4 KiB. */
async function writeBatches(
  dir: string,
  count: number,
  batch: number,
  extra: { compress?: boolean } = {},
): Promise<void> {
  const e = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096, ...extra });
  for (let i = 0; i < count; i += batch) {
    const records = Array.from({ length: Math.min(batch, count - i) }, (_, j) => record(i + j));
    await new Promise((resolve) => e.export(records, resolve));
  }
  await e.shutdown();
}

/** Runs the built `seclog` bin with stdout a pipe, as a script would; resolves when it exits. */
function seclogPiped(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }),
    );
    child.stdin?.end();
  });
}

/** `test.n` of each flat JSON line printed. */
const ns = (stdout: string): number[] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r['test.n'] !== undefined)
    .map((r) => r['test.n'] as number);

describe('seclog tail in a script', () => {
  it('prints one flat JSON record per line when piped and exits 0 without -f', async () => {
    const { dir, cleanup } = tempDir();
    await writeBatches(dir, 12, 4);
    const { code, stdout } = await seclogPiped('tail', dir);
    expect(code).toBe(0);
    // 3 file lines of 4 records each; the last 10 records, one per line.
    expect(ns(stdout)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(JSON.parse(stdout.split('\n')[0] as string)).toMatchObject({
      'service.name': 'svc',
      body: 'event 2',
    });
    cleanup();
  });

  it('reaches -n back through the rotated files', async () => {
    const { dir, cleanup } = tempDir();
    await writeBatches(dir, 120, 5);
    expect(readdirSync(dir).filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThan(3);
    const { code, stdout } = await seclogPiped('tail', dir, '-n', '100');
    expect(code).toBe(0);
    expect(ns(stdout)).toEqual(Array.from({ length: 100 }, (_, i) => i + 20));
    cleanup();
  });

  it('reads gzipped rotated files for -n and --since', async () => {
    const { dir, cleanup } = tempDir();
    await writeBatches(dir, 120, 5, { compress: true });
    const names = readdirSync(dir);
    expect(names.filter((f) => f.endsWith('.ndjson.gz')).length).toBeGreaterThan(3);
    expect(names.filter((f) => f.endsWith('.ndjson'))).toEqual([]);
    const all = Array.from({ length: 120 }, (_, i) => i);
    expect(ns((await seclogPiped('tail', dir, '-n', '1000')).stdout)).toEqual(all);
    // record(n) is at 1_700_000_000 + n seconds: every one of them is after this.
    const since = await seclogPiped('tail', dir, '--since', '2023-11-01T00:00:00Z');
    expect(since.code).toBe(0);
    expect(since.stderr).toBe('');
    expect(ns(since.stdout)).toEqual(all);
    cleanup();
  });

  it('names a gzipped file it cannot read on stderr and exits 2', async () => {
    const { dir, cleanup } = tempDir();
    await writeBatches(dir, 120, 5, { compress: true });
    const first = readdirSync(dir)
      .filter((f) => f.endsWith('.ndjson.gz'))
      .sort()[0] as string;
    writeFileSync(join(dir, first), 'not gzip at all');
    const { code, stdout, stderr } = await seclogPiped('tail', dir, '-n', '1000');
    expect(code).toBe(2);
    expect(stderr).toContain(`seclog tail: skipped ${first}, its records not shown:`);
    // Every other file still shown.
    expect(ns(stdout).length).toBeGreaterThan(0);
    expect(ns(stdout).at(-1)).toBe(119);
    cleanup();
  });

  it('exits 2 on a directory that does not exist unless following', async () => {
    const { dir, cleanup } = tempDir();
    const { code, stderr } = await seclogPiped('tail', join(dir, 'nope'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^seclog tail: cannot read .*nope/);
    cleanup();
  });

  it('prints the file lines as written with --raw, -n counting lines', async () => {
    const { dir, cleanup } = tempDir();
    await writeBatches(dir, 12, 4);
    const { code, stdout } = await seclogPiped('tail', dir, '--raw', '-n', '2');
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l.startsWith('{"resourceLogs"')).toBe(true);
    cleanup();
  });
});
