// Threat model T2 with several writer slots (docs/file-format.md): root at time t reads every state
// file on the host. While any writer of the directory runs, no state file may still hold the key
// of an ended epoch, or root signs a history backdated to it: a slot `keys init` made that nobody
// took, a slot whose writer stopped. And a checkpoint that disagrees with the chain is always
// reported, not only when nothing broke before it.
import { describe, it, expect, afterEach, vi } from 'vitest';
import { cpSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createSealingStates,
  formatVerificationKey,
  RotatingFileLogRecordExporter,
  sealingStateFileName,
  verifyDirectory,
  writeSealingStateFile,
} from '@seclog/rotating-file-log-record-exporter';
import { parseRecords, recordHash, GENESIS_HASH } from '../src/internal/chain.js';
import { EPOCH_LINE_BYTES, parseEpochLine, type EpochLine } from '../src/internal/epoch-sealer.js';
import { readSealingStateFile } from '../src/internal/forward-secure-key.js';
import { releaseSlot, tryAcquireSlot } from '../src/internal/slot-lock.js';
import { record, tempDir } from './helpers.js';

const EPOCH_MS = 1000;

function exportOne(e: RotatingFileLogRecordExporter, n: number): Promise<{ code: number }> {
  return new Promise((resolve) => e.export([record(n)], resolve));
}

/** A fresh state directory for `slots` writers, as `seclog keys init` makes it. */
function initKeys(stateDir: string, slots: number): { vk: string; startMs: number } {
  mkdirSync(stateDir, { mode: 0o700 });
  // Epoch 0 begins now, so it is a whole epoch long: the tests count on its first records.
  const startMs = Date.now();
  const { verificationKey, states } = createSealingStates({ slots, epochMs: EPOCH_MS, startMs });
  for (const s of states) writeSealingStateFile(join(stateDir, sealingStateFileName(s.slot)), s);
  return {
    vk: formatVerificationKey({ key: verificationKey, epochMs: EPOCH_MS, startMs }),
    startMs,
  };
}

function exporter(dir: string, stateDir: string): RotatingFileLogRecordExporter {
  return new RotatingFileLogRecordExporter({
    directory: dir,
    maxFileBytes: 4096,
    sealingStateDir: stateDir,
  });
}

/** Epoch by epoch: a batch of records, then the epoch ends. */
async function writeEpochs(e: RotatingFileLogRecordExporter, epochs: number, from = 0) {
  for (let k = 0; k < epochs; k++) {
    for (let i = 0; i < 8; i++) await exportOne(e, from + k * 8 + i);
    await sleep(EPOCH_MS);
  }
}

const stateEpoch = (stateDir: string, slot: number): number =>
  readSealingStateFile(join(stateDir, sealingStateFileName(slot))).epoch;

function epochLines(file: string): EpochLine[] {
  const buf = readFileSync(file);
  const lines: EpochLine[] = [];
  for (let at = 0; at + EPOCH_LINE_BYTES <= buf.length; at += EPOCH_LINE_BYTES)
    lines.push(parseEpochLine(buf.toString('utf8', at, at + EPOCH_LINE_BYTES))!);
  return lines;
}

/**
 * The intruder's own writer on the stolen state, its clock set back to `epoch` (the stolen key
 * can compute that epoch's key only if it is not past it), writing `epochs` epochs of records.
 */
async function forgeAt(
  dir: string,
  stolen: string,
  startMs: number,
  epoch: number,
  epochs: number,
): Promise<void> {
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    const e = exporter(dir, stolen);
    for (let k = 0; k < epochs; k++) {
      vi.setSystemTime(startMs + (epoch + k) * EPOCH_MS + EPOCH_MS / 2);
      for (let i = 0; i < 4; i++) await exportOne(e, 900 + k * 4 + i);
    }
    await e.shutdown();
  } finally {
    vi.useRealTimers();
  }
}

describe('forward-secure sealing of the slots nobody writes (T2)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('moves the key of a slot no writer took on with the running writer, so root cannot forge a backdated history for it', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'logs');
    const state = join(t.dir, 'state');
    const stolen = join(t.dir, 'stolen');
    const { vk, startMs } = initKeys(state, 2);
    const e = exporter(dir, state);
    await writeEpochs(e, 3);
    // Root arrives at time t with one writer running: copies every state file there is.
    cpSync(state, stolen, { recursive: true });
    await e.shutdown();
    const stolenEpochs = [stateEpoch(stolen, 0), stateEpoch(stolen, 1)] as const;
    // What the keeper wrote for the slot nobody took verifies as an empty, idle slot.
    expect((await verifyDirectory(dir, { verificationKey: vk })).issues).toEqual([]);
    // The intruder replaces what slot 1 has with a history of its own in epochs 0 to 2, keeping
    // slot 0 busy so that its writer takes slot 1.
    for (const n of readdirSync(dir)) if (n.startsWith('seclog-w1')) unlinkSync(join(dir, n));
    writeFileSync(join(dir, 'seclog.lock'), `${process.ppid}\n${hostname()}\nx\n`);
    await forgeAt(dir, stolen, startMs, 0, 3);
    unlinkSync(join(dir, 'seclog.lock'));
    expect(readdirSync(dir).some((n) => n.startsWith('seclog-w1-'))).toBe(true);
    const r = await verifyDirectory(dir, { verificationKey: vk });
    expect(r.ok).toBe(false);
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'missing-epoch', file: 'seclog-w1.epochs' }),
    );
    // The key of slot 1 stolen at t was that of t's epoch, not the one `keys init` made.
    expect(stolenEpochs[1]).toBeGreaterThanOrEqual(stolenEpochs[0] - 1);
  }, 30_000);

  it('moves the key of a stopped slot on while another writer runs, so its downtime stays sealed as idle', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'logs');
    const state = join(t.dir, 'state');
    const stolen = join(t.dir, 'stolen');
    const { vk, startMs } = initKeys(state, 2);
    const a = exporter(dir, state);
    const b = exporter(dir, state);
    await exportOne(a, 0);
    await exportOne(b, 1000);
    await writeEpochs(a, 1, 1);
    await a.shutdown();
    const stoppedIn = stateEpoch(state, 0);
    const genuineEnd = JSON.parse(readFileSync(join(dir, 'seclog.head'), 'utf8')) as {
      seq: number;
    };
    await writeEpochs(b, 4, 1001);
    cpSync(state, stolen, { recursive: true });
    await b.shutdown();
    const theft = stateEpoch(stolen, 1);
    const stolenDown = stateEpoch(stolen, 0);
    // Records "sealed" in the downtime, appended after the genuine ones with the stolen key.
    const downtime = stoppedIn + 1;
    expect(downtime).toBeLessThan(theft - 1);
    await forgeAt(dir, stolen, startMs, downtime, 2);
    // The checkpoints of the downtime still say slot 0 stood where its writer stopped, and what
    // the intruder wrote is signed no earlier than the epoch the keys were stolen in.
    const covering = epochLines(join(dir, 'seclog.epochs')).filter(
      (l) => l.from <= downtime + 1 && l.to >= downtime,
    );
    expect(covering.map((l) => l.seq)).toEqual([genuineEnd.seq]);
    const head = JSON.parse(readFileSync(join(dir, 'seclog.head'), 'utf8')) as { epoch: number };
    expect(head.epoch).toBeGreaterThanOrEqual(theft - 1);
    const r = await verifyDirectory(dir, { verificationKey: vk });
    expect(r.issues.filter((i) => i.kind === 'missing-epoch')).toEqual([]);
    expect(stolenDown).toBeGreaterThanOrEqual(theft - 1);
  }, 30_000);

  it('fails a slot whose checkpoints stop long before the newest epoch of the directory while another slot went on', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'logs');
    const state = join(t.dir, 'state');
    const { vk } = initKeys(state, 2);
    const a = exporter(dir, state);
    const b = exporter(dir, state);
    await exportOne(a, 0);
    await exportOne(b, 1000);
    await writeEpochs(a, 1, 1);
    await a.shutdown();
    // Slot 0's sealing as it stood when its writer stopped, put back after the other writer went
    // on: what a state file left at that epoch lets root forge, and what deleted checkpoints leave.
    const kept = ['seclog.epochs', 'seclog.head'].map(
      (n) => [n, readFileSync(join(dir, n))] as const,
    );
    await writeEpochs(b, 4, 1001);
    await b.shutdown();
    for (const [n, bytes] of kept) writeFileSync(join(dir, n), bytes);
    const r = await verifyDirectory(dir, { verificationKey: vk });
    expect(r.issues).toContainEqual(
      expect.objectContaining({ kind: 'missing-epoch', file: 'seclog.epochs' }),
    );
  }, 30_000);
});

describe('a slot whose key another writer moved on', () => {
  it('restarts after a crash and verifies: the keeper re-signed its head with each new key', async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, 'logs');
      const state = join(t.dir, 'state');
      const { vk } = initKeys(state, 2);
      const a = exporter(dir, state);
      const b = exporter(dir, state);
      await exportOne(a, 0);
      await exportOne(b, 1000);
      await writeEpochs(a, 1, 1);
      await a.shutdown();
      // What a crash leaves: the newest file without its seal, the head vouching for it.
      const seals = readdirSync(dir)
        .filter((n) => /^seclog-\d+\.seal$/.test(n))
        .sort();
      unlinkSync(join(dir, seals.at(-1)!));
      const stoppedIn = stateEpoch(state, 0);
      await writeEpochs(b, 3, 1001);
      expect(stateEpoch(state, 0)).toBeGreaterThan(stoppedIn);
      const again = exporter(dir, state);
      await exportOne(again, 100);
      await again.shutdown();
      await b.shutdown();
      const r = await verifyDirectory(dir, { verificationKey: vk });
      expect(r.issues).toEqual([]);
    } finally {
      t.cleanup();
    }
  }, 30_000);
});

describe('keeper locks', () => {
  it('make a writer starting meanwhile wait for the slot instead of skipping to one with no sealing state', async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, 'logs');
      const state = join(t.dir, 'state');
      initKeys(state, 1);
      mkdirSync(dir);
      const keeper = (await tryAcquireSlot(dir, 'seclog', 0, 0o600, true))!;
      expect(readFileSync(keeper.path, 'utf8')).toMatch(/\nkeeper\n$/);
      const e = exporter(dir, state);
      const written = exportOne(e, 1);
      await sleep(50);
      await releaseSlot(keeper);
      expect(await written).toEqual({ code: 0 });
      await e.shutdown();
      expect(readdirSync(dir).filter((n) => n.startsWith('seclog-w'))).toEqual([]);
      expect(readdirSync(dir)).toContain('seclog-000001.ndjson');
    } finally {
      t.cleanup();
    }
  });
});

describe('a re-chained history (T2)', () => {
  it('reports the checkpoint that disagrees with the chain, not only the first break', async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, 'logs');
      const state = join(t.dir, 'state');
      const { vk } = initKeys(state, 1);
      const e = exporter(dir, state);
      await writeEpochs(e, 3);
      await e.shutdown();
      // Root with the current key: rewrites record 10 and recomputes the chain from there (no
      // key needed: the chain is plain SHA-256), deletes every seal and the head, and lets the
      // real writer re-seal it all at its next start.
      let prev = GENESIS_HASH;
      const data = readdirSync(dir)
        .filter((n) => n.endsWith('.ndjson'))
        .sort();
      expect(data.length).toBeGreaterThan(2);
      for (const name of data) {
        const lines = readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean);
        const out = lines.map((line) => {
          const [rec] = parseRecords(line)!;
          const body =
            rec!.seq === 10
              ? rec!.body.replace(/user \d+ logged in/, 'nothing happened')
              : rec!.body;
          const hash = recordHash(prev, { ...rec!, body });
          prev = hash;
          return rec!.head + body + hash + line.slice(rec!.head.length + rec!.body.length + 64);
        });
        writeFileSync(join(dir, name), `${out.join('\n')}\n`);
      }
      for (const n of readdirSync(dir))
        if (n.endsWith('.seal') || n === 'seclog.head') unlinkSync(join(dir, n));
      const again = exporter(dir, state);
      await exportOne(again, 500);
      await again.shutdown();
      const r = await verifyDirectory(dir, { verificationKey: vk });
      expect(r.issues).toContainEqual(expect.objectContaining({ kind: 'unsigned-state' }));
      expect(r.issues).toContainEqual(
        expect.objectContaining({ kind: 'hash-mismatch', file: 'seclog.epochs' }),
      );
    } finally {
      t.cleanup();
    }
  }, 30_000);
});
