// Validates startSecurityLogging options eagerly and resolves them against OTEL_* environment
// variables. Bad configuration throws here, at setup, naming the package and the option.
import { diag } from '@opentelemetry/api';
import type { BatchOptions, StartSecurityLoggingOptions } from '../types.js';
import { BRIDGE_NAMES } from './bridges/install-bridges.js';

const KNOWN_OPTIONS = new Set([
  'serviceName',
  'serviceVersion',
  'resourceAttributes',
  'console',
  'file',
  'otlp',
  'redaction',
  'detection',
  'exporters',
  'batch',
  'handleExit',
  'meterProvider',
  'shutdownTimeoutMillis',
  'registerGlobal',
  'bridges',
]);

const EXPORTER_NAMES = ['console', 'file', 'otlp'] as const;
export type ExporterName = (typeof EXPORTER_NAMES)[number];

function fail(option: string, message: string): never {
  throw new TypeError(`@seclog/node: ${option} ${message}`);
}

export function validateOptions(options: unknown): StartSecurityLoggingOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail('options', 'must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key))
      fail(key, `is not an option (known: ${[...KNOWN_OPTIONS].join(', ')})`);
  }
  const o = options as Record<string, unknown>;
  for (const key of ['serviceName', 'serviceVersion']) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) {
      fail(key, 'must be a non-empty string');
    }
  }
  if (o.resourceAttributes !== undefined) {
    if (!isPlainObject(o.resourceAttributes)) fail('resourceAttributes', 'must be an object');
    for (const [k, v] of Object.entries(o.resourceAttributes)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) {
        fail(`resourceAttributes.${k}`, 'must be a string, number or boolean');
      }
    }
  }
  for (const key of ['console', 'file', 'otlp', 'redaction', 'detection']) {
    const v = o[key];
    if (v !== undefined && typeof v !== 'boolean' && !isPlainObject(v)) {
      fail(key, 'must be an options object, true or false');
    }
  }
  if (o.exporters !== undefined) {
    if (!isPlainObject(o.exporters)) fail('exporters', 'must be an object of exporters by name');
    for (const [name, exporter] of Object.entries(o.exporters)) {
      if ((EXPORTER_NAMES as readonly string[]).includes(name))
        fail(`exporters.${name}`, 'clashes with a built-in exporter name');
      const e = exporter as { export?: unknown; shutdown?: unknown; forceFlush?: unknown } | null;
      if (
        e === null ||
        typeof e !== 'object' ||
        typeof e.export !== 'function' ||
        typeof e.shutdown !== 'function'
      ) {
        fail(`exporters.${name}`, 'must be a LogRecordExporter (export, shutdown, forceFlush)');
      }
    }
  }
  if (isPlainObject(o.detection) && o.detection.logger !== undefined) {
    fail(
      'detection.logger',
      'is not an option: alerts go through the provider startSecurityLogging builds',
    );
  }
  if (o.meterProvider !== undefined && !hasMethod(o.meterProvider, 'getMeter')) {
    fail('meterProvider', 'must be an OpenTelemetry MeterProvider (an object with getMeter())');
  }
  for (const key of ['handleExit', 'registerGlobal']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') fail(key, 'must be a boolean');
  }
  if (o.bridges !== undefined) {
    const known = BRIDGE_NAMES as readonly string[];
    if (!Array.isArray(o.bridges) || o.bridges.some((b) => !known.includes(b as string))) {
      fail('bridges', `must be an array of ${known.map((b) => `'${b}'`).join(', ')}`);
    }
    if (o.bridges.length > 0 && o.registerGlobal === false) {
      fail('bridges', 'need the global LoggerProvider, which registerGlobal: false turns off');
    }
  }
  if (o.shutdownTimeoutMillis !== undefined)
    positiveInt('shutdownTimeoutMillis', o.shutdownTimeoutMillis);
  if (o.batch !== undefined) {
    if (!isPlainObject(o.batch)) fail('batch', 'must be an object');
    for (const [k, v] of Object.entries(o.batch)) {
      if (
        ![
          'maxQueueSize',
          'maxExportBatchSize',
          'scheduledDelayMillis',
          'exportTimeoutMillis',
        ].includes(k)
      ) {
        fail(`batch.${k}`, 'is not an option');
      }
      positiveInt(`batch.${k}`, v);
    }
  }
  if (
    isPlainObject(o.console) &&
    o.console.format !== undefined &&
    !['pretty', 'json'].includes(o.console.format as string)
  ) {
    fail('console.format', "must be 'pretty' or 'json'");
  }
  if (isPlainObject(o.console)) {
    for (const key of Object.keys(o.console)) {
      if (key !== 'format' && key !== 'stream')
        fail(`console.${key}`, 'is not an option (known: format, stream)');
    }
    if (o.console.stream !== undefined && !hasMethod(o.console.stream, 'write')) {
      fail('console.stream', 'must be a writable stream (an object with write())');
    }
  }
  if (isPlainObject(o.otlp)) {
    const otlp = o.otlp;
    if (
      otlp.headers !== undefined &&
      (!isPlainObject(otlp.headers) ||
        Object.values(otlp.headers).some((v) => typeof v !== 'string'))
    ) {
      fail('otlp.headers', 'must be an object of header names to string values');
    }
    if (
      otlp.protocol !== undefined &&
      !['http/json', 'http/protobuf'].includes(otlp.protocol as string)
    ) {
      fail('otlp.protocol', "must be 'http/json' or 'http/protobuf'");
    }
    if (otlp.compression !== undefined && !['gzip', 'none'].includes(otlp.compression as string)) {
      fail('otlp.compression', "must be 'gzip' or 'none'");
    }
    if (otlp.url !== undefined) {
      if (typeof otlp.url !== 'string' || !isHttpUrl(otlp.url)) {
        fail('otlp.url', `must be an absolute http(s) URL, got ${JSON.stringify(otlp.url)}`);
      }
    }
    if (otlp.timeoutMillis !== undefined) positiveInt('otlp.timeoutMillis', otlp.timeoutMillis);
    if (
      otlp.spillDirectory !== undefined &&
      (typeof otlp.spillDirectory !== 'string' || otlp.spillDirectory === '')
    ) {
      fail('otlp.spillDirectory', 'must be a non-empty string');
    }
    for (const key of Object.keys(otlp)) {
      if (
        !['url', 'protocol', 'headers', 'compression', 'timeoutMillis', 'spillDirectory'].includes(
          key,
        )
      ) {
        fail(`otlp.${key}`, 'is not an option');
      }
    }
  }
  return options;
}

/**
 * Builds a sub-package's exporter or processor from the options under `path`, and rethrows its
 * options error as the user wrote the option: `@seclog/rotating-file-log-record-exporter:
 * maxFileSize is not an option` from `file: { maxFileSize }` becomes `@seclog/node:
 * file.maxFileSize is not an option` (the original kept as `cause`). `renames` maps an option
 * name of the sub-package to the one the user wrote (`directory` is `otlp.spillDirectory`).
 */
export function underOption<T>(
  path: string,
  build: () => T,
  renames: Readonly<Record<string, string>> = {},
): T {
  try {
    return build();
  } catch (err) {
    const m = err instanceof Error ? /^@seclog\/[a-z-]+: ([\s\S]*)$/.exec(err.message) : null;
    if (m === null) throw err;
    const rest = m[1] as string;
    const name = /^[A-Za-z_$][\w$]*/.exec(rest)?.[0];
    const option =
      name === undefined || name === 'options'
        ? `${path}${name === undefined ? ' ' : ''}${rest.slice(name?.length ?? 0)}`
        : `${path}.${renames[name] ?? name}${rest.slice(name.length)}`;
    const Type = err instanceof TypeError ? TypeError : Error;
    throw new Type(`@seclog/node: ${option}`, { cause: err });
  }
}

function hasMethod(value: unknown, name: string): boolean {
  return isPlainObject(value) && typeof value[name] === 'function';
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function positiveInt(option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(option, `must be a positive integer, got ${JSON.stringify(value)}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Which built-in exporters run. `false` in the options always wins. `OTEL_LOGS_EXPORTER=none` is
 * the operator's off switch: it stops console, file and OTLP, also when the options configure
 * them. Otherwise the options (`true` or an options object) turn an exporter on, and for the ones
 * the options leave unset OTEL_LOGS_EXPORTER decides when it names any valid exporter; failing
 * that, the defaults: console and file, plus OTLP when an OTLP endpoint is set. Unknown names are
 * reported and ignored, as the SDK environment spec asks, so a typo never turns the defaults off.
 */
export function resolveExporters(
  options: StartSecurityLoggingOptions,
  env: NodeJS.ProcessEnv,
): Record<ExporterName, boolean> {
  const listed = parseExporterList(env.OTEL_LOGS_EXPORTER);
  // The endpoint is checked only where it decides: an enabled OTLP exporter reports a bad URL itself.
  const byDefault = (name: ExporterName): boolean =>
    name === 'otlp' ? otlpEndpointFromEnv(env) !== undefined : true;
  const result = {} as Record<ExporterName, boolean>;
  for (const name of EXPORTER_NAMES) {
    const option = options[name];
    if (listed?.has('none') === true) result[name] = false;
    else if (option !== undefined) result[name] = option !== false;
    else if (listed !== undefined) result[name] = listed.has(name);
    else result[name] = byDefault(name);
  }
  if (listed?.has('none') === true) {
    diag.warn(
      '@seclog/node: OTEL_LOGS_EXPORTER=none: console, file and OTLP output are off, also where the options configure them; unset it to log',
    );
  }
  return result;
}

/** The OTLP logs endpoint the environment sets, when it is a valid http(s) URL. */
function otlpEndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (isHttpUrl(raw)) return raw;
    diag.warn(
      `@seclog/node: ${name}=${quote(raw)} is not an http(s) URL; ignored, so it does not turn OTLP export on (example: http://localhost:4318)`,
    );
  }
  return undefined;
}

/** The value as it appears in a message: quoted, bounded, one line. */
function quote(raw: string): string {
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}

function parseExporterList(value: string | undefined): Set<string> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const names = new Set<string>();
  for (const raw of value.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if (name === 'none' || (EXPORTER_NAMES as readonly string[]).includes(name)) names.add(name);
    else
      diag.warn(
        `@seclog/node: OTEL_LOGS_EXPORTER value ${quote(name)} is not an exporter; ignored (known: console, file, otlp, none)`,
      );
  }
  if (names.has('none') && names.size > 1) {
    diag.warn(
      `@seclog/node: OTEL_LOGS_EXPORTER=${quote(value)} lists none beside other exporters; none wins, as the SDK environment spec says`,
    );
  }
  // Only unknown names: the value is ignored as a whole and the defaults stay on.
  return names.size === 0 ? undefined : names;
}

/**
 * Reports OTEL_EXPORTER_OTLP_* values the OTLP exporter would silently skip: header lists with
 * entries that are not `key=value`. (It reports bad timeouts, compression and URLs itself.)
 */
export function checkOtlpEnv(env: NodeJS.ProcessEnv): void {
  for (const name of ['OTEL_EXPORTER_OTLP_LOGS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS']) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const bad = raw
      .split(',')
      .map((entry, i) => ({ entry: entry.trim(), i }))
      .filter(({ entry }) => entry !== '' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=/.test(entry));
    if (bad.length > 0) {
      // The values may be credentials: only their positions are named.
      diag.warn(
        `@seclog/node: ${name} ${entries(bad.map((b) => b.i))} not key=value (header name, =, percent-encoded value): the OTLP exporter skips an entry without = and fails every export on a header name that is not an HTTP token; fix the variable`,
      );
    }
  }
}

export function resolveBatch(
  options: BatchOptions | undefined,
  env: NodeJS.ProcessEnv,
): Required<BatchOptions> {
  const fromEnv = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0) return n;
    diag.warn(
      `@seclog/node: ${name}=${quote(raw)} is not a positive integer; ignored, using the default`,
    );
    return undefined;
  };
  const maxQueueSize = options?.maxQueueSize ?? fromEnv('OTEL_BLRP_MAX_QUEUE_SIZE') ?? 262_144;
  const maxExportBatchSize = Math.min(
    options?.maxExportBatchSize ?? fromEnv('OTEL_BLRP_MAX_EXPORT_BATCH_SIZE') ?? 1024,
    maxQueueSize,
  );
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMillis:
      options?.scheduledDelayMillis ?? fromEnv('OTEL_BLRP_SCHEDULE_DELAY') ?? 200,
    exportTimeoutMillis:
      options?.exportTimeoutMillis ?? fromEnv('OTEL_BLRP_EXPORT_TIMEOUT') ?? 30_000,
  };
}

export function resolveOtlpProtocol(
  option: 'http/json' | 'http/protobuf' | undefined,
  env: NodeJS.ProcessEnv,
): 'http/json' | 'http/protobuf' {
  if (option !== undefined) return option;
  const name =
    env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL !== undefined
      ? 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'
      : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = (env[name] ?? '').trim();
  if (raw === '') return 'http/protobuf';
  if (raw === 'http/json' || raw === 'http/protobuf') return raw;
  diag.warn(
    `@seclog/node: ${name}=${quote(raw)} is not supported; ignored, using http/protobuf (supported: http/protobuf, http/json)`,
  );
  return 'http/protobuf';
}

/** "entry #2 is" / "entries #1, #3 are", for 0-based positions. */
export function entries(positions: readonly number[]): string {
  const list = positions.map((i) => `#${i + 1}`).join(', ');
  return positions.length === 1 ? `entry ${list} is` : `entries ${list} are`;
}
