// `seclog keys`: init writes one 0600 state file per slot and prints the verification key once;
// re-init is refused; show-epoch reads a state file without showing its key.
import { createHmac } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '@seclog/cli';
import {
  epochKey,
  evolveTo,
  readSealingStateFile,
  writeSealingStateFile,
} from '@seclog/rotating-file-log-record-exporter';
import { tempDir } from './helpers.js';

async function seclog(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

const cleanups: (() => void)[] = [];
function stateDir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'fss');
}
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('seclog keys init', () => {
  it('writes a 0600 state file per slot and prints the verification key once', async () => {
    const dir = stateDir();
    const before = Date.now();
    const r = await seclog('keys', 'init', '--dir', dir, '--slots', '3');
    expect(r.code).toBe(0);
    // stdout is the key alone, so it can be piped straight off the host.
    expect(r.stdout).toMatch(/^seclog-vk1:60000:\d+:[0-9a-f]{64}\n$/);
    expect(r.stderr).toMatch(/wrote 3 sealing state files to .* \(epoch 1m, epoch 0 from /);
    expect(r.stderr).toMatch(/WARNING/);
    expect(r.stderr).toMatch(/OFF this host/);
    expect(r.stderr).toMatch(/never keep it on the\n.*logging host/);
    expect(r.stderr).not.toContain(r.stdout.trim());
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual([
      'seclog-fss-0.state',
      'seclog-fss-1.state',
      'seclog-fss-2.state',
    ]);
    const v = Buffer.from(r.stdout.trim().split(':')[3] as string, 'hex');
    for (let slot = 0; slot < 3; slot++) {
      const path = join(dir, `seclog-fss-${slot}.state`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const state = readSealingStateFile(path);
      expect(state).toMatchObject({ v: 1, slot, epoch: 0, epochMs: 60_000 });
      expect(state.startMs % 60_000).toBe(0);
      expect(state.startMs).toBeLessThanOrEqual(before);
      expect(state.startMs).toBeGreaterThan(before - 60_000);
      const k0 = createHmac('sha256', v).update(`seclog-fss/v1/slot/${slot}`).digest('hex');
      expect(state.key).toBe(k0);
      // The verification key itself is in no state file.
      expect(readFileSync(path, 'utf8')).not.toContain(r.stdout.trim());
    }
  });

  it('takes --epoch', async () => {
    const dir = stateDir();
    const r = await seclog('keys', 'init', '--dir', dir, '--slots', '1', '--epoch', '15m');
    expect(r.code).toBe(0);
    expect(readSealingStateFile(join(dir, 'seclog-fss-0.state')).epochMs).toBe(900_000);
    expect(r.stderr).toContain('(epoch 15m,');
  });

  it('refuses to re-init, printing no key and changing nothing', async () => {
    const dir = stateDir();
    expect((await seclog('keys', 'init', '--dir', dir, '--slots', '1')).code).toBe(0);
    const before = readFileSync(join(dir, 'seclog-fss-0.state'), 'utf8');
    // More slots than before: slot 0 exists, so nothing is written, not even slot 1.
    const r = await seclog('keys', 'init', '--dir', dir, '--slots', '2');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/seclog-fss-0\.state exists; refusing to replace sealing state/);
    expect(readFileSync(join(dir, 'seclog-fss-0.state'), 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['seclog-fss-0.state']);
  });

  it('refuses a symlink planted at a state file name, leaving it alone', async () => {
    const dir = stateDir();
    mkdirSync(dir, { mode: 0o700 });
    const planted = join(dir, 'seclog-fss-1.state');
    symlinkSync(join(dir, 'nowhere'), planted);
    const r = await seclog('keys', 'init', '--dir', dir, '--slots', '2');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/seclog-fss-1\.state exists/);
    expect(lstatSync(planted).isSymbolicLink()).toBe(true);
    // Slot 0 was free, but nothing is written when any slot is taken.
    expect(readdirSync(dir)).toEqual(['seclog-fss-1.state']);
  });

  it('exits 2 on usage errors', async () => {
    const dir = stateDir();
    for (const args of [
      ['keys'],
      ['keys', 'frobnicate'],
      ['keys', 'init', '--slots', '1'],
      ['keys', 'init', '--dir', dir],
      ['keys', 'init', '--dir', dir, '--slots', '0'],
      ['keys', 'init', '--dir', dir, '--slots', '1.5'],
      ['keys', 'init', '--dir', dir, '--slots', '1', '--epoch', '500ms'],
      ['keys', 'init', '--dir', dir, '--slots', '1', '--epoch', '2d'],
      ['keys', 'init', '--dir', dir, '--slots', '1', '--epoch', 'soon'],
      ['keys', 'show-epoch'],
    ]) {
      const r = await seclog(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(() => readdirSync(dir)).toThrow();
  });

  it('is in the help text', async () => {
    const r = await seclog('--help');
    expect(r.stdout).toContain('seclog keys init --dir <stateDir> --slots <N> [--epoch <1m>]');
    expect(r.stdout).toContain('seclog keys show-epoch --state <file>');
  });
});

describe('seclog keys show-epoch', () => {
  it('shows the epoch and how far behind the clock it is, never the key', async () => {
    const dir = stateDir();
    const init = await seclog('keys', 'init', '--dir', dir, '--slots', '1');
    const path = join(dir, 'seclog-fss-0.state');
    const now = await seclog('keys', 'show-epoch', '--state', path);
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/^slot 0: epoch 0 \(\S+Z to \S+Z, 1m epochs\); /);
    // Pretend the writer last evolved a while back: move epoch 0 an hour into the past.
    const s = readSealingStateFile(path);
    const past = { ...s, startMs: s.startMs - 3_600_000 };
    writeSealingStateFile(path, evolveTo(past, 2));
    const r = await seclog('keys', 'show-epoch', '--state', path);
    expect(r.stdout).toMatch(/epoch 2 .*; now in epoch 6\d, 5\d behind\n$/);
    const key = readSealingStateFile(path).key;
    expect(r.stdout).not.toContain(key);
    const j = await seclog('keys', 'show-epoch', '--state', path, '--json');
    const parsed = JSON.parse(j.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ slot: 0, epoch: 2, epochMs: 60_000 });
    expect(parsed.key).toBeUndefined();
    // The writer's evolved key is the verifier's (startMs does not enter the derivation).
    expect(key).toBe(
      epochKey(Buffer.from(init.stdout.trim().split(':')[3] as string, 'hex'), 0, 2).toString(
        'hex',
      ),
    );
  });

  it('exits 2 for a file that is not a state file', async () => {
    const dir = stateDir();
    expect((await seclog('keys', 'init', '--dir', dir, '--slots', '1')).code).toBe(0);
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'hello');
    const r = await seclog('keys', 'show-epoch', '--state', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a sealing state file/);
  });
});
