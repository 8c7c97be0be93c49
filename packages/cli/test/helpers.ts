// Shared CLI test set-up: temp directories, a built bin, and a directory written by the exporter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';

export const ROOT_DIR = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = join(ROOT_DIR, 'packages', 'cli', 'dist', 'bin.js');

/** Builds the CLI and the exporter it uses (serialized with other test files through flock). */
export function buildCli(): void {
  const tsc = join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(
    'flock',
    ['/tmp/seclog-rfx-build.lock', process.execPath, tsc, '-b', join(ROOT_DIR, 'packages', 'cli')],
    {
      cwd: ROOT_DIR,
      stdio: 'inherit',
    },
  );
}

/** A fresh temp directory and its removal. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'seclog-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A record as the SDK hands it to exporters. */
export function record(
  n: number,
  body: unknown = `event ${n}`,
  timeSec = 1_700_000_000 + n,
): ReadableLogRecord {
  return {
    hrTime: [timeSec, 0],
    hrTimeObserved: [timeSec, 0],
    body,
    severityNumber: 9,
    severityText: 'INFO',
    resource: { attributes: { 'service.name': 'svc' } },
    instrumentationScope: { name: 'scope' },
    attributes: { 'test.n': n },
    droppedAttributesCount: 0,
  } as unknown as ReadableLogRecord;
}

/** Writes `count` records one per export through an exporter and shuts it down. */
export async function writeRecords(
  exporter: RotatingFileLogRecordExporter,
  count: number,
  from = 0,
): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await new Promise((resolve) => exporter.export([record(i)], resolve));
  }
}
