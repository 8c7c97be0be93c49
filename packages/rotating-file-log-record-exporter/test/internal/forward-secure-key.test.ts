// Forward-secure sealing keys: the writer's evolution matches the verifier's derivation, never
// goes back, and the state file holds only the current key, written safely.
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_EPOCH_MS,
  createSealingStates,
  epochKey,
  epochOf,
  epochStartMs,
  evolveKey,
  evolveTo,
  initialKey,
  parseSealingState,
  readSealingStateFile,
  sealingStateFileName,
  serializeSealingState,
  writeSealingStateFile,
  type SealingState,
} from '../../src/internal/forward-secure-key.js';

const START = Date.UTC(2026, 11, 1);

/** The scheme as written in the docs, step by step with createHmac. */
function referenceKey(v: Buffer, slot: number, epoch: number): Buffer {
  let k = createHmac('sha256', v).update(`seclog-fss/v1/slot/${slot}`).digest();
  for (let i = 0; i < epoch; i++)
    k = createHmac('sha256', k)
      .update(`seclog-fss/v1/evolve/${i + 1}`)
      .digest();
  return k;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seclog-fss-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('key derivation', () => {
  it('evolves as HMAC-SHA256 does, step by step', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(1e12), (key, from) => {
        const expected = createHmac('sha256', key)
          .update(`seclog-fss/v1/evolve/${from + 1}`)
          .digest();
        expect(evolveKey(key, from, from + 1).toString('hex')).toBe(expected.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the verifier the writer key for many slots and epochs', () => {
    const { verificationKey, states } = createSealingStates({ slots: 4, startMs: START });
    for (const state of states) {
      expect(state.key).toBe(referenceKey(verificationKey, state.slot, 0).toString('hex'));
      let s: SealingState = state;
      for (const epoch of [1, 2, 3, 10, 11, 99, 100, 257, 1000, 1001]) {
        s = evolveTo(s, epoch);
        expect(s.epoch).toBe(epoch);
        expect(s.key).toBe(epochKey(verificationKey, state.slot, epoch).toString('hex'));
        expect(s.key).toBe(referenceKey(verificationKey, state.slot, epoch).toString('hex'));
      }
    }
    // Slots have unrelated keys.
    expect(new Set(states.map((s) => s.key)).size).toBe(4);
  });

  it('continues the verifier from an earlier key', () => {
    const v = randomBytes(32);
    const k5 = epochKey(v, 2, 5);
    expect(epochKey(v, 2, 40, { epoch: 5, key: k5 })).toEqual(epochKey(v, 2, 40));
    // A later `from` than asked is ignored.
    expect(epochKey(v, 2, 3, { epoch: 5, key: k5 })).toEqual(epochKey(v, 2, 3));
  });

  it('derives a year of one-minute epochs in a few seconds at most', () => {
    const v = randomBytes(32);
    const epochs = Math.ceil((365 * 86_400_000) / DEFAULT_EPOCH_MS);
    const t0 = performance.now();
    const k = epochKey(v, 0, epochs);
    const ms = performance.now() - t0;
    expect(k.length).toBe(32);
    // Measured about 1.3 s of CPU on a shared 2-core EPYC; the bound leaves room for CI noise.
    expect(ms).toBeLessThan(10_000);
  }, 20_000);

  it('refuses keys of the wrong size', () => {
    expect(() => initialKey(randomBytes(16), 0)).toThrow(RangeError);
    expect(() => evolveKey(randomBytes(31), 0, 1)).toThrow(RangeError);
  });
});

describe('evolveTo', () => {
  it('cannot go back', () => {
    const { states } = createSealingStates({ slots: 1, startMs: START });
    const s7 = evolveTo(states[0]!, 7);
    expect(() => evolveTo(s7, 6)).toThrow(/cannot go back from epoch 7 to epoch 6/);
    expect(() => evolveKey(Buffer.from(s7.key, 'hex'), 7, 0)).toThrow(RangeError);
    expect(evolveTo(s7, 7)).toBe(s7);
  });

  it('leaves the state it was given as it was (a pure function)', () => {
    const { states } = createSealingStates({ slots: 1, startMs: START });
    const before = { ...states[0]! };
    evolveTo(states[0]!, 3);
    expect(states[0]).toEqual(before);
  });
});

describe('epochs', () => {
  const params = { epochMs: 60_000, startMs: START };

  it('numbers time from startMs in epochMs steps', () => {
    expect(epochOf(params, START)).toBe(0);
    expect(epochOf(params, START + 59_999)).toBe(0);
    expect(epochOf(params, START + 60_000)).toBe(1);
    expect(epochOf(params, START + 525_600 * 60_000 + 1)).toBe(525_600);
    expect(epochStartMs(params, 3)).toBe(START + 180_000);
    expect(() => epochOf(params, START - 1)).toThrow(/before epoch 0/);
  });

  it('refuses epoch lengths outside 1 s .. 1 d', () => {
    expect(() => createSealingStates({ slots: 1, epochMs: 999, startMs: START })).toThrow();
    expect(() => createSealingStates({ slots: 1, epochMs: 86_400_001, startMs: START })).toThrow();
    expect(() => createSealingStates({ slots: 0, startMs: START })).toThrow();
  });
});

describe('state file', () => {
  it('round-trips and refuses malformed contents', () => {
    const { states } = createSealingStates({ slots: 1, startMs: START });
    const s = states[0]!;
    expect(parseSealingState(serializeSealingState(s))).toEqual(s);
    expect(parseSealingState('{}')).toBeUndefined();
    expect(parseSealingState(serializeSealingState(s).replace(/"key":"../, '"key":"zz'))).toBe(
      undefined,
    );
    expect(parseSealingState('not json')).toBeUndefined();
  });

  it('is written with mode 0600 and read back', () => {
    const dir = tempDir();
    const path = join(dir, sealingStateFileName(0));
    const { states } = createSealingStates({ slots: 1, startMs: START });
    writeSealingStateFile(path, states[0]!, { exclusive: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readSealingStateFile(path)).toEqual(states[0]);
    expect(readdirSync(dir)).toEqual([sealingStateFileName(0)]);
  });

  it('holds only the current key after evolution, in a new file', () => {
    const dir = tempDir();
    const path = join(dir, sealingStateFileName(1));
    const { verificationKey, states } = createSealingStates({ slots: 2, startMs: START });
    const s0 = states[1]!;
    writeSealingStateFile(path, s0);
    const inodeBefore = lstatSync(path).ino;
    const s5 = evolveTo(s0, 5);
    writeSealingStateFile(path, s5);
    const text = readFileSync(path, 'utf8');
    expect(lstatSync(path).ino).not.toBe(inodeBefore);
    expect(readdirSync(dir)).toEqual([sealingStateFileName(1)]);
    expect(readSealingStateFile(path)).toEqual(s5);
    // No earlier key of the slot is in the file, in hex or raw.
    for (let e = 0; e < 5; e++) {
      const old = epochKey(verificationKey, 1, e);
      expect(text).not.toContain(old.toString('hex'));
      expect(readFileSync(path).includes(old)).toBe(false);
    }
    expect(text).toContain(epochKey(verificationKey, 1, 5).toString('hex'));
  });

  it('refuses to overwrite with exclusive', () => {
    const dir = tempDir();
    const path = join(dir, sealingStateFileName(0));
    const { states } = createSealingStates({ slots: 1, startMs: START });
    writeSealingStateFile(path, states[0]!, { exclusive: true });
    const other = createSealingStates({ slots: 1, startMs: START }).states[0]!;
    expect(() => writeSealingStateFile(path, other, { exclusive: true })).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(readSealingStateFile(path)).toEqual(states[0]);
    expect(readdirSync(dir)).toEqual([sealingStateFileName(0)]);
  });

  it('refuses a symlink at the path, reading or writing, and leaves its target alone', () => {
    const dir = tempDir();
    const target = join(dir, 'target');
    writeFileSync(target, 'untouched');
    const path = join(dir, sealingStateFileName(0));
    symlinkSync(target, path);
    const { states } = createSealingStates({ slots: 1, startMs: START });
    expect(() => writeSealingStateFile(path, states[0]!)).toThrow(
      expect.objectContaining({ code: 'EUNSAFE' }),
    );
    expect(() => readSealingStateFile(path)).toThrow(expect.objectContaining({ code: 'EUNSAFE' }));
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO at the path without blocking', () => {
    const dir = tempDir();
    const path = join(dir, sealingStateFileName(0));
    execFileSync('mkfifo', [path]);
    const { states } = createSealingStates({ slots: 1, startMs: START });
    expect(() => writeSealingStateFile(path, states[0]!)).toThrow(
      expect.objectContaining({ code: 'EUNSAFE' }),
    );
    expect(() => readSealingStateFile(path)).toThrow(expect.objectContaining({ code: 'EUNSAFE' }));
    expect(lstatSync(path).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual([sealingStateFileName(0)]);
  });

  it('reports bad contents as EBADSTATE', () => {
    const dir = tempDir();
    const path = join(dir, 'bad.state');
    writeFileSync(path, '{"v":1}');
    expect(() => readSealingStateFile(path)).toThrow(
      expect.objectContaining({ code: 'EBADSTATE' }),
    );
  });
});
