// Threat model T1 (docs/file-format.md): an intruder without the key changes a rotated, two-slot
// directory written by real exporters. Every change to what was acknowledged must fail
// `verifyDirectory` with the key, naming the file and the kind of break.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  readdirSync,
  readFileSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  statSync,
  symlinkSync,
  lstatSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  RotatingFileLogRecordExporter,
  verifyDirectory,
} from '@seclog/rotating-file-log-record-exporter';
import { record, tempDir } from './helpers.js';

const key = randomBytes(32).toString('hex');

function exportOne(e: RotatingFileLogRecordExporter, n: number): Promise<{ code: number }> {
  return new Promise((resolve) => e.export([record(n)], resolve));
}

function exporter(dir: string): RotatingFileLogRecordExporter {
  return new RotatingFileLogRecordExporter({
    directory: dir,
    maxFileBytes: 4096,
    hmacKey: key,
    keyId: 'tamper-test',
  });
}

/** Two live writers (slots 0 and 1), 40 records each over several files; slot 0 then stops. */
async function writeDir(dir: string): Promise<RotatingFileLogRecordExporter> {
  const a = exporter(dir);
  const b = exporter(dir);
  for (let i = 0; i < 40; i++) {
    await exportOne(a, i);
    await exportOne(b, 1000 + i);
  }
  await a.shutdown();
  return b;
}

describe('an intruder without the key (T1)', () => {
  let dir: string;
  let cleanup: () => void;
  let live: RotatingFileLogRecordExporter;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    live = await writeDir(dir);
  });
  afterEach(async () => {
    await live.shutdown();
    cleanup();
  });

  const files = (suffix: string, slot = 0): string[] =>
    readdirSync(dir)
      .filter(
        (n) => n.endsWith(suffix) && (slot === 0 ? !n.includes('-w') : n.includes(`-w${slot}-`)),
      )
      .sort();
  const verify = () => verifyDirectory(dir, { hmacKey: key });

  it('leaves an intact directory that verifies', async () => {
    const r = await verify();
    expect(r.issues).toEqual([]);
    expect(r.recordsChecked).toBe(80);
  });

  it('cannot delete the newest files, their seals and fix the pointer', async () => {
    for (const n of [...files('.ndjson').slice(-2), ...files('.seal').slice(-2)])
      unlinkSync(join(dir, n));
    writeFileSync(join(dir, 'seclog.current'), `${files('.ndjson').at(-1)}\n`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.kind)).toContain('truncated');
  });

  it('cannot cut the newest file and its seal', async () => {
    const newest = files('.ndjson').at(-1)!;
    const text = readFileSync(join(dir, newest), 'utf8');
    writeFileSync(join(dir, newest), text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
    unlinkSync(join(dir, newest.replace('.ndjson', '.seal')));
    const r = await verify();
    expect(r.issues).toContainEqual(expect.objectContaining({ kind: 'truncated', file: newest }));
  });

  it('cannot launder a cut through recovery at the next start', async () => {
    const newest = files('.ndjson').at(-1)!;
    const text = readFileSync(join(dir, newest), 'utf8');
    writeFileSync(join(dir, newest), text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
    unlinkSync(join(dir, newest.replace('.ndjson', '.seal')));
    const next = exporter(dir); // takes slot 0 again and recovers the cut file
    await exportOne(next, 99);
    await next.shutdown();
    const r = await verify();
    expect(r.issues).toContainEqual(expect.objectContaining({ kind: 'truncated', file: newest }));
  });

  it('cannot cut the active file of a live writer', async () => {
    const active = files('.ndjson', 1).at(-1)!;
    const path = join(dir, active);
    truncateSync(path, statSync(path).size - 10);
    const r = await verify();
    expect(r.ok).toBe(false);
  });

  it('cannot delete a whole writer slot', async () => {
    await live.shutdown();
    for (const n of readdirSync(dir).filter((n) => n.startsWith('seclog-w1')))
      unlinkSync(join(dir, n));
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'missing-slot', file: 'seclog-w1.head' }),
    );
  });

  it('cannot delete everything', async () => {
    await live.shutdown();
    for (const n of readdirSync(dir)) unlinkSync(join(dir, n));
    const r = await verify();
    expect(r.issues).toContainEqual(expect.objectContaining({ kind: 'no-files', file: dir }));
  });

  it('cannot delete the head', async () => {
    unlinkSync(join(dir, 'seclog.head'));
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'missing-head', file: 'seclog.head' }),
    );
  });

  it('cannot forge the head', async () => {
    const path = join(dir, 'seclog.head');
    const head = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...head, seq: 3 }));
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'bad-signature', file: 'seclog.head' }),
    );
  });

  it('cannot edit, remove or reorder a line of a closed file', async () => {
    const first = files('.ndjson')[0]!;
    const path = join(dir, first);
    const lines = readFileSync(path, 'utf8').split('\n');
    const edits: [string, string][] = [
      [
        'edit',
        lines.map((l, i) => (i === 1 ? l.replace('logged in', 'logged out') : l)).join('\n'),
      ],
      ['remove', lines.filter((_, i) => i !== 1).join('\n')],
      ['reorder', [lines[1], lines[0], ...lines.slice(2)].join('\n')],
    ];
    for (const [what, text] of edits) {
      writeFileSync(path, text);
      const r = await verify();
      expect(r.ok, what).toBe(false);
      expect(r.issues[0]?.file, what).toBe(first);
    }
  });

  it('cannot delete a closed file in the middle', async () => {
    const middle = files('.ndjson')[1]!;
    unlinkSync(join(dir, middle));
    unlinkSync(join(dir, middle.replace('.ndjson', '.seal')));
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'missing-file', file: middle }),
    );
  });

  it('cannot forge a retention record for a deleted file', async () => {
    const first = files('.ndjson')[0]!;
    const seal = JSON.parse(readFileSync(join(dir, first.replace('.ndjson', '.seal')), 'utf8'));
    const forged = { v: 1, deleted: first, ...seal, deletedAt: new Date().toISOString() };
    writeFileSync(
      join(dir, 'seclog.retention'),
      `${JSON.stringify({ ...forged, reason: 'maxFiles', hmac: '0'.repeat(64) })}\n`,
    );
    unlinkSync(join(dir, first));
    unlinkSync(join(dir, first.replace('.ndjson', '.seal')));
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.kind)).toContain('bad-signature');
  });

  it("cannot pass one file's signed seal off as another's", async () => {
    const [first, second] = files('.seal');
    unlinkSync(join(dir, first!.replace('.seal', '.ndjson')));
    writeFileSync(join(dir, first!), readFileSync(join(dir, second!)));
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'seal-mismatch', file: first }),
    );
  });

  it('cannot hide deleted files behind copies of the seal recovery signs for an empty file', async () => {
    await live.shutdown();
    // A garbage file planted at slot 0's next name: the next start seals it with count 0.
    const next = files('.ndjson').length + 1;
    const planted = `seclog-${String(next).padStart(6, '0')}.ndjson`;
    writeFileSync(join(dir, planted), 'garbage without a newline');
    const restart = exporter(dir);
    await exportOne(restart, 500);
    await restart.shutdown();
    const empty = readFileSync(join(dir, planted.replace('.ndjson', '.seal')));
    expect(JSON.parse(empty.toString()).count).toBe(0);
    for (const n of files('.ndjson').slice(0, next - 1)) {
      unlinkSync(join(dir, n));
      writeFileSync(join(dir, n.replace('.ndjson', '.seal')), empty);
    }
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ kind: 'seal-mismatch', file: 'seclog-000001.seal' });
  });
});

describe('retention', () => {
  it('is not pushed into deleting early by a file stretched to a huge sparse size', async () => {
    const { dir, cleanup } = tempDir();
    const e = new RotatingFileLogRecordExporter({
      directory: dir,
      maxFileBytes: 4096,
      maxTotalBytes: 1024 * 1024,
      hmacKey: key,
      keyId: 'tamper-test',
    });
    for (let i = 0; i < 30; i++) await exportOne(e, i);
    const first = readdirSync(dir)
      .filter((n) => n.endsWith('.ndjson'))
      .sort()[0]!;
    truncateSync(
      join(
        dir,
        readdirSync(dir)
          .filter((n) => n.endsWith('.ndjson'))
          .sort()[1]!,
      ),
      2 ** 30,
    );
    for (let i = 30; i < 60; i++) await exportOne(e, i);
    await e.shutdown();
    expect(readdirSync(dir)).toContain(first);
    expect(readdirSync(dir)).not.toContain('seclog.retention');
    cleanup();
  });
});

describe('planted names the writer meets at start', () => {
  it('a junk .gz beside a sealed file does not make the writer delete the file', async () => {
    const { dir, cleanup } = tempDir();
    const first = exporter(dir);
    for (let i = 0; i < 20; i++) await exportOne(first, i);
    await first.shutdown();
    const data = readdirSync(dir).filter((n) => n.endsWith('.ndjson'));
    for (const n of data) writeFileSync(join(dir, `${n}.gz`), 'junk');
    const next = exporter(dir);
    await exportOne(next, 20);
    await next.shutdown();
    for (const n of data) expect(readdirSync(dir)).toContain(n);
    cleanup();
  });

  it('a symlink at the head is replaced by a real head, not followed', async () => {
    const { dir, cleanup } = tempDir();
    const first = exporter(dir);
    await exportOne(first, 1);
    await first.shutdown();
    unlinkSync(join(dir, 'seclog.head'));
    symlinkSync(join(dir, 'victim'), join(dir, 'seclog.head'));
    const next = exporter(dir);
    expect((await exportOne(next, 2)).code).toBe(0);
    await next.shutdown();
    expect(readdirSync(dir)).not.toContain('victim');
    expect(lstatSync(join(dir, 'seclog.head')).isFile()).toBe(true);
    cleanup();
  });
});
