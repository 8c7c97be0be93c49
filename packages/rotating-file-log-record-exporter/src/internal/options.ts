// Eager validation of RotatingFileLogRecordExporterOptions and the resolved, defaulted form.
import { resolve } from 'node:path';
import type {
  ChainAnchor,
  FileFormat,
  IntegrityViolation,
  FsyncPolicy,
  MeterProviderLike,
  RotatingFileLogRecordExporterOptions,
} from '../types.js';
import { BASE_NAME_PATTERN } from './file-names.js';

export const PACKAGE = '@seclog/rotating-file-log-record-exporter';

/** Options with defaults applied. */
export interface ResolvedOptions {
  directory: string;
  baseName: string;
  maxFileBytes: number;
  maxLineBytes: number;
  rotateIntervalMs: number | undefined;
  maxFiles: number | undefined;
  maxAgeMs: number | undefined;
  maxTotalBytes: number | undefined;
  compress: boolean;
  fsync: FsyncPolicy;
  format: FileFormat;
  hmacKey: string | Uint8Array | undefined;
  keyId: string | undefined;
  sealingStateDir: string | undefined;
  fileMode: number;
  dirMode: number;
  meterProvider: MeterProviderLike | undefined;
  maxQueuedRecords: number;
  flushTimeoutMillis: number;
  worker: boolean;
  hashChain: boolean;
  onAnchor: ((anchor: ChainAnchor) => void) | undefined;
  anchorIntervalMs: number;
  onIntegrityViolation: ((violation: IntegrityViolation) => void) | undefined;
}

function fail(message: string): never {
  throw new TypeError(`${PACKAGE}: ${message}`);
}

const MAX_TIMER_MS = 2_147_483_647;

function int(
  options: Record<string, unknown>,
  name: string,
  min: number,
  fallback: number | undefined,
): number | undefined {
  const v = options[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`${name} must be an integer`);
  if (v < min) fail(`${name} must be >= ${min}`);
  // Node timers overflow past 2^31-1 ms and would fire at once.
  if ((name === 'rotateIntervalMs' || name === 'anchorIntervalMs') && v > MAX_TIMER_MS)
    fail(`${name} must be <= ${MAX_TIMER_MS}`);
  return v;
}

function mode(options: Record<string, unknown>, name: string, fallback: number): number {
  const v = options[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0o777) {
    fail(`${name} must be a permission mode between 0o000 and 0o777`);
  }
  return v;
}

/** Validates `input` and applies defaults; throws a TypeError naming the first bad option. */
const KNOWN_OPTIONS = new Set([
  'directory',
  'baseName',
  'maxFileBytes',
  'maxLineBytes',
  'rotateIntervalMs',
  'maxFiles',
  'maxAgeMs',
  'maxTotalBytes',
  'compress',
  'fsync',
  'format',
  'hmacKey',
  'keyId',
  'sealingStateDir',
  'fileMode',
  'dirMode',
  'meterProvider',
  'maxQueuedRecords',
  'flushTimeoutMillis',
  'worker',
  'hashChain',
  'onAnchor',
  'anchorIntervalMs',
  'onIntegrityViolation',
]);

export function resolveOptions(input: RotatingFileLogRecordExporterOptions): ResolvedOptions {
  if (input === null || typeof input !== 'object') fail('options must be an object');
  const o = input as unknown as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    // A misspelt option would otherwise fall back to its default silently (e.g. `directry`).
    if (!KNOWN_OPTIONS.has(key)) {
      fail(`${key} is not an option (known: ${[...KNOWN_OPTIONS].join(', ')})`);
    }
  }
  if (typeof o.directory !== 'string' || o.directory.length === 0)
    fail('directory must be a non-empty string');
  if (o.directory.includes('\0')) fail('directory must not contain NUL');
  const baseName = o.baseName ?? 'seclog';
  if (typeof baseName !== 'string' || !BASE_NAME_PATTERN.test(baseName)) {
    fail(
      'baseName must match /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ (a plain file name prefix inside directory)',
    );
  }
  const fsync = o.fsync ?? 'batch';
  if (fsync !== 'batch' && fsync !== 'none') fail("fsync must be 'batch' or 'none'");
  const format = o.format ?? 'otlp-json';
  if (format !== 'otlp-json' && format !== 'ecs-json')
    fail("format must be 'otlp-json' or 'ecs-json'");
  const compress = o.compress ?? false;
  if (typeof compress !== 'boolean') fail('compress must be a boolean');
  const worker = o.worker ?? false;
  if (typeof worker !== 'boolean') fail('worker must be a boolean');
  const hashChain = o.hashChain ?? true;
  if (typeof hashChain !== 'boolean') fail('hashChain must be a boolean');
  const hmacKey = o.hmacKey;
  const keyId = o.keyId;
  if (hmacKey !== undefined) {
    if (typeof hmacKey !== 'string' && !(hmacKey instanceof Uint8Array))
      fail('hmacKey must be a string or Uint8Array');
    const len = typeof hmacKey === 'string' ? Buffer.byteLength(hmacKey) : hmacKey.byteLength;
    if (len < 16) fail('hmacKey must be at least 16 bytes');
    if (keyId === undefined) fail('keyId is required with hmacKey');
  }
  if (keyId !== undefined) {
    if (typeof keyId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(keyId))
      fail('keyId must match /^[A-Za-z0-9._-]{1,64}$/');
    if (hmacKey === undefined) fail('keyId needs hmacKey');
  }
  const stateDir = o.sealingStateDir;
  if (stateDir !== undefined) {
    if (typeof stateDir !== 'string' || stateDir.length === 0 || stateDir.includes('\0'))
      fail('sealingStateDir must be a non-empty path');
    if (hmacKey !== undefined)
      fail('sealingStateDir and hmacKey are two sealing modes: give one of them');
  }
  for (const name of ['onAnchor', 'onIntegrityViolation']) {
    if (o[name] !== undefined && typeof o[name] !== 'function') fail(`${name} must be a function`);
  }
  const mp = o.meterProvider;
  if (
    mp !== undefined &&
    (mp === null || typeof (mp as MeterProviderLike).getMeter !== 'function')
  ) {
    fail('meterProvider must have a getMeter(name) method');
  }
  return {
    directory: resolve(o.directory),
    baseName,
    maxFileBytes: int(o, 'maxFileBytes', 4096, 64 * 1024 * 1024) as number,
    maxLineBytes: int(o, 'maxLineBytes', 1, 256 * 1024) as number,
    rotateIntervalMs: int(o, 'rotateIntervalMs', 1000, undefined),
    maxFiles: int(o, 'maxFiles', 1, undefined),
    maxAgeMs: int(o, 'maxAgeMs', 1000, undefined),
    maxTotalBytes: int(o, 'maxTotalBytes', 4096, undefined),
    compress,
    fsync,
    format,
    hmacKey: hmacKey,
    keyId: keyId,
    sealingStateDir: stateDir === undefined ? undefined : resolve(stateDir),
    fileMode: mode(o, 'fileMode', 0o600),
    dirMode: mode(o, 'dirMode', 0o700),
    meterProvider: mp as MeterProviderLike | undefined,
    maxQueuedRecords: int(o, 'maxQueuedRecords', 1, 100_000) as number,
    flushTimeoutMillis: int(o, 'flushTimeoutMillis', 1, 30_000) as number,
    worker,
    hashChain,
    onAnchor: o.onAnchor as ResolvedOptions['onAnchor'],
    anchorIntervalMs: int(o, 'anchorIntervalMs', 1000, 60_000) as number,
    onIntegrityViolation: o.onIntegrityViolation as ResolvedOptions['onIntegrityViolation'],
  };
}
