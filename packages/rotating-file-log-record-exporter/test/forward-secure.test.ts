// Threat model T2 (docs/file-format.md): an intruder becomes root after some epochs and steals
// every key file on the host. Records sealed in earlier epochs must stay unforgeable,
// undeletable and untruncatable for `verifyDirectory` holding the verification key.
import { describe, it, expect, beforeAll, beforeEach, afterAll, afterEach } from 'vitest';
import {
  statSync,
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createSealingStates,
  formatVerificationKey,
  RotatingFileLogRecordExporter,
  sealingStateFileName,
  verifyAnchors,
  verifyDirectory,
  writeSealingStateFile,
  type ChainAnchor,
} from '@seclog/rotating-file-log-record-exporter';
import { checkSignature, type Seal } from '../src/internal/seal.js';
import { renderHead } from '../src/internal/head.js';
import { EPOCH_LINE_BYTES, extendMac, parseEpochLine } from '../src/internal/epoch-sealer.js';
import { readSealingStateFile } from '../src/internal/forward-secure-key.js';
import { ecsHits, record, tempDir } from './helpers.js';

const EPOCH_MS = 1000;

function exportOne(
  e: RotatingFileLogRecordExporter,
  n: number,
): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => e.export([record(n)], resolve));
}

/** A fresh state directory for `slots` writers, as `seclog keys init` makes it. */
function initKeys(stateDir: string, slots: number, epochMs = EPOCH_MS): string {
  mkdirSync(stateDir, { mode: 0o700 });
  const startMs = Math.floor(Date.now() / epochMs) * epochMs;
  const { verificationKey, states } = createSealingStates({ slots, epochMs, startMs });
  for (const s of states) writeSealingStateFile(join(stateDir, sealingStateFileName(s.slot)), s);
  return formatVerificationKey({ key: verificationKey, epochMs, startMs });
}

function exporter(dir: string, stateDir: string): RotatingFileLogRecordExporter {
  return new RotatingFileLogRecordExporter({
    directory: dir,
    maxFileBytes: 4096,
    sealingStateDir: stateDir,
  });
}

/** Epoch by epoch: a batch of records, then the epoch ends. */
async function writeEpochs(
  e: RotatingFileLogRecordExporter,
  epochs: number,
  from = 0,
): Promise<void> {
  for (let k = 0; k < epochs; k++) {
    for (let i = 0; i < 8; i++) await exportOne(e, from + k * 8 + i);
    await sleep(EPOCH_MS);
  }
}

describe('forward-secure sealing against an intruder who steals the keys (T2)', () => {
  let dir: string;
  let stateDir: string;
  let stolen: string;
  let vk: string;
  let cleanup: () => void;
  const verify = () => verifyDirectory(dir, { verificationKey: vk });
  const files = (suffix: string): string[] =>
    readdirSync(dir)
      .filter((n) => n.endsWith(suffix) && !n.includes('-w'))
      .sort();
  const checkpoints = () => readFileSync(join(dir, 'seclog.epochs'));

  // Written once (four epochs take four seconds), then copied for each test.
  let base: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    base = tempDir();
    vk = initKeys(join(base.dir, 'state'), 1);
    const e = exporter(join(base.dir, 'logs'), join(base.dir, 'state'));
    await writeEpochs(e, 4);
    // Root arrives: copies every key file there is, and the writer stops (the intruder kills it).
    cpSync(join(base.dir, 'state'), join(base.dir, 'stolen'), { recursive: true });
    await e.shutdown();
  }, 20_000);
  afterAll(() => base.cleanup());
  beforeEach(() => {
    let root: string;
    ({ dir: root, cleanup } = tempDir());
    cpSync(base.dir, root, { recursive: true });
    dir = join(root, 'logs');
    stateDir = join(root, 'state');
    stolen = join(root, 'stolen');
  });
  afterEach(() => cleanup());

  /**
   * A careful intruder's cut: keeps data file 1 and its seal, deletes the rest, keeps `lines`
   * checkpoint lines, and forges the head at file 1's end with the stolen key, so that nothing
   * a key-less intruder would trip over (T1) is left.
   */
  function cutToFirstFile(lines: number): void {
    for (const n of [...files('.ndjson').slice(1), ...files('.seal').slice(1)])
      unlinkSync(join(dir, n));
    const epochs = join(dir, 'seclog.epochs');
    truncateSync(epochs, Math.min(statSync(epochs).size, lines * EPOCH_LINE_BYTES));
    const seal = JSON.parse(readFileSync(join(dir, files('.seal')[0]!), 'utf8')) as Seal;
    const state = readSealingStateFile(join(stolen, sealingStateFileName(0)));
    const head = renderHead(
      {
        v: 1,
        slot: 0,
        index: 1,
        seq: seal.lastSeq,
        hash: seal.lastHash,
        bytes: seal.bytes,
        slots: 1,
        at: new Date().toISOString(),
      },
      { key: Buffer.from(state.key, 'hex'), keyId: 'fss', epoch: state.epoch },
    );
    writeFileSync(join(dir, 'seclog.head'), head);
    writeFileSync(join(dir, 'seclog.current'), `${files('.ndjson')[0]}\n`);
  }

  /** The intruder's own writer: a real exporter on the stolen state, sealing with the stolen key. */
  async function intruderWrites(n: number): Promise<void> {
    const e = exporter(dir, stolen);
    for (let i = 0; i < n; i++) await exportOne(e, 900 + i);
    await e.shutdown();
  }

  it('leaves an intact directory that verifies, every ended epoch checkpointed', async () => {
    const r = await verify();
    expect(r.issues).toEqual([]);
    expect(r.recordsChecked).toBe(32);
    const lines = checkpoints().length / EPOCH_LINE_BYTES;
    expect(lines).toBeGreaterThanOrEqual(3);
  });

  it('keeps verifying across a restart after idle epochs (written as down)', async () => {
    await sleep(2 * EPOCH_MS);
    const e = exporter(dir, stateDir);
    await exportOne(e, 500);
    await e.shutdown();
    const r = await verify();
    expect(r.issues).toEqual([]);
    const text = checkpoints().toString('utf8');
    expect(text).toContain('"down":true');
  });

  it('no longer holds any key of an ended epoch on the host', () => {
    const state = readSealingStateFile(join(stateDir, sealingStateFileName(0)));
    expect(state.epoch).toBeGreaterThanOrEqual(4);
    const line = parseEpochLine(checkpoints().subarray(0, EPOCH_LINE_BYTES).toString('utf8'))!;
    // The stolen key cannot sign the first checkpoint: its epochs' keys are gone.
    const forged = extendMac(
      undefined,
      Buffer.from(state.key, 'hex'),
      0,
      line.from,
      line.seq,
      line.hash,
      false,
    );
    expect(forged.toString('hex')).not.toBe(line.mac);
  });

  it('cannot delete the newest sealed files', async () => {
    for (const n of [...files('.ndjson').slice(-2), ...files('.seal').slice(-2)])
      unlinkSync(join(dir, n));
    unlinkSync(join(dir, 'seclog.head'));
    writeFileSync(join(dir, 'seclog.current'), `${files('.ndjson').at(-1)}\n`);
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'truncated', file: 'seclog.epochs' }),
    );
  });

  it('cannot truncate earlier epochs and carry on writing with the stolen key', async () => {
    // Cut back to the first file, drop every checkpoint after the first line, write anew.
    cutToFirstFile(1);
    await intruderWrites(5);
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'missing-epoch', file: 'seclog.epochs' }),
    );
  });

  it('cannot rewrite earlier epochs: new records in place of sealed ones mismatch the checkpoints', async () => {
    cutToFirstFile(Infinity);
    await intruderWrites(40);
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'hash-mismatch', file: 'seclog.epochs', line: 1 }),
    );
    // A retention line for a file still there must not excuse the checkpoints it would cover.
    const h = '0'.repeat(64);
    writeFileSync(
      join(dir, 'seclog.retention'),
      `${JSON.stringify({ v: 1, deleted: 'x', slot: 0, index: 1, prevHash: h, firstSeq: 1, lastSeq: Number.MAX_SAFE_INTEGER, count: 1, lastHash: h, deletedAt: new Date().toISOString(), reason: 'maxFiles' })}\n`,
    );
    const again = await verify();
    expect(again.issues).toContainEqual(
      expect.objectContaining({ kind: 'hash-mismatch', file: 'seclog.epochs', line: 1 }),
    );
  });

  it('cannot forge the missing checkpoints with the stolen key', async () => {
    const buf = checkpoints();
    const first = parseEpochLine(buf.subarray(0, EPOCH_LINE_BYTES).toString('utf8'))!;
    const second = parseEpochLine(
      buf.subarray(EPOCH_LINE_BYTES, 2 * EPOCH_LINE_BYTES).toString('utf8'),
    )!;
    const state = readSealingStateFile(join(stolen, sealingStateFileName(0)));
    // Re-sign the second line (moved back to the first line's position) with the stolen key.
    const forged = {
      ...second,
      seq: first.seq,
      hash: first.hash,
      mac: extendMac(
        undefined,
        Buffer.from(state.key, 'hex'),
        0,
        second.from,
        first.seq,
        first.hash,
        false,
      ).toString('hex'),
    };
    const out = Buffer.alloc(EPOCH_LINE_BYTES, 0x20);
    out.write(JSON.stringify(forged));
    out[EPOCH_LINE_BYTES - 1] = 0x0a;
    writeFileSync(
      join(dir, 'seclog.epochs'),
      Buffer.concat([buf.subarray(0, EPOCH_LINE_BYTES), out]),
    );
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'bad-signature', file: 'seclog.epochs', line: 2 }),
    );
  });

  it('cannot re-seal an earlier file with the stolen key', async () => {
    const sealFile = files('.seal')[0]!;
    const seal = JSON.parse(readFileSync(join(dir, sealFile), 'utf8')) as Record<string, unknown>;
    expect(seal.epoch).toBeLessThan(4);
    const state = readSealingStateFile(join(stolen, sealingStateFileName(0)));
    // Same claim, signed with what was stolen: its own epoch's key is needed.
    const { hmac: _, ...body } = seal;
    const resigned = {
      ...body,
      hmac: createHmac('sha256', Buffer.from(state.key, 'hex'))
        .update(JSON.stringify(body))
        .digest('hex'),
    };
    expect(checkSignature(resigned, Buffer.from(state.key, 'hex'))).toBe('ok');
    writeFileSync(join(dir, sealFile), JSON.stringify(resigned));
    const r = await verify();
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'bad-signature', file: sealFile }),
    );
  });

  it('fails a cut of everything after the first epoch, its checkpoints and the head with them, naming the checkpoint no longer reached', async () => {
    for (const n of [...files('.ndjson').slice(1), ...files('.seal').slice(1), 'seclog.head'])
      unlinkSync(join(dir, n));
    truncateSync(join(dir, 'seclog.epochs'), EPOCH_LINE_BYTES);
    const r = await verify();
    // The first checkpoint is kept (else nothing sealed is left): it vouches for records now gone.
    expect(r.issues).toContainEqual(expect.objectContaining({ kind: 'missing-head' }));
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'truncated', file: 'seclog.epochs', line: 1 }),
    );
    expect(r.notes.join('\n')).toMatch(/slot 0's sealing ends with epoch 0 /);
  });
});

describe('anchors in forward-secure mode', () => {
  it('carry the epoch whose key signed them, and verify with the verification key', async () => {
    const { dir: root, cleanup } = tempDir();
    try {
      const logs = join(root, 'logs');
      const vk = initKeys(join(root, 'state'), 1);
      const anchors: ChainAnchor[] = [];
      const e = new RotatingFileLogRecordExporter({
        directory: logs,
        maxFileBytes: 4096,
        sealingStateDir: join(root, 'state'),
        onAnchor: (a) => anchors.push(a),
      });
      await writeEpochs(e, 2);
      await e.shutdown();
      expect(anchors.length).toBeGreaterThan(1);
      expect(anchors.at(-1)).toMatchObject({ keyId: 'fss', epoch: expect.any(Number) });
      const file = join(root, 'anchors.json');
      writeFileSync(file, ecsHits(anchors));
      const r = await verifyAnchors(logs, file, { verificationKey: vk });
      expect(r.issues).toEqual([]);
      expect(r.anchorsChecked).toBe(anchors.length);
      // An anchor moved to another epoch no longer verifies.
      const last = anchors.at(-1) as ChainAnchor;
      writeFileSync(file, ecsHits([{ ...last, epoch: (last.epoch as number) + 1 }]));
      const forged = await verifyAnchors(logs, file, { verificationKey: vk });
      expect(forged.issues).toEqual([expect.objectContaining({ kind: 'bad-signature' })]);
    } finally {
      cleanup();
    }
  }, 20_000);
});

describe('forward-secure sealing on a hostile directory', () => {
  it('replaces a FIFO planted at the checkpoint file instead of stopping the writer, and verify shows the loss', async () => {
    const { dir: root, cleanup } = tempDir();
    try {
      const logs = join(root, 'logs');
      const vk = initKeys(join(root, 'state'), 1);
      const first = exporter(logs, join(root, 'state'));
      await writeEpochs(first, 2);
      await first.shutdown();
      unlinkSync(join(logs, 'seclog.epochs'));
      execFileSync('mkfifo', [join(logs, 'seclog.epochs')]);
      const next = exporter(logs, join(root, 'state'));
      expect(await exportOne(next, 100)).toEqual({ code: 0 });
      await next.shutdown();
      expect(lstatSync(join(logs, 'seclog.epochs')).isFile()).toBe(true);
      const r = await verifyDirectory(logs, { verificationKey: vk });
      expect(r.issues).toContainEqual(
        expect.objectContaining({ kind: 'missing-epoch', file: 'seclog.epochs' }),
      );
    } finally {
      cleanup();
    }
  }, 20_000);
});

describe('forward-secure sealing on first use', () => {
  it('passes a writer that stopped within the first epoch, with a note that no checkpoint exists yet', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const vk = initKeys(join(dir, 'state'), 1, 3_600_000);
      const e = exporter(join(dir, 'logs'), join(dir, 'state'));
      for (let i = 0; i < 5; i++) await exportOne(e, i);
      await e.shutdown();
      const r = await verifyDirectory(join(dir, 'logs'), { verificationKey: vk });
      expect(r.issues).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.notes.join('\n')).toMatch(/seclog\.epochs holds no checkpoint yet/);
      // Hours later, nothing has changed: a stopped writer, not a loss.
      const later = await verifyDirectory(join(dir, 'logs'), {
        verificationKey: vk,
        now: Date.now() + 5 * 3_600_000,
      });
      expect(later.issues).toEqual([]);
    } finally {
      cleanup();
    }
  });
});

describe('forward-secure sealing with more writers than slots', () => {
  it('fails the extra writer with the cause: its slot has no sealing state', async () => {
    const { dir, cleanup } = tempDir();
    const logs = join(dir, 'logs');
    initKeys(join(dir, 'state'), 1, 3_600_000);
    const first = exporter(logs, join(dir, 'state'));
    try {
      expect((await exportOne(first, 0)).code).toBe(0);
      const second = exporter(logs, join(dir, 'state'));
      const result = await exportOne(second, 1);
      expect(result.code).toBe(1);
      expect(result.error?.message).toMatch(
        /writer slot 1 has no sealing state .*more processes write to .* than `seclog keys init --slots` made states for/,
      );
      await second.shutdown();
    } finally {
      await first.shutdown();
      cleanup();
    }
  });
});

describe('forward-secure sealing options', () => {
  it('fails at construction when the state directory has no state, naming the option', () => {
    const { dir, cleanup } = tempDir();
    try {
      expect(() => exporter(join(dir, 'logs'), join(dir, 'nope'))).toThrow(
        /sealingStateDir .*seclog keys init/,
      );
      expect(
        () =>
          new RotatingFileLogRecordExporter({
            directory: dir,
            sealingStateDir: dir,
            hmacKey: 'k'.repeat(32),
            keyId: 'k',
          }),
      ).toThrow(/sealingStateDir and hmacKey/);
    } finally {
      cleanup();
    }
  });

  it('refuses a verification key that is not one', async () => {
    const { dir, cleanup } = tempDir();
    try {
      await expect(verifyDirectory(dir, { verificationKey: 'abc' })).rejects.toThrow(/seclog-vk1/);
    } finally {
      cleanup();
    }
  });
});
