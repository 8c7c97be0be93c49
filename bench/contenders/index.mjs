// The contenders: one factory per logger setup, all writing the standard event to files under a
// fresh directory. Each factory resolves to { log(ev), finish(), count(), ready?() }; finish()
// resolves only once every record has been handed to the kernel and every file is closed.
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { setImmediate } from 'node:timers';
import { createRequire } from 'node:module';
import { PINO_REDACT_PATHS } from '../lib/workload.mjs';
import { countLinesInDir, countLinesInFile, OTLP_RECORD_MARK } from '../lib/count.mjs';

const require = createRequire(import.meta.url);

/** Size at which every rotating contender starts a new file (about 5 rotations per 200k run). */
export const ROTATE_BYTES = 16 * 1024 * 1024;

// ------------------------------------------------------------------------------------ floor
// What the JS side can do at best for this record: one JSON.stringify per record into a string
// buffer, flushed with asynchronous fs.write in 64 KiB chunks. No rotation, no redaction.
function floor({ dir }) {
  const file = path.join(dir, 'floor.log');
  const fd = fs.openSync(file, 'a');
  let buf = '';
  let writing = false;
  let pendingEnd = null;
  const HIGH = 64 * 1024;
  function kick() {
    if (writing) return;
    if (buf.length === 0) {
      if (pendingEnd) {
        fs.closeSync(fd);
        pendingEnd();
        pendingEnd = null;
      }
      return;
    }
    const chunk = Buffer.from(buf);
    buf = '';
    writing = true;
    writeAll(chunk, 0);
  }
  function writeAll(chunk, off) {
    fs.write(fd, chunk, off, chunk.length - off, null, (err, n) => {
      if (err) throw err;
      if (off + n < chunk.length) return writeAll(chunk, off + n);
      writing = false;
      kick();
    });
  }
  return {
    log(ev) {
      buf +=
        '{"level":30,"time":' +
        Date.now() +
        ',"msg":' +
        JSON.stringify(ev.msg) +
        ',' +
        JSON.stringify(ev.attrs).slice(1) +
        '\n';
      if (buf.length >= HIGH) kick();
    },
    finish: () =>
      new Promise((resolve) => {
        pendingEnd = resolve;
        kick();
      }),
    count: () => countLinesInFile(file),
  };
}

// ------------------------------------------------------------------------------------ pino
function pinoDestination({ dir }, loggerOptions) {
  const pino = require('pino');
  const file = path.join(dir, 'pino.log');
  const dest = pino.destination({ dest: file, sync: false });
  const logger = pino(loggerOptions, dest);
  return {
    log(ev) {
      logger.info(ev.attrs, ev.msg);
    },
    async finish() {
      const closed = once(dest, 'close');
      dest.end();
      await closed;
    },
    count: () => countLinesInFile(file),
  };
}

function pinoTransport(target, options, countDir, loggerOptions = {}) {
  const pino = require('pino');
  const transport = pino.transport({ target, options });
  const logger = pino(loggerOptions, transport);
  return {
    async ready() {
      if (!transport.ready) await once(transport, 'ready');
    },
    log(ev) {
      logger.info(ev.attrs, ev.msg);
    },
    async finish() {
      const closed = once(transport, 'close');
      transport.end();
      await closed;
    },
    count: () => countLinesInDir(countDir, (name) => name.endsWith('.log')),
  };
}

// ------------------------------------------------------------------------------------ winston
function winstonDailyRotate({ dir }) {
  const winston = require('winston');
  const DailyRotateFile = require('winston-daily-rotate-file');
  const transport = new DailyRotateFile({
    dirname: dir,
    filename: 'winston-%DATE%.log',
    datePattern: 'YYYY-MM-DD',
    maxSize: '16m',
    auditFile: path.join(dir, 'audit.json'),
  });
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  });
  return {
    log(ev) {
      logger.info(ev.msg, ev.attrs);
    },
    async finish() {
      // logger.end() while the logger's readable side still holds records makes winston 3.19 end
      // the transport early ("write after end", winstonjs/winston PR #2599): drain first.
      while (logger._readableState.length > 0) await new Promise((r) => setImmediate(r));
      const done = once(transport, 'finish');
      logger.end();
      await done;
      // The rotator closes its file stream after 'finish'; wait for the bytes to land.
      const stream = transport.logStream;
      if (stream && !stream.closed && typeof stream.end === 'function') {
        await new Promise((resolve) => {
          stream.once('close', resolve);
          stream.once('finish', resolve);
          stream.end();
          setTimeout(resolve, 2000).unref();
        });
      }
    },
    count: () =>
      countLinesInDir(dir, (name) => name.startsWith('winston-') && /\.log(\.\d+)?$/.test(name)),
  };
}

// winston into the OTel SDK through @opentelemetry/winston-transport (the bridge a winston user
// adds to reach OpenTelemetry), behind the same batch processor and exporter as the otel-sdk row.
async function winstonOtel({ dir }) {
  const winston = require('winston');
  const { logs } = await import('@opentelemetry/api-logs');
  const { provider, file } = await otelSdkProvider(dir);
  // The bridge takes its logger from the global logs API when it is constructed.
  logs.setGlobalLoggerProvider(provider);
  const { OpenTelemetryTransportV3 } = require('@opentelemetry/winston-transport');
  const transport = new OpenTelemetryTransportV3();
  const logger = winston.createLogger({ level: 'info', transports: [transport] });
  return {
    log(ev) {
      logger.info(ev.msg, ev.attrs);
    },
    async finish() {
      // As for winston-rotate: drain the logger before end() (winstonjs/winston PR #2599).
      while (logger._readableState.length > 0) await new Promise((r) => setImmediate(r));
      const done = once(transport, 'finish');
      logger.end();
      await done;
      await provider.shutdown();
    },
    count: () => countLinesInFile(file),
  };
}

// ------------------------------------------------------------------------------------ OTel SDK
// Minimal exporter: one JSON line per record, one write() per exported batch, result reported
// when the write has completed (as the reference's).
class JsonLinesFileExporter {
  constructor(file) {
    this.stream = fs.createWriteStream(file, { flags: 'a' });
  }
  export(records, resultCallback) {
    let out = '';
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const line = {
        time: r.hrTime[0] * 1e3 + r.hrTime[1] / 1e6,
        severityNumber: r.severityNumber,
        severityText: r.severityText,
        eventName: r.eventName,
        body: r.body,
        attributes: r.attributes,
        scope: r.instrumentationScope.name,
      };
      if (r.spanContext) {
        line.traceId = r.spanContext.traceId;
        line.spanId = r.spanContext.spanId;
      }
      out += JSON.stringify(line) + '\n';
    }
    this.stream.write(out, (err) => resultCallback(err ? { code: 1, error: err } : { code: 0 }));
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

/** The bare SDK: a LoggerProvider, the batch processor 2^20/512 and the JSON-lines exporter. */
async function otelSdkProvider(dir) {
  const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const file = path.join(dir, 'otel.log');
  const processor = new BatchLogRecordProcessor({
    exporter: new JsonLinesFileExporter(file),
    maxQueueSize: 1 << 20,
    maxExportBatchSize: 512,
  });
  return { provider: new LoggerProvider({ processors: [processor] }), file };
}

async function otelSdk({ dir }) {
  const { provider, file } = await otelSdkProvider(dir);
  const logger = provider.getLogger('security-bench', '1.0.0');
  return {
    log(ev) {
      logger.emit({
        severityNumber: 9,
        severityText: 'INFO',
        eventName: ev.attrs['event.name'],
        body: ev.msg,
        attributes: ev.attrs,
      });
    },
    finish: () => provider.shutdown(),
    count: () => countLinesInFile(file),
  };
}

// ------------------------------------------------------------------------------------ seclog
/**
 * The call an application makes for the standard event: the typed `security.authn.loginFail` /
 * `loginSuccess` (by the event's outcome) with the common fields, the rest as extra attributes.
 * Falls back to the generic `security.event(name, fields)` when the typed methods are missing.
 */
function seclogEmitter(security) {
  const fail = security.authn?.loginFail;
  const success = security.authn?.loginSuccess;
  if (typeof fail === 'function' && typeof success === 'function') {
    return (ev) => (ev.failure ? fail(ev.fields) : success(ev.fields));
  }
  if (typeof security.event === 'function') {
    return (ev) => security.event('com.example.' + ev.attrs['event.name'], ev.fields);
  }
  throw new Error(
    'SecurityLogger has neither authn.loginFail/loginSuccess nor event(name, fields)',
  );
}

/** The standard event as seclog's fields, built once per pool variant outside the timed loop. */
function seclogFields(ev) {
  const a = ev.attrs;
  const { id: sessionId, ...session } = a.session;
  return {
    ...ev,
    failure: a['event.outcome'] === 'failure',
    fields: {
      userId: a['user.id'],
      clientAddress: a['client.address'],
      sessionId,
      message: ev.msg,
      attributes: {
        'http.request.method': a['http.request.method'],
        'url.path': a['url.path'],
        'http.request.id': a['http.request.id'],
        session,
      },
    },
  };
}

async function seclog({ dir }, variant) {
  const { startSecurityLogging } = await import('@seclog/node');
  const file = { directory: dir, maxFileBytes: ROTATE_BYTES };
  if (variant.fsync !== 'default') file.fsync = 'none';
  // Not tamper-evident: only the cost of the chain is measured by this row.
  if (variant.chain === false) file.hashChain = false;
  if (variant.worker) file.worker = true;
  const logging = startSecurityLogging({
    serviceName: 'security-bench',
    console: false,
    otlp: false,
    file,
    redaction: variant.redaction,
    handleExit: false,
    // The clock stops when shutdown has written everything: never let the bound cut it short.
    shutdownTimeoutMillis: 600_000,
  });
  const emit = seclogEmitter(logging.security);
  return {
    prepare: seclogFields,
    log: emit,
    async finish() {
      await logging.shutdown();
      const stats = logging.stats();
      const file = stats.file;
      this.reportedDrops = file
        ? Object.values(file.dropped).reduce((a, b) => a + b, 0)
        : undefined;
    },
    count: () =>
      countLinesInDir(
        dir,
        (name) => name.endsWith('.ndjson') || name.endsWith('.ndjson.gz'),
        OTLP_RECORD_MARK,
      ),
    verify: () => verifySeclogDirectory(dir, variant.chain === false),
  };
}

/**
 * `ok` or the first issue of seclog's own verifier over a written directory. With `unchained`
 * (hash chain off) only the structure can be checked, and the result says so.
 */
async function verifySeclogDirectory(dir, unchained = false) {
  const { verifyDirectory } = await import('@seclog/rotating-file-log-record-exporter');
  const r = await verifyDirectory(dir, { allowUnchained: unchained });
  if (r.ok)
    return `ok (${r.recordsChecked} records${unchained ? ', unchained: structure only' : ''})`;
  const first = r.issues[0];
  return `FAILED: ${r.issues.length} issue(s), first ${first?.kind} in ${first?.file}:${first?.line ?? ''}`;
}

// The file exporter alone behind the SDK's batch processor (tuned as for otel-sdk): no
// SecurityLogger, no redaction, no seclog queueing; isolates the exporter's cost.
async function seclogExporterOnly({ dir }) {
  const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
  const { RotatingFileLogRecordExporter } =
    await import('@seclog/rotating-file-log-record-exporter');
  const exporter = new RotatingFileLogRecordExporter({
    directory: dir,
    maxFileBytes: ROTATE_BYTES,
    fsync: 'none',
  });
  const processor = new BatchLogRecordProcessor({
    exporter,
    maxQueueSize: 1 << 20,
    maxExportBatchSize: 512,
  });
  const provider = new LoggerProvider({ processors: [processor] });
  const logger = provider.getLogger('security-bench', '1.0.0');
  return {
    log(ev) {
      logger.emit({
        severityNumber: 9,
        severityText: 'INFO',
        eventName: ev.attrs['event.name'],
        body: ev.msg,
        attributes: ev.attrs,
      });
    },
    finish: () => provider.shutdown(),
    count: () => countLinesInDir(dir, (name) => /\.ndjson(\.gz)?$/.test(name), OTLP_RECORD_MARK),
    verify: () => verifySeclogDirectory(dir),
  };
}

/** Where pino-roll writes for the rotating pino rows. */
const pinoRollOptions = (ctx) => ({
  file: path.join(ctx.dir, 'roll'),
  size: '16m',
  extension: '.log',
  mkdir: true,
});

/**
 * Every contender, in table order. `seclog` marks ours; `line: '3'` runs the contender on the
 * OpenTelemetry JS 3.x line (Node 22 and the packages of compat/otel-3, as scripts/test-otel3.mjs
 * does; see lib/otel-line.mjs), every other one on the 0.223 line of the workspace.
 * @type {Record<string, { label: string, seclog?: boolean, line?: '3', create: (ctx: { dir: string }) => any }>}
 */
export const CONTENDERS = {
  'seclog-full': {
    label: 'seclog full pipeline (redaction + rotating file + hash chain, fsync none)',
    seclog: true,
    create: (ctx) => seclog(ctx, { redaction: true, chain: true }),
  },
  'seclog-no-redaction': {
    label: 'seclog, redaction: false',
    seclog: true,
    create: (ctx) => seclog(ctx, { redaction: false, chain: true }),
  },
  'seclog-no-chain': {
    label: 'seclog, hash chain off',
    seclog: true,
    create: (ctx) => seclog(ctx, { redaction: true, chain: false }),
  },
  'seclog-fsync': {
    label: 'seclog full pipeline, default fsync per batch (audit mode)',
    seclog: true,
    create: (ctx) => seclog(ctx, { redaction: true, chain: true, fsync: 'default' }),
  },
  'seclog-worker': {
    label:
      'seclog full pipeline with file: { worker: true } (lines rendered and chained on a worker thread)',
    seclog: true,
    create: (ctx) => seclog(ctx, { redaction: true, chain: true, worker: true }),
  },
  'seclog-exporter-only': {
    label:
      'RotatingFileLogRecordExporter alone behind the SDK batch processor 2^20/512 (no SecurityLogger, no redaction)',
    seclog: true,
    create: seclogExporterOnly,
  },
  'seclog-full-otel3': {
    label: 'seclog-full on the OTel JS 3.x line (Node 22, sdk-logs 3.x from compat/otel-3)',
    seclog: true,
    line: '3',
    create: (ctx) => seclog(ctx, { redaction: true, chain: true }),
  },
  'otel-sdk': {
    label: 'bare OTel SDK, BatchLogRecordProcessor 2^20/512 + minimal JSON-lines exporter',
    create: otelSdk,
  },
  'otel-sdk-otel3': {
    label: 'otel-sdk on the OTel JS 3.x line (Node 22, sdk-logs 3.x from compat/otel-3)',
    line: '3',
    create: otelSdk,
  },
  'winston-otel': {
    label:
      'winston + @opentelemetry/winston-transport into the bare OTel SDK (the otel-sdk processor and exporter)',
    create: winstonOtel,
  },
  'pino-redact': {
    label: 'pino + redact (2 paths), pino.destination sync:false',
    create: (ctx) => pinoDestination(ctx, { redact: { paths: PINO_REDACT_PATHS } }),
  },
  'pino-redact-roll': {
    label: 'pino + redact (2 paths) + pino-roll 16 MiB (worker thread)',
    create: (ctx) =>
      pinoTransport(require.resolve('pino-roll'), pinoRollOptions(ctx), ctx.dir, {
        redact: { paths: PINO_REDACT_PATHS },
      }),
  },
  pino: {
    label: 'pino, pino.destination sync:false (no redaction)',
    create: (ctx) => pinoDestination(ctx, {}),
  },
  'pino-transport': {
    label: 'pino worker-thread transport (pino/file), no redaction',
    create: (ctx) =>
      pinoTransport('pino/file', { destination: path.join(ctx.dir, 'pino.log') }, ctx.dir),
  },
  'pino-roll': {
    label: 'pino + pino-roll 16 MiB (worker thread), no redaction',
    create: (ctx) =>
      // Resolved here (not by name inside the worker) so the dependency is visible to tooling.
      pinoTransport(require.resolve('pino-roll'), pinoRollOptions(ctx), ctx.dir),
  },
  'winston-rotate': {
    label: 'winston + winston-daily-rotate-file 16 MiB',
    create: winstonDailyRotate,
  },
  floor: {
    label: 'the floor: JSON.stringify per record + 64 KiB async appends, no rotation, no redaction',
    create: floor,
  },
};
