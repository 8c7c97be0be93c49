// Anchors: where the chain stands, handed to onAnchor to be kept off the host, and checked back
// against the directory by verifyAnchors, which is what catches a rollback.
import { describe, it, expect } from 'vitest';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  RotatingFileLogRecordExporter,
  verifyAnchors,
  verifyDirectory,
  type ChainAnchor,
} from '@seclog/rotating-file-log-record-exporter';
import { ecsHits, record, tempDir } from './helpers.js';

const KEY = 'anchor-test-key-0123456789';

function write(e: RotatingFileLogRecordExporter, records: ReadableLogRecord[]): Promise<unknown> {
  return new Promise((resolve) => e.export(records, resolve));
}

async function writeMany(e: RotatingFileLogRecordExporter, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) await write(e, [record(i)]);
}

/** An anchor as `@seclog/node` emits it: a record with the anchor's attributes. */
function anchorRecord(a: ChainAnchor): ReadableLogRecord {
  const attributes: Record<string, string | number> = {
    'seclog.chain.anchor.slot': a.slot,
    'seclog.chain.anchor.index': a.index,
    'seclog.chain.anchor.seq': a.seq,
    'seclog.chain.anchor.hash': a.hash,
    'seclog.chain.anchor.at': a.at,
  };
  if (a.keyId !== undefined) attributes['seclog.chain.anchor.key_id'] = a.keyId;
  if (a.epoch !== undefined) attributes['seclog.chain.anchor.epoch'] = a.epoch;
  if (a.hmac !== undefined) attributes['seclog.chain.anchor.hmac'] = a.hmac;
  return { ...record(0), eventName: 'seclog.chain.anchor', attributes };
}

describe('anchors', () => {
  it('are handed to onAnchor at every seal, signed, and verify against the directory', async () => {
    const { dir, cleanup } = tempDir();
    const anchors: ChainAnchor[] = [];
    const e = new RotatingFileLogRecordExporter({
      directory: dir,
      maxFileBytes: 4096,
      hmacKey: KEY,
      keyId: 'k1',
      onAnchor: (a) => anchors.push(a),
    });
    await writeMany(e, 0, 30);
    await e.shutdown();
    const seals = readdirSync(dir).filter((f) => f.endsWith('.seal'));
    expect(anchors).toHaveLength(seals.length);
    expect(anchors.at(-1)).toMatchObject({ v: 1, slot: 0, seq: 30, keyId: 'k1' });
    expect(anchors.at(-1)?.hmac).toMatch(/^[0-9a-f]{64}$/);
    const file = join(dir, 'anchors.json');
    writeFileSync(file, ecsHits(anchors));
    const r = await verifyAnchors(dir, file, { hmacKey: KEY });
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.anchorsChecked).toBe(anchors.length);
    cleanup();
  });

  it('are read back as the raw objects onAnchor receives, one JSON.stringify per line', async () => {
    const { dir: root, cleanup } = tempDir();
    const dir = join(root, 'logs');
    const old = join(root, 'old-copy');
    const anchors: ChainAnchor[] = [];
    const options = {
      directory: dir,
      maxFileBytes: 4096,
      hmacKey: KEY,
      keyId: 'k1',
      onAnchor: (a: ChainAnchor) => anchors.push(a),
    };
    let e = new RotatingFileLogRecordExporter(options);
    await writeMany(e, 0, 10);
    await e.shutdown();
    cpSync(dir, old, { recursive: true });
    e = new RotatingFileLogRecordExporter(options);
    await writeMany(e, 10, 30);
    await e.shutdown();
    const file = join(root, 'anchors.ndjson');
    writeFileSync(file, anchors.map((a) => `${JSON.stringify(a)}\n`).join(''));
    const intact = await verifyAnchors(dir, file, { hmacKey: KEY });
    expect(intact.issues).toEqual([]);
    expect(intact.anchorsChecked).toBe(anchors.length);
    // Rolled back: the raw anchors catch it as the ECS ones do.
    rmSync(dir, { recursive: true });
    cpSync(old, dir, { recursive: true });
    const r = await verifyAnchors(dir, file, { hmacKey: KEY });
    expect(r.issues[0]).toMatchObject({ kind: 'anchor-missing', file });
    // A forged raw anchor is caught by its HMAC.
    writeFileSync(file, `${JSON.stringify({ ...anchors[0]!, seq: anchors[0]!.seq + 1 })}\n`);
    expect((await verifyAnchors(dir, file, { hmacKey: KEY })).issues[0]?.kind).toBe(
      'bad-signature',
    );
    cleanup();
  });

  it('are due at most once per anchorIntervalMs, and only after a record that is not an anchor', async () => {
    const { dir, cleanup } = tempDir();
    const anchors: ChainAnchor[] = [];
    const e = new RotatingFileLogRecordExporter({
      directory: dir,
      anchorIntervalMs: 3_600_000,
      onAnchor: (a) => anchors.push(a),
    });
    await writeMany(e, 0, 5);
    // Within the interval nothing is due by time; anchor() asks for the position now.
    expect(anchors).toHaveLength(0);
    await e.anchor();
    expect(anchors).toHaveLength(1);
    expect(anchors[0]).toMatchObject({ seq: 5, index: 1 });
    // The anchor written back into the file (as @seclog/node does) makes no anchor due: not now,
    // and not at the seal either.
    await write(e, [anchorRecord(anchors[0] as ChainAnchor)]);
    await e.anchor();
    await e.shutdown();
    expect(anchors).toHaveLength(1);
    cleanup();
  });

  it('catch a rollback that verifyDirectory cannot see: anchor-missing names the anchor and the local end', async () => {
    const { dir: root, cleanup } = tempDir();
    const dir = join(root, 'logs');
    const old = join(root, 'old-copy');
    const anchors: ChainAnchor[] = [];
    const options = {
      directory: dir,
      maxFileBytes: 4096,
      hmacKey: KEY,
      keyId: 'k1',
      onAnchor: (a: ChainAnchor) => anchors.push(a),
    };
    let e = new RotatingFileLogRecordExporter(options);
    await writeMany(e, 0, 10);
    await e.shutdown();
    cpSync(dir, old, { recursive: true });
    e = new RotatingFileLogRecordExporter(options);
    await writeMany(e, 10, 30);
    await e.shutdown();
    // The intruder puts the old copy back: every part of it is signed, so it verifies.
    rmSync(dir, { recursive: true });
    cpSync(old, dir, { recursive: true });
    const alone = await verifyDirectory(dir, { hmacKey: KEY });
    expect(alone.issues).toEqual([]);
    const file = join(root, 'anchors.ndjson');
    writeFileSync(file, `not json\n${ecsHits(anchors)}\n`);
    const r = await verifyAnchors(dir, file, { hmacKey: KEY });
    expect(r.ok).toBe(false);
    const first = anchors.findIndex((a) => a.seq > 10);
    expect(r.issues[0]).toMatchObject({
      kind: 'anchor-missing',
      file,
      line: first + 2,
      local: { file: 'seclog-000002.ndjson' },
    });
    expect(r.issues[0]?.message).toMatch(
      /slot 0 ends at sequence 10 \(seclog-000002\.ndjson line \d+\)/,
    );
    expect(r.notes).toContain(`${file}: 1 lines are not JSON and were skipped`);
    cleanup();
  });

  it('report anchor-mismatch when the anchored record was replaced, and a forged anchor as bad-signature', async () => {
    const { dir, cleanup } = tempDir();
    const anchors: ChainAnchor[] = [];
    const e = new RotatingFileLogRecordExporter({
      directory: dir,
      hmacKey: KEY,
      keyId: 'k1',
      onAnchor: (a) => anchors.push(a),
    });
    await writeMany(e, 0, 3);
    await e.shutdown();
    const a = anchors[0] as ChainAnchor;
    const { hmac: _hmac, ...unsigned } = a;
    const file = join(dir, '..', `${dir.split('/').pop()}-anchors.ndjson`);
    writeFileSync(
      file,
      [
        ecsHits([{ ...a, hash: 'f'.repeat(64) }]),
        ecsHits([{ ...unsigned, hash: 'e'.repeat(64) }]),
      ].join('\n'),
    );
    const unkeyed = await verifyAnchors(dir, file);
    expect(unkeyed.issues[0]).toMatchObject({
      kind: 'anchor-mismatch',
      line: 1,
      local: { file: 'seclog-000001.ndjson', line: 3 },
    });
    const keyed = await verifyAnchors(dir, file, { hmacKey: KEY });
    expect(keyed.issues.map((i) => [i.kind, i.line])).toEqual([
      ['bad-signature', 1],
      ['unsigned', 2],
    ]);
    rmSync(file);
    cleanup();
  });

  it('take a position in files retention deleted as a note', async () => {
    const { dir, cleanup } = tempDir();
    const anchors: ChainAnchor[] = [];
    const e = new RotatingFileLogRecordExporter({
      directory: dir,
      maxFileBytes: 4096,
      maxFiles: 2,
      onAnchor: (a) => anchors.push(a),
    });
    await writeMany(e, 0, 60);
    await e.shutdown();
    const file = join(dir, 'anchors.json');
    writeFileSync(file, ecsHits(anchors));
    const r = await verifyAnchors(dir, file);
    expect(r.issues).toEqual([]);
    expect(r.notes.some((n) => /is in files retention deleted; not checked/.test(n))).toBe(true);
    cleanup();
  });
});
