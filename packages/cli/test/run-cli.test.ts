import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { runCli, parseDuration } from '@seclog/cli';
import { BIN, buildCli, record, tempDir, writeRecords } from './helpers.js';

function seclog(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function sealedDir(count: number, options: Record<string, unknown> = {}) {
  const t = tempDir();
  const e = new RotatingFileLogRecordExporter({ directory: t.dir, maxFileBytes: 4096, ...options });
  await writeRecords(e, count);
  await e.shutdown();
  return t;
}

beforeAll(() => buildCli(), 120_000);

describe('seclog bin', () => {
  describe('verify', () => {
    it('exits 0 and says OK for an intact directory', async () => {
      const { dir, cleanup } = await sealedDir(20);
      const r = seclog('verify', dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /^seclog verify: OK: \d+ files?, 20 records intact; signatures not checked \(no key given\)$/m,
      );
      cleanup();
    });

    it('with --strict exits 1 when the directory verifies only with notes, 0 when it has none', async () => {
      const withNotes = await sealedDir(40, { maxFiles: 2 });
      const plain = seclog('verify', withNotes.dir);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^note: \d+ files removed by retention/m);
      const strict = seclog('verify', '--strict', withNotes.dir);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toBe(
        'seclog verify: FAILED (--strict): no break, but 1 note above; under --strict a note is a failure\n',
      );
      expect(seclog('verify', '--strict', '--json', withNotes.dir).code).toBe(1);
      withNotes.cleanup();
      const clean = await sealedDir(20);
      expect(seclog('verify', '--strict', clean.dir).code).toBe(0);
      clean.cleanup();
    });

    it('exits 1 naming the first broken file, line and kind', async () => {
      const { dir, cleanup } = await sealedDir(20);
      const path = join(dir, 'seclog-000002.ndjson');
      const lines = readFileSync(path, 'utf8').split('\n');
      lines[1] = lines[1]!.replace(/event (\d+)/, 'event 999');
      writeFileSync(path, lines.join('\n'));
      const r = seclog('verify', dir);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(
        'seclog verify: BROKEN: seclog-000002.ndjson line 2: hash-mismatch: line 2 was altered (hash does not match)',
      );
      cleanup();
    });

    it('exits 1 with --max-age when the newest record is too old', async () => {
      const { dir, cleanup } = await sealedDir(3);
      const r = seclog('verify', dir, '--max-age', '5m');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/stale: newest record is \d+ s old \(limit 300 s\)/);
      cleanup();
    });

    it('passes --max-age when records are fresh', async () => {
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir });
      await new Promise((resolve) =>
        e.export([record(1, 'fresh', Math.floor(Date.now() / 1000))], resolve),
      );
      await e.shutdown();
      expect(seclog('verify', dir, '--max-age', '5m').code).toBe(0);
      cleanup();
    });

    it('checks seal signatures with --hmac-key-file', async () => {
      const key = `key-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const { dir, cleanup } = await sealedDir(10, { hmacKey: key, keyId: 'k1' });
      const keyDir = tempDir();
      const good = join(keyDir.dir, 'hmac.key');
      writeFileSync(good, `${key}\n`);
      expect(seclog('verify', dir, '--hmac-key-file', good).code).toBe(0);
      writeFileSync(good, `${key}x`);
      const bad = seclog('verify', dir, '--hmac-key-file', good);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/seclog-000001\.seal: bad-signature/);
      keyDir.cleanup();
      cleanup();
    });

    it('exits 1 on an unchained directory unless --allow-unchained is given', async () => {
      const { dir, cleanup } = await sealedDir(20, { hashChain: false });
      const r = seclog('verify', dir);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(
        /^seclog verify: BROKEN: seclog-000001\.ndjson: unchained: /,
      );
      const allowed = seclog('verify', dir, '--allow-unchained');
      expect(allowed.code).toBe(0);
      expect(allowed.stdout).toMatch(/^note: seclog-000001\.ndjson is unchained/m);
      expect(allowed.stdout).toMatch(/OK: \d+ files?, 20 records intact; signatures not checked/m);
      cleanup();
    });

    it('exits 2 on usage errors', () => {
      expect(seclog('verify').code).toBe(2);
      expect(seclog('verify', '/tmp', '--max-age', 'soon').stderr).toMatch(
        /--max-age takes a duration/,
      );
      expect(seclog('frobnicate').code).toBe(2);
    });

    it('exits 1 saying what it looked for when the path holds no seclog files (empty, missing, a file)', () => {
      const { dir, cleanup } = tempDir();
      const file = join(dir, 'notes.txt');
      writeFileSync(file, 'hello\n');
      for (const path of [dir, join(dir, 'missing'), file]) {
        const r = seclog('verify', path);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(
          /^seclog verify: FAILED: .*looked for seclog-NNNNNN\.ndjson and seclog-wN-NNNNNN\.ndjson data files/,
        );
      }
      cleanup();
    });
  });

  describe('tail', () => {
    it('prints the file lines with --raw and follows across rotations with -f', async () => {
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
      await writeRecords(e, 2);
      const child = spawn(process.execPath, [BIN, 'tail', dir, '-f', '--raw', '-n', '100'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.setEncoding('utf8');
      const seen = new Promise<void>((resolve) => {
        child.stdout.on('data', (d: string) => {
          out += d;
          if (out.split('\n').length > 30) resolve();
        });
      });
      const firstLines = new Promise<void>((resolve) => {
        const check = (): void =>
          out.split('\n').length > 2 ? resolve() : void setTimeout(check, 20);
        check();
      });
      await firstLines;
      await writeRecords(e, 28, 2); // several rotations while tail follows
      await seen;
      child.kill('SIGTERM');
      await e.shutdown();
      const lines = out.split('\n').filter((l) => l !== '');
      const ns = lines.map((l) => Number(/"test\.n","value":\{"intValue":"(\d+)"/.exec(l)![1]));
      expect(ns).toEqual(Array.from({ length: 30 }, (_, i) => i));
      for (const l of lines) expect(l.startsWith('{"resourceLogs"')).toBe(true);
      cleanup();
    });
  });
});

describe('runCli', () => {
  it('tails in-process with pretty output on a terminal, escaping control characters', async () => {
    const { dir, cleanup } = tempDir();
    const e = new RotatingFileLogRecordExporter({ directory: dir });
    await new Promise((resolve) =>
      e.export([record(1, 'evil\n2026-01-01 INFO forged line\u001b[2J')], resolve),
    );
    await e.forceFlush();
    const controller = new AbortController();
    let out = '';
    const done = runCli(['tail', dir], {
      stdout: {
        write: (t: string) => {
          out += t;
          controller.abort();
        },
      },
      stderr: { write: () => undefined },
      isTTY: true,
      signal: controller.signal,
    });
    expect(await done).toBe(0);
    await e.shutdown();
    expect(out.split('\n').filter((l) => l !== '')).toEqual([
      '2023-11-14T22:13:21.000Z INFO  "evil\\n2026-01-01 INFO forged line\\u001b[2J" test.n=1',
    ]);
    cleanup();
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m, h and d', () => {
    expect([
      parseDuration('500ms'),
      parseDuration('30s'),
      parseDuration('5m'),
      parseDuration('2h'),
      parseDuration('1d'),
    ]).toEqual([500, 30_000, 300_000, 7_200_000, 86_400_000]);
    expect(parseDuration('5 minutes')).toBeUndefined();
  });
});
