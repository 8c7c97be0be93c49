import { createHash } from 'node:crypto';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
  type VerifyIssueKind,
} from '@seclog/rotating-file-log-record-exporter';
import { dataFiles, record, tempDir } from './helpers.js';

async function writeDir(
  dir: string,
  count: number,
  options: Record<string, unknown> = {},
): Promise<void> {
  const e = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096, ...options });
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => e.export([record(i)], resolve));
  }
  await e.shutdown();
}

function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

function writeLines(path: string, lines: string[]): void {
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
}

describe('verifyDirectory', () => {
  let dir: string;
  let cleanup: () => void;
  let second: string;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    await writeDir(dir, 30);
    const files = dataFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    second = join(dir, 'seclog-000002.ndjson');
  });
  afterEach(() => cleanup());

  async function expectBreak(kind: VerifyIssueKind, file: string, line?: number): Promise<void> {
    const result = await verifyDirectory(dir);
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject(
      line === undefined ? { kind, file } : { kind, file, line },
    );
  }

  it('passes an intact directory across rotations', async () => {
    const result = await verifyDirectory(dir);
    expect(result).toMatchObject({ ok: true, issues: [], recordsChecked: 30 });
    expect(result.filesChecked).toBe(dataFiles(dir).length);
  });

  it('detects an edited line (hash-mismatch on that line)', async () => {
    const lines = readLines(second);
    lines[2] = lines[2]!.replace(/user (\d+) logged in/, 'user $1 logged out');
    writeLines(second, lines);
    await expectBreak('hash-mismatch', 'seclog-000002.ndjson', 3);
  });

  it("detects an edited resource in a line's head (hash-mismatch on that line)", async () => {
    const lines = readLines(second);
    expect(lines[1]).toContain('"service.name"');
    lines[1] = lines[1]!.replace(/("service\.name","value":\{"stringValue":")[^"]*/, '$1forged');
    writeLines(second, lines);
    await expectBreak('hash-mismatch', 'seclog-000002.ndjson', 2);
  });

  it('chains each line as SHA-256(prev ‖ SHA-256 of its head ‖ its record part)', () => {
    const hex = (...parts: string[]): string => {
      const h = createHash('sha256');
      for (const p of parts) h.update(p, 'utf8');
      return h.digest('hex');
    };
    const lines = readLines(second);
    let prev = (
      JSON.parse(readFileSync(join(dir, 'seclog-000001.seal'), 'utf8')) as { lastHash: string }
    ).lastHash;
    for (const line of lines) {
      const marker = '{"key":"seclog.chain.hash","value":{"stringValue":"';
      const hashAt = line.lastIndexOf(marker) + marker.length;
      const headEnd = line.indexOf('"logRecords":[') + '"logRecords":['.length;
      const expected = hex(prev, hex(line.slice(0, headEnd)), line.slice(headEnd, hashAt));
      expect(line.slice(hashAt, hashAt + 64)).toBe(expected);
      prev = expected;
    }
  });

  it('detects a line edited into invalid JSON', async () => {
    const lines = readLines(second);
    lines[1] = lines[1]!.slice(0, 40);
    writeLines(second, lines);
    await expectBreak('unparsable-line', 'seclog-000002.ndjson', 2);
  });

  it('detects a deleted line', async () => {
    const lines = readLines(second);
    lines.splice(1, 1);
    writeLines(second, lines);
    await expectBreak('line-missing', 'seclog-000002.ndjson', 2);
  });

  it('detects reordered lines', async () => {
    const lines = readLines(second);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    writeLines(second, lines);
    await expectBreak('line-out-of-order', 'seclog-000002.ndjson', 2);
  });

  it('detects an inserted copy of an earlier line', async () => {
    const lines = readLines(second);
    lines.splice(3, 0, lines[0]!);
    writeLines(second, lines);
    await expectBreak('line-out-of-order', 'seclog-000002.ndjson', 4);
  });

  it('detects an inserted forged line', async () => {
    const lines = readLines(second);
    const forged = lines[1]!.replace(/user (\d+) logged in/, 'nothing to see');
    lines.splice(1, 0, forged);
    writeLines(second, lines);
    await expectBreak('hash-mismatch', 'seclog-000002.ndjson', 2);
  });

  it('detects a file truncated at a line boundary', async () => {
    const lines = readLines(second);
    writeLines(second, lines.slice(0, -1));
    await expectBreak('truncated', 'seclog-000002.ndjson', lines.length);
  });

  it('detects a file truncated inside a line', async () => {
    const text = readFileSync(second, 'utf8');
    const lines = readLines(second);
    writeFileSync(second, text.slice(0, text.length - 20));
    await expectBreak('truncated', 'seclog-000002.ndjson', lines.length);
  });

  it('detects a whole file deleted from the middle', async () => {
    unlinkSync(second);
    unlinkSync(join(dir, 'seclog-000002.seal'));
    await expectBreak('missing-file', 'seclog-000002.ndjson');
  });

  it('detects a deleted seal', async () => {
    unlinkSync(join(dir, 'seclog-000002.seal'));
    await expectBreak('missing-seal', 'seclog-000002.ndjson');
  });

  it('detects the newest file deleted (the pointer still names it)', async () => {
    const last = dataFiles(dir).at(-1)!;
    unlinkSync(join(dir, last));
    unlinkSync(join(dir, last.replace('.ndjson', '.seal')));
    await expectBreak('missing-file', last);
  });

  it('detects a line appended after the seal', async () => {
    const lines = readLines(second);
    writeLines(second, [...lines, lines.at(-1)!]);
    await expectBreak('line-out-of-order', 'seclog-000002.ndjson', lines.length + 1);
  });

  it('detects a forged seal count', async () => {
    const sealPath = join(dir, 'seclog-000002.seal');
    const seal = JSON.parse(readFileSync(sealPath, 'utf8'));
    seal.count += 1;
    writeFileSync(sealPath, JSON.stringify(seal));
    await expectBreak('seal-mismatch', 'seclog-000002.ndjson');
  });

  it('fails with stale when the newest record is older than maxAgeMs', async () => {
    const result = await verifyDirectory(dir, { maxAgeMs: 60_000 });
    expect(result.issues).toEqual([expect.objectContaining({ kind: 'stale' })]);
    const fresh = await verifyDirectory(dir, {
      maxAgeMs: 60_000,
      now: (1_700_000_000 + 29) * 1000 + 1000,
    });
    expect(fresh.ok).toBe(true);
  });
});

describe('verifyDirectory on a live directory', () => {
  it('passes while the writer is running and reports a complete but broken last line as a break', async () => {
    const { dir, cleanup } = tempDir();
    const e = new RotatingFileLogRecordExporter({ directory: dir });
    await new Promise((resolve) => e.export([record(1), record(2)], resolve));
    expect(await verifyDirectory(dir)).toMatchObject({ ok: true, recordsChecked: 2 });
    const path = join(dir, 'seclog-000001.ndjson');
    // The batch is one line (format v2): records are named by their place on it.
    const lines = readLines(path);
    expect(lines).toHaveLength(1);
    lines[0] = lines[0]!.replace('user 2', 'user 3');
    writeLines(path, lines);
    const result = await verifyDirectory(dir);
    expect(result.issues[0]).toMatchObject({
      kind: 'hash-mismatch',
      file: 'seclog-000001.ndjson',
      line: 1,
      record: 2,
      message: 'line 1 record 2 was altered (hash does not match)',
    });
    await e.shutdown();
    cleanup();
  });
});

describe('verifyDirectory without a key', () => {
  it('says so when the files are signed: their signatures went unchecked', async () => {
    const key = `sk-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const { dir, cleanup } = tempDir();
    try {
      await writeDir(dir, 10, { hmacKey: key, keyId: 'k7' });
      const keyless = await verifyDirectory(dir);
      expect(keyless.ok).toBe(true);
      expect(keyless.notes).toContainEqual(
        expect.stringMatching(/signed \(key id k7\) but no key was given/),
      );
      const keyed = await verifyDirectory(dir, { hmacKey: key });
      expect(keyed.notes.filter((n) => /no key was given/.test(n))).toEqual([]);
      // An unsigned directory gets no such note.
      const { dir: plain, cleanup: done } = tempDir();
      await writeDir(plain, 10);
      expect((await verifyDirectory(plain)).notes).toEqual([]);
      done();
    } finally {
      cleanup();
    }
  });
});

describe('verifyDirectory after retention', () => {
  it('passes when retention deleted old files and reports a deleted retention-covered file otherwise', async () => {
    const { dir, cleanup } = tempDir();
    await writeDir(dir, 30, { maxFiles: 2 });
    expect(dataFiles(dir).length).toBe(2);
    const result = await verifyDirectory(dir);
    expect(result.ok).toBe(true);
    // Removing the retention record makes the deletions unexplained.
    rmSync(join(dir, 'seclog.retention'));
    const broken = await verifyDirectory(dir);
    expect(broken.issues[0]).toMatchObject({ kind: 'missing-file', file: 'seclog-000001.ndjson' });
    cleanup();
  });

  it('requires signatures on retention records when a key is given', async () => {
    const key = `rk-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const { dir, cleanup } = tempDir();
    await writeDir(dir, 30, { maxFiles: 2, hmacKey: key, keyId: 'r1' });
    expect((await verifyDirectory(dir, { hmacKey: key })).ok).toBe(true);
    const path = join(dir, 'seclog.retention');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const forged = JSON.parse(lines[0]!);
    forged.reason = 'maxAgeMs';
    lines[0] = JSON.stringify(forged);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const result = await verifyDirectory(dir, { hmacKey: key });
    expect(result.issues[0]).toMatchObject({ kind: 'bad-signature', file: 'seclog-000001.ndjson' });
    cleanup();
  });
});

describe('verifyDirectory with unchained files', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
  });
  afterEach(() => cleanup());

  it('reports every file written with hashChain: false as unchained by default', async () => {
    await writeDir(dir, 30, { hashChain: false });
    const files = dataFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const result = await verifyDirectory(dir);
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.kind)).toEqual(files.map(() => 'unchained'));
    expect(result.issues.map((i) => i.file)).toEqual(files);
  });

  it('passes with allowUnchained, listing the files in notes', async () => {
    await writeDir(dir, 30, { hashChain: false });
    const result = await verifyDirectory(dir, { allowUnchained: true });
    expect(result).toMatchObject({ ok: true, issues: [], recordsChecked: 30 });
    expect(result.notes).toContain(
      'seclog-000001.ndjson is unchained (hashChain: false): only its structure was checked',
    );
    const seal = JSON.parse(readFileSync(join(dir, 'seclog-000001.seal'), 'utf8'));
    expect(seal).toMatchObject({ chained: false, firstSeq: 1, lastSeq: 0 });
    expect(seal.count).toBeGreaterThan(0);
  });

  it('detects a truncated unchained file even with allowUnchained', async () => {
    await writeDir(dir, 30, { hashChain: false });
    const second = join(dir, 'seclog-000002.ndjson');
    const lines = readLines(second);
    writeLines(second, lines.slice(0, -1));
    const result = await verifyDirectory(dir, { allowUnchained: true });
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({ kind: 'truncated', file: 'seclog-000002.ndjson' });
  });

  it('detects a line edited into invalid JSON in an unchained file', async () => {
    await writeDir(dir, 30, { hashChain: false });
    const second = join(dir, 'seclog-000002.ndjson');
    const lines = readLines(second);
    lines[1] = lines[1]!.slice(0, -3);
    writeLines(second, lines);
    const result = await verifyDirectory(dir, { allowUnchained: true });
    expect(result.issues[0]).toMatchObject({
      kind: 'unparsable-line',
      file: 'seclog-000002.ndjson',
      line: 2,
    });
  });

  it('links chained files across unchained ones when the option changed between runs', async () => {
    await writeDir(dir, 10);
    await writeDir(dir, 10, { hashChain: false });
    await writeDir(dir, 10);
    const strict = await verifyDirectory(dir);
    expect(strict.ok).toBe(false);
    expect(new Set(strict.issues.map((i) => i.kind))).toEqual(new Set(['unchained']));
    const allowed = await verifyDirectory(dir, { allowUnchained: true });
    expect(allowed).toMatchObject({ ok: true, issues: [], recordsChecked: 30 });
    // The chain resumes after the unchained run at the sequence the first run ended with.
    const last = dataFiles(dir).at(-1)!;
    expect(readLines(join(dir, last)).at(-1)).toContain(
      '{"key":"seclog.chain.seq","value":{"intValue":"20"}}',
    );
  });

  it('reports a damaged first line of an unsealed chained file as a break, not as unchained', async () => {
    const e = new RotatingFileLogRecordExporter({ directory: dir });
    for (let i = 0; i < 3; i++) await new Promise((resolve) => e.export([record(i)], resolve));
    const active = join(dir, 'seclog-000001.ndjson');
    const lines = readLines(active);
    lines[0] = lines[0]!.replace(/"stringValue":"[0-9a-f]{64}"/, '"stringValue":"not-a-hash"');
    writeLines(active, lines);
    const result = await verifyDirectory(dir, { allowUnchained: true });
    await e.shutdown();
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({
      kind: 'unparsable-line',
      file: 'seclog-000001.ndjson',
      line: 1,
    });
  });

  it('detects a chained file rewritten as unchained even with allowUnchained', async () => {
    await writeDir(dir, 30);
    const first = join(dir, 'seclog-000001.ndjson');
    const lines = readLines(first).map((l) => {
      const req = JSON.parse(l);
      const rec = req.resourceLogs[0].scopeLogs[0].logRecords[0];
      rec.attributes = rec.attributes.filter(
        (a: { key: string }) => !a.key.startsWith('seclog.chain.'),
      );
      return JSON.stringify(req);
    });
    writeLines(first, lines);
    const sealPath = join(dir, 'seclog-000001.seal');
    const seal = JSON.parse(readFileSync(sealPath, 'utf8'));
    Object.assign(seal, {
      chained: false,
      lastHash: seal.prevHash,
      lastSeq: 0,
      bytes: readFileSync(first).length,
    });
    writeFileSync(sealPath, JSON.stringify(seal));
    const result = await verifyDirectory(dir, { allowUnchained: true });
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({
      kind: 'hash-mismatch',
      file: 'seclog-000002.ndjson',
      line: 1,
    });
  });
});

describe('verifyDirectory on format v2 lines', () => {
  async function exportBatches(
    dir: string,
    batches: number[][],
    options: Record<string, unknown> = {},
  ): Promise<void> {
    const e = new RotatingFileLogRecordExporter({ directory: dir, ...options });
    for (const b of batches) await new Promise((resolve) => e.export(b.map(record), resolve));
    await e.shutdown();
  }

  it('verifies a directory of v1 and v2 lines mixed, written by writers with and without maxLineBytes: 1', async () => {
    const { dir, cleanup } = tempDir();
    await exportBatches(dir, [[1, 2, 3], [4]], { maxLineBytes: 1 });
    await exportBatches(dir, [[5, 6, 7, 8], [9]]);
    await exportBatches(dir, [[10, 11]], { maxLineBytes: 1 });
    await exportBatches(dir, [[12, 13, 14]]);
    const perFile = dataFiles(dir).map((f) => readLines(join(dir, f)).length);
    // v1: a line per record; v2: a line per batch.
    expect(perFile).toEqual([4, 2, 2, 1]);
    expect(await verifyDirectory(dir)).toMatchObject({
      ok: true,
      issues: [],
      recordsChecked: 14,
      filesChecked: 4,
    });
    cleanup();
  });

  it('names the record on its line when one is dropped from, or moved within, a v2 line', async () => {
    const { dir, cleanup } = tempDir();
    await exportBatches(dir, [[1, 2, 3, 4]]);
    const path = join(dir, 'seclog-000001.ndjson');
    const [line] = readLines(path);
    const req = JSON.parse(line!);
    const recs = req.resourceLogs[0].scopeLogs[0].logRecords;
    const rewrite = (records: unknown[]): void => {
      req.resourceLogs[0].scopeLogs[0].logRecords = records;
      writeLines(path, [JSON.stringify(req)]);
    };
    rewrite([recs[0], recs[2], recs[3]]);
    let result = await verifyDirectory(dir);
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({
      kind: 'line-missing',
      line: 1,
      record: 2,
      message: 'line 1 record 2 has sequence 3, expected 2',
    });
    rewrite([recs[0], recs[2], recs[1], recs[3]]);
    result = await verifyDirectory(dir);
    expect(result.issues[0]).toMatchObject({ kind: 'line-out-of-order', line: 1, record: 2 });
    cleanup();
  });
});
