// Shared test set-up: temp directories, a real LoggerProvider wired to the exporter, and readers
// for what ends up on disk.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  RotatingFileLogRecordExporter,
  type ChainAnchor,
  type RotatingFileLogRecordExporterOptions,
} from '@seclog/rotating-file-log-record-exporter';

export const PKG_DIR = fileURLToPath(new URL('..', import.meta.url));
export const ROOT_DIR = join(PKG_DIR, '..', '..');

/** Record `n` of a login story, one second after record `n - 1`, as an exporter receives it. */
export function record(n: number): ReadableLogRecord {
  return {
    hrTime: [1_700_000_000 + n, 0],
    hrTimeObserved: [1_700_000_000 + n, 0],
    body: `user ${n} logged in`,
    severityNumber: 9,
    resource: { attributes: { 'service.name': 'svc' } },
    instrumentationScope: { name: 'scope' },
    attributes: { 'test.n': n },
    droppedAttributesCount: 0,
  } as unknown as ReadableLogRecord;
}

/** A fresh temp directory and its removal. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'seclog-rfx-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Exporter behind a real LoggerProvider with a SimpleLogRecordProcessor. */
export function setup(options: Partial<RotatingFileLogRecordExporterOptions> = {}) {
  const { dir, cleanup } = tempDir();
  const logDir = join(dir, 'logs');
  const exporter = new RotatingFileLogRecordExporter({ directory: logDir, ...options });
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('test-scope', '1.2.3');
  return {
    dir,
    logDir,
    exporter,
    provider,
    logger,
    emit(n: number, from = 0): void {
      for (let i = from; i < from + n; i++) {
        logger.emit({
          body: `event ${i}`,
          severityNumber: 9,
          severityText: 'INFO',
          attributes: { 'test.n': i },
        });
      }
    },
    /** SimpleLogRecordProcessor.forceFlush does not reach the exporter, so flush it directly. */
    flush(): Promise<void> {
      return exporter.forceFlush();
    },
    async done(): Promise<void> {
      await provider.shutdown();
      cleanup();
    },
  };
}

/** Data files (plain) of a directory, sorted by name. */
export function dataFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort();
}

/** Every line of every plain data file. */
export function allLines(dir: string): string[] {
  return dataFiles(dir).flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
}

/**
 * The log records of OTLP lines, in order. A line is one ExportLogsServiceRequest; in format v2 it
 * holds every record of a batch that shares its resource and scope (v1: one record per line).
 */
export function lineRecords(lines: string[]): any[] {
  return lines.flatMap((l) => {
    const req = JSON.parse(l) as {
      resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[];
    };
    return req.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
  });
}

/** Every log record of every plain data file, in order. */
export function allRecords(dir: string): any[] {
  return lineRecords(allLines(dir));
}

/** Value of `test.n` of each record of OTLP lines. */
export function lineNumbers(lines: string[]): number[] {
  return lineRecords(lines).map((rec) => {
    const attrs = rec.attributes as { key: string; value: { intValue?: string } }[];
    return Number(attrs.find((a) => a.key === 'test.n')?.value.intValue);
  });
}

let built = false;
/** Builds the exporter (and optionally the CLI) so child processes can import dist/. */
export function buildPackages(withCli = false): void {
  if (built && !withCli) return;
  const tsc = join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
  // flock: several test files may build at once; tsc -b is not safe to run concurrently.
  execFileSync(
    'flock',
    [
      '/tmp/seclog-rfx-build.lock',
      process.execPath,
      tsc,
      '-b',
      join(ROOT_DIR, 'packages', withCli ? 'cli' : 'rotating-file-log-record-exporter'),
    ],
    {
      cwd: ROOT_DIR,
      stdio: 'inherit',
    },
  );
  built = true;
}

/** ECS lines as a SIEM export returns them: nested objects inside a search hit's `_source`. */
export function ecsHits(anchors: readonly ChainAnchor[]): string {
  return anchors
    .map((a) =>
      JSON.stringify({
        _index: 'logs-seclog',
        _source: {
          '@timestamp': a.at,
          event: { action: 'seclog.chain.anchor' },
          seclog: {
            chain: {
              anchor: {
                slot: a.slot,
                index: a.index,
                seq: a.seq,
                hash: a.hash,
                at: a.at,
                key_id: a.keyId,
                epoch: a.epoch,
                hmac: a.hmac,
              },
            },
          },
        },
      }),
    )
    .join('\n');
}
