// onIntegrityViolation: what a start on a directory finds wrong with its writer slot (OWASP
// AppSensor IE6), after a real writer process was killed with SIGKILL.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  RotatingFileLogRecordExporter,
  type IntegrityViolation,
} from '@seclog/rotating-file-log-record-exporter';
import { buildPackages, record, tempDir } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const KEY = 'integrity-test-key-0123456789';

/** Runs the writer fixture until it acknowledged a few batches, then kills it with SIGKILL. */
function killedWriter(dir: string, options: Record<string, unknown> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE], {
      env: {
        ...process.env,
        SECLOG_DIR: dir,
        SECLOG_MODE: 'crash',
        SECLOG_OPTIONS: JSON.stringify(options),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acked = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      acked += d.split('\n').filter((l) => l.startsWith('A ')).length;
      if (acked >= 5) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer ended by ${signal ?? 'exit'}, not SIGKILL`));
    });
  });
}

/** Restarts a writer on `dir` and returns what it reported at start. */
async function restart(
  dir: string,
  options: Record<string, unknown> = {},
): Promise<IntegrityViolation[]> {
  const found: IntegrityViolation[] = [];
  const e = new RotatingFileLogRecordExporter({
    directory: dir,
    ...options,
    onIntegrityViolation: (v) => found.push(v),
  });
  await new Promise((resolve) => e.export([record(1)], resolve));
  await e.shutdown();
  return found;
}

const newestData = (dir: string): string =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .at(-1) as string;

beforeAll(() => buildPackages(), 120_000);

describe('onIntegrityViolation', () => {
  it('reports nothing when the previous writer shut down cleanly', async () => {
    const { dir, cleanup } = tempDir();
    expect(await restart(dir, { hmacKey: KEY, keyId: 'k' })).toEqual([]);
    expect(await restart(dir, { hmacKey: KEY, keyId: 'k' })).toEqual([]);
    cleanup();
  });

  it('reports a torn tail after SIGKILL as an INFO torn-line, naming the file', async () => {
    const { dir, cleanup } = tempDir();
    await killedWriter(dir);
    // The kill landed between writes; a kill in the middle of one leaves half a line like this.
    const name = newestData(dir);
    appendFileSync(join(dir, name), '{"resourceLogs":[{"resource":');
    const found = await restart(dir);
    expect(found).toEqual([
      expect.objectContaining({ kind: 'torn-line', level: 'INFO', file: name, slot: 0 }),
    ]);
    expect(found[0]?.detail).toMatch(/set aside in seclog-\d{6}\.torn/);
    cleanup();
  });

  it('reports records cut below the signed head before the restart as CRITICAL truncated', async () => {
    const { dir, cleanup } = tempDir();
    await killedWriter(dir, { hmacKey: KEY, keyId: 'k' });
    const name = newestData(dir);
    const path = join(dir, name);
    const firstLine = readFileSync(path, 'utf8').indexOf('\n') + 1;
    truncateSync(path, firstLine);
    const found = await restart(dir, { hmacKey: KEY, keyId: 'k' });
    expect(found).toEqual([
      expect.objectContaining({ kind: 'truncated', level: 'CRITICAL', file: name }),
    ]);
    expect(found[0]?.detail).toMatch(/the signed head had vouched for \d+/);
    cleanup();
  });

  it('reports a sealed file cut shorter than its seal at every start, and a forged head, as CRITICAL', async () => {
    const { dir, cleanup } = tempDir();
    const e = new RotatingFileLogRecordExporter({ directory: dir, hmacKey: KEY, keyId: 'k' });
    for (let i = 0; i < 5; i++) await new Promise((r) => e.export([record(i)], r));
    await e.shutdown();
    const path = join(dir, 'seclog-000001.ndjson');
    truncateSync(path, readFileSync(path).length - 10);
    expect(await restart(dir, { hmacKey: KEY, keyId: 'k' })).toEqual([
      expect.objectContaining({
        kind: 'truncated',
        level: 'CRITICAL',
        file: 'seclog-000001.ndjson',
      }),
    ]);
    const head = join(dir, 'seclog.head');
    const text = readFileSync(head, 'utf8').replace(/"seq":\d+/, '"seq":1');
    appendFileSync(head, ''); // keep the inode; rewrite in place as an intruder would
    truncateSync(head, 0);
    appendFileSync(head, text);
    const again = await restart(dir, { hmacKey: KEY, keyId: 'k' });
    expect(again.map((v) => [v.kind, v.level, v.file])).toEqual([
      ['bad-signature', 'CRITICAL', 'seclog.head'],
      ['truncated', 'CRITICAL', 'seclog-000001.ndjson'],
    ]);
    cleanup();
  });
});
