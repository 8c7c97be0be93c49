// startSecurityLogging(): the one-call setup. Builds the resource, the fixed processor order
// (request context, then redaction, then one queueing export path per exporter), registers the
// provider globally, and flushes on exit.
import { diag, ROOT_CONTEXT } from '@opentelemetry/api';
import { globalErrorHandler } from '@opentelemetry/core';
import { OTLPLogExporter as OtlpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OtlpProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { DetectionLogRecordProcessor } from '@seclog/detection';
import type { AlertLogger } from '@seclog/detection';
import { RedactingLogRecordProcessor, Redactor } from '@seclog/redacting-log-record-processor';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import {
  createComponentLogger,
  escapeForLine,
  runWithoutRequestContext,
  SecurityLogger,
} from '@seclog/security-logger';
import type { ComponentLogger, LoggerLike, LogRecordLike } from '@seclog/security-logger';
import {
  ATTR_SECLOG_EXPORT_PATH,
  ATTR_SECLOG_EXPORT_RESULT,
  METRIC_SECLOG_EXPORT_RECORDS,
  SECLOG_EXPORT_RESULT_VALUE_DROPPED,
  SECLOG_EXPORT_RESULT_VALUE_EXPORTED,
  SECLOG_EXPORT_RESULT_VALUE_SPILLED,
} from '@seclog/semconv';
import {
  BridgedRecordLogRecordProcessor,
  withoutBridgedRecords,
} from './internal/bridges/bridged-record-log-record-processor.js';
import { installBridges, loadBridges } from './internal/bridges/install-bridges.js';
import { anchorRecord, integrityViolationRecord } from './internal/chain-events.js';
import { ConsoleLineLogRecordExporter } from './internal/console-log-record-exporter.js';
import { installExitHooks } from './internal/exit-hooks.js';
import {
  ensureContextManager,
  registerGlobalLoggerProvider,
} from './internal/global-registration.js';
import {
  checkOtlpEnv,
  resolveBatch,
  resolveExporters,
  resolveOtlpProtocol,
  underOption,
  validateOptions,
} from './internal/options.js';
import { probeDirectory } from './internal/probe-directory.js';
import { startContext } from './internal/start-context.js';
import { installStderrFallback } from './internal/stderr-diag-logger.js';
import { QueueingLogRecordProcessor } from './internal/queueing-log-record-processor.js';
import { RequestContextLogRecordProcessor } from './internal/request-context-log-record-processor.js';
import { buildResource, settleResource } from './internal/resource.js';
import { withTimeout } from './internal/with-timeout.js';
import type {
  DropReason,
  ExportPathStats,
  OtlpOptions,
  SecurityLogging,
  StartSecurityLoggingOptions,
} from './types.js';
import { reportError } from './internal/report-error.js';

const SECURITY_SCOPE = '@seclog/security';
/** Scope of the `seclog.alert` records detection emits. */
const DETECTION_SCOPE = '@seclog/detection';
/** Scope of the file exporter's `seclog.chain.anchor` records. */
const CHAIN_SCOPE = '@seclog/rotating-file-log-record-exporter';
/**
 * Exports the file path may have in flight: the file exporter writes them in order, and with
 * `file: { worker: true }` renders the next batch on its worker thread while one is being
 * written. Measured on 2 cores with the worker (bench/NOTES.md): 1 → 2 gains ~8% records/s at the
 * same peak RSS; 4 gains ~5% more but costs ~40 MB of RSS and a worse emit p99. Without the
 * worker the number makes no measurable difference.
 */
const FILE_EXPORTS_IN_FLIGHT = 2;

/** Where files go when `file` is on and names no directory. */
export const DEFAULT_LOG_DIRECTORY = 'logs';

interface PathCounters {
  onShutdownDrop: () => void;
  exported: number;
  spilled: number;
  dropped: Record<DropReason, number>;
  processor: QueueingLogRecordProcessor;
}

/**
 * Starts security logging for this process and returns the security event API, component loggers
 * and lifecycle controls. Throws a TypeError naming the option when the options are invalid;
 * after that, nothing it sets up throws into the application.
 *
 * @example
 * const seclog = startSecurityLogging({ serviceName: 'auth-api' });
 * seclog.security.authn.loginFail({ userId: 'alice', reason: 'bad_password' });
 */
export function startSecurityLogging(options?: StartSecurityLoggingOptions): SecurityLogging {
  const opts = validateOptions(options);
  const started = startContext();
  if (started === 'module-hooks-thread') return inertSecurityLogging();
  const bridges = loadBridges(opts.bridges ?? []);
  // Before anything can warn: without a diag logger of the application's, warnings go to stderr.
  const undoStderrFallback = installStderrFallback();
  const env = process.env;
  const enabled = resolveExporters(opts, env);
  const batch = resolveBatch(opts.batch, env);
  const shutdownTimeoutMillis = opts.shutdownTimeoutMillis ?? 5000;

  const redactionOptions = typeof opts.redaction === 'object' ? opts.redaction : {};
  const redactor =
    opts.redaction === false
      ? undefined
      : underOption('redaction', () => new Redactor(redactionOptions));
  const resource = buildResource(opts, redactor);
  const resourceReady = settleResource(resource);
  const paths = new Map<string, PathCounters>();
  const remedies = new Map<string, string>();
  const recordsCounter = opts.meterProvider
    ?.getMeter('@seclog/node')
    .createCounter(METRIC_SECLOG_EXPORT_RECORDS, {
      description: 'Records leaving an export path, by path and result',
      unit: '{record}',
    });
  const addPath = (
    name: string,
    exporter: LogRecordExporter,
    spillExporter?: LogRecordExporter,
    remedy?: string,
  ): QueueingLogRecordProcessor => {
    if (remedy !== undefined) remedies.set(name, remedy);
    const dropped: Record<DropReason, number> = {
      queue_full: 0,
      export_failed: 0,
      export_timeout: 0,
      shutdown: 0,
      process_exit: 0,
    };
    const counters = { exported: 0, spilled: 0, dropped } as PathCounters;
    // The first drop per reason is said at once, then at most one reminder a minute.
    const warnedAt = new Map<DropReason, number>();
    const sinceWarned = new Map<DropReason, number>();
    counters.onShutdownDrop = () => {
      dropped.shutdown += 1;
      recordsCounter?.add(1, {
        [ATTR_SECLOG_EXPORT_PATH]: name,
        [ATTR_SECLOG_EXPORT_RESULT]: SECLOG_EXPORT_RESULT_VALUE_DROPPED,
        'error.type': 'shutdown',
      });
    };
    counters.processor = new QueueingLogRecordProcessor({
      exporter,
      name,
      ...(remedy !== undefined && { remedy }),
      ...batch,
      // The file exporter writes its batches in order and renders the next on its worker thread
      // while one is being written; other exporters get one export at a time, as the SDK's
      // exporter contract promises them.
      maxConcurrentExports:
        exporter instanceof RotatingFileLogRecordExporter ? FILE_EXPORTS_IN_FLIGHT : 1,
      ready: resourceReady,
      ...(spillExporter && {
        spill: {
          exporter: spillExporter,
          onSpilled: (n: number) => {
            counters.spilled += n;
            recordsCounter?.add(n, {
              [ATTR_SECLOG_EXPORT_PATH]: name,
              [ATTR_SECLOG_EXPORT_RESULT]: SECLOG_EXPORT_RESULT_VALUE_SPILLED,
            });
          },
        },
      }),
      onExported: (n) => {
        counters.exported += n;
        recordsCounter?.add(n, {
          [ATTR_SECLOG_EXPORT_PATH]: name,
          [ATTR_SECLOG_EXPORT_RESULT]: SECLOG_EXPORT_RESULT_VALUE_EXPORTED,
        });
      },
      onDrop: (reason, n, cause) => {
        dropped[reason] += n;
        const why = cause === undefined ? reason : `${reason}: ${cause}`;
        const now = Date.now();
        const last = warnedAt.get(reason);
        if (last === undefined) {
          diag.warn(
            `@seclog/node: the ${name} export path dropped ${records(n)} (${why}); ${remedyFor(name, reason)}; stats() counts them`,
          );
          warnedAt.set(reason, now);
          sinceWarned.set(reason, 0);
        } else if (now - last >= DROP_REMINDER_MS) {
          const more = (sinceWarned.get(reason) ?? 0) + n;
          diag.warn(
            `@seclog/node: the ${name} export path dropped ${more} more ${more === 1 ? 'record' : 'records'} (${why}) in the last ${Math.round((now - last) / 1000)} s; ${dropped[reason]} in all`,
          );
          warnedAt.set(reason, now);
          sinceWarned.set(reason, 0);
        } else {
          sinceWarned.set(reason, (sinceWarned.get(reason) ?? 0) + n);
        }
        recordsCounter?.add(n, {
          [ATTR_SECLOG_EXPORT_PATH]: name,
          [ATTR_SECLOG_EXPORT_RESULT]: SECLOG_EXPORT_RESULT_VALUE_DROPPED,
          'error.type': reason,
        });
      },
    });
    paths.set(name, counters);
    return counters.processor;
  };

  // The file exporter's anchors and integrity violations go out as records through every export
  // path (the file too), once the provider exists; none after shutdown began.
  let emitChainRecord: (record: LogRecordLike, security: boolean) => void = () => undefined;
  let fileExporter: RotatingFileLogRecordExporter | undefined;

  // Exporters are built first: their constructors validate options and may throw at setup.
  const exportProcessors: LogRecordProcessor[] = [];
  if (enabled.console) {
    const consoleOptions = typeof opts.console === 'object' ? opts.console : {};
    const stream = consoleOptions.stream ?? process.stdout;
    const format = consoleOptions.format ?? (stream.isTTY === true ? 'pretty' : 'json');
    const consolePath = addPath('console', new ConsoleLineLogRecordExporter({ stream, format }));
    exportProcessors.push(bridges.length > 0 ? withoutBridgedRecords(consolePath) : consolePath);
  }
  if (enabled.file) {
    const fileOptions = typeof opts.file === 'object' ? opts.file : {};
    probeDirectory(fileOptions.directory ?? DEFAULT_LOG_DIRECTORY, fileOptions.dirMode ?? 0o700);
    const { onAnchor, onIntegrityViolation } = fileOptions;
    fileExporter = underOption(
      'file',
      () =>
        new RotatingFileLogRecordExporter({
          directory: DEFAULT_LOG_DIRECTORY,
          ...(opts.meterProvider && { meterProvider: opts.meterProvider }),
          ...fileOptions,
          onAnchor: (anchor) => {
            onAnchor?.(anchor);
            emitChainRecord(anchorRecord(anchor), false);
          },
          onIntegrityViolation: (violation) => {
            onIntegrityViolation?.(violation);
            emitChainRecord(integrityViolationRecord(violation), true);
          },
        }),
    );
    exportProcessors.push(addPath('file', fileExporter));
  }
  if (enabled.otlp) {
    checkOtlpEnv(env);
    const otlpOptions = typeof opts.otlp === 'object' ? opts.otlp : {};
    const { spillDirectory } = otlpOptions;
    const spill =
      spillDirectory === undefined
        ? undefined
        : underOption(
            'otlp',
            () => new RotatingFileLogRecordExporter({ directory: spillDirectory }),
            { directory: 'spillDirectory' },
          );
    exportProcessors.push(
      addPath(
        'otlp',
        underOption('otlp', () => createOtlpExporter(otlpOptions, env)),
        spill,
        'check that a Collector listens at the OTLP endpoint (otlp.url, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT)',
      ),
    );
  }

  for (const [name, exporter] of Object.entries(opts.exporters ?? {})) {
    exportProcessors.push(addPath(name, exporter));
  }

  const processors: LogRecordProcessor[] = [new RequestContextLogRecordProcessor()];
  if (bridges.length > 0) processors.push(new BridgedRecordLogRecordProcessor());
  // Detection reads the values as logged (redaction may replace a session id by a placeholder);
  // its alerts come back through the whole chain, redaction included.
  const detection =
    opts.detection === false
      ? undefined
      : underOption(
          'detection',
          () =>
            new DetectionLogRecordProcessor({
              ...(typeof opts.detection === 'object' ? opts.detection : {}),
              // Called at the first alert, once the provider exists.
              logger: () => alertLoggerOf(loggerProvider),
            }),
        );
  if (detection !== undefined) processors.push(detection);
  if (opts.redaction !== false) {
    processors.push(
      underOption('redaction', () => new RedactingLogRecordProcessor(redactionOptions)),
    );
  }
  processors.push(...exportProcessors);
  if (exportProcessors.length === 0) {
    diag.warn(
      '@seclog/node: no export path is on (console, file, otlp and exporters are all off); records are discarded',
    );
  }

  const loggerProvider = new LoggerProvider({
    resource,
    processors,
    ...(opts.meterProvider && { meterProvider: opts.meterProvider }),
  });
  const undoContextManager = ensureContextManager();
  const undoGlobal =
    opts.registerGlobal === false ? () => undefined : registerGlobalLoggerProvider(loggerProvider);
  // After the global registration: the bridges look their loggers up there.
  const undoBridges = installBridges({
    bridges,
    provider: loggerProvider,
    redactor: bridges.length === 0 ? undefined : redactor,
    fromRequirePreload: started === 'require-preload',
  });

  // After shutdown the SDK's loggers discard records before any processor sees them; our own
  // loggers go through this guard so those records are still counted (as dropped by shutdown).
  let isShutdown = false;
  const countShutdownDrop = (): void => {
    for (const p of paths.values()) p.onShutdownDrop();
  };
  const guarded = (logger: LoggerLike): LoggerLike => ({
    emit: (record) => (isShutdown ? countShutdownDrop() : logger.emit(record)),
    enabled: (o) => isShutdown || logger.enabled?.(o) !== false,
  });
  const security = new SecurityLogger({
    logger: guarded(loggerProvider.getLogger(SECURITY_SCOPE)),
  });
  const componentLoggers = new Map<string, ComponentLogger>();
  const chainLogger = loggerProvider.getLogger(CHAIN_SCOPE);
  const securityScopeLogger = loggerProvider.getLogger(SECURITY_SCOPE);
  let chainRecordsOpen = true;
  emitChainRecord = (record, isSecurityEvent) => {
    if (!chainRecordsOpen) return;
    try {
      // The black box's own records belong to no request, whichever one started the exporter.
      runWithoutRequestContext(() =>
        (isSecurityEvent ? securityScopeLogger : chainLogger).emit({
          ...record,
          context: ROOT_CONTEXT,
        }),
      );
    } catch (error) {
      reportError(error);
    }
  };

  // When the process is ending (shutdown, or the flush at beforeExit) and time is up, what is
  // left is written synchronously (files, console) or spilled or counted as dropped (OTLP), so
  // nothing is left to keep the process alive batch after batch.
  const lastWords = (reason: 'process_exit' | 'shutdown'): void => {
    // Alerts wait for a microtask, and none runs at exit: the last records' alerts go out first.
    if (reason === 'process_exit') void detection?.forceFlush();
    for (const p of paths.values()) p.processor.flushSync(reason);
    // The last position goes off the host too (the console and file paths write it at once), or
    // a process that ends without shutdown() would never anchor its last records.
    if (reason === 'process_exit') fileExporter?.anchorSync();
  };
  const bounded = (
    work: () => Promise<void>,
    what: string,
    onTimeout?: () => void,
  ): Promise<void> =>
    withTimeout(work, shutdownTimeoutMillis, {
      onTimeout: () => {
        globalErrorHandler(
          new Error(
            `@seclog/node: ${what} did not finish within ${shutdownTimeoutMillis} ms${describeUnfinished()}`,
          ),
        );
        try {
          onTimeout?.();
        } catch (error) {
          reportError(error);
        }
      },
      onError: reportError,
    });

  // Which paths a timed-out flush or shutdown is still waiting for, and what to do about them.
  const describeUnfinished = (): string => {
    const busy = [...paths]
      .map(([name, p]) => ({ name, n: p.processor.queued + p.processor.sending, p }))
      .filter(({ n }) => n > 0);
    if (busy.length === 0) return '';
    const parts = busy.map(
      ({ name, n }) =>
        `the ${name} export path still has ${records(n)}${remedies.has(name) ? `; ${remedies.get(name)}` : ''}`,
    );
    return `: ${parts.join('; ')}`;
  };

  let shutdownPromise: Promise<void> | undefined;
  const forceFlush = (): Promise<void> => bounded(() => loggerProvider.forceFlush(), 'forceFlush');
  const shutdown = (): Promise<void> => {
    // The exit hooks stay until the provider is shut down: an exit meanwhile still writes the rest.
    shutdownPromise ??= bounded(
      async () => {
        // Alerts of the last records go out while every export path still takes records (the
        // drain is synchronous, so records emitted after shutdown() are still counted as dropped).
        void detection?.forceFlush();
        isShutdown = true;
        if (fileExporter !== undefined) {
          // A last anchor while every export path still takes records: once what is queued is
          // written (all paths flush at once, as the shutdown below would), it covers all of it.
          await loggerProvider.forceFlush();
          await fileExporter.anchor();
        }
        // The seal at shutdown would anchor again, into paths already closing.
        chainRecordsOpen = false;
        await loggerProvider.shutdown();
        undoBridges();
        undoGlobal();
        undoContextManager();
      },
      'shutdown',
      () => lastWords('shutdown'),
    ).finally(() => {
      uninstallExitHooks();
      undoStderrFallback();
    });
    return shutdownPromise;
  };
  const anchorDue = (): boolean => fileExporter?.getStats().anchorDue === true;
  const hasPending = (): boolean =>
    anchorDue() || [...paths.values()].some((p) => p.processor.queued > 0);
  const uninstallExitHooks =
    opts.handleExit === false
      ? () => undefined
      : installExitHooks({
          shutdown,
          flush: forceFlush,
          exitFlush: () =>
            bounded(
              async () => {
                await loggerProvider.forceFlush();
                // An anchor of what was just written, while OTLP can still carry it; the anchor
                // record itself makes no anchor due, so beforeExit does not come back for it.
                if (anchorDue() && fileExporter !== undefined) {
                  await fileExporter.anchor();
                  await loggerProvider.forceFlush();
                }
              },
              'the flush at exit',
              () => lastWords('process_exit'),
            ),
          hasPending,
          lastWords: () => lastWords('process_exit'),
        });

  return {
    security,
    loggerProvider,
    getLogger(component: string): ComponentLogger {
      let logger = componentLoggers.get(component);
      if (logger === undefined) {
        logger = createComponentLoggerSafely(component, (name) =>
          guarded(loggerProvider.getLogger(name)),
        );
        componentLoggers.set(component, logger);
      }
      return logger;
    },
    stats(): Record<string, ExportPathStats> {
      const result: Record<string, ExportPathStats> = {};
      for (const [name, p] of paths) {
        result[name] = {
          exported: p.exported,
          spilled: p.spilled,
          dropped: { ...p.dropped },
          queued: p.processor.queued,
        };
      }
      return result;
    },
    detectionStats: () => detection?.getStats(),
    forceFlush,
    shutdown,
  };
}

const DROP_REMINDER_MS = 60_000;

/**
 * What a `--require` preload gets in Node's module hooks thread, which runs it a second time when
 * any `module.register()` hooks are in the process: the application never runs in that thread,
 * so a pipeline there would only open the log directory twice and start a second set of exit
 * hooks. Records the preload itself emits there are the second copy of ones the main thread logs.
 */
function inertSecurityLogging(): SecurityLogging {
  const loggerProvider = new LoggerProvider();
  const security = new SecurityLogger({ logger: loggerProvider.getLogger(SECURITY_SCOPE) });
  return {
    security,
    loggerProvider,
    getLogger: (component) =>
      createComponentLoggerSafely(component, (name) => loggerProvider.getLogger(name)),
    stats: () => ({}),
    detectionStats: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => loggerProvider.shutdown().catch(() => undefined),
  };
}

/** The logger detection emits its alerts through. */
function alertLoggerOf(provider: LoggerProvider): AlertLogger {
  const logger = provider.getLogger(DETECTION_SCOPE);
  // An alert belongs to no request, whichever one made the rule fire (its ids are attributes).
  return {
    emit: (record) => runWithoutRequestContext(() => logger.emit(record)),
    enabled: (o) => logger.enabled(o),
  };
}

/** A component name as the warning shows it; JSON.stringify throws on a BigInt or a cycle. */
function describeName(name: unknown): string {
  if (typeof name === 'string') return escapeForLine(JSON.stringify(name).slice(0, 80));
  return `<${name === null ? 'null' : typeof name}>`;
}

const records = (n: number): string => `${n} ${n === 1 ? 'record' : 'records'}`;

/** What a person can do about a drop, for the drop warning. */
function remedyFor(path: string, reason: DropReason): string {
  switch (reason) {
    case 'queue_full':
      return 'the exporter is failing (see its errors) or cannot keep up: fix what it reports, or raise batch.maxQueueSize';
    case 'export_timeout':
      return 'the exporter answered too late: check where it sends, or raise batch.exportTimeoutMillis';
    case 'shutdown':
      return 'records emitted after shutdown() are not exported';
    case 'process_exit':
      return 'the process ended before they were sent; set otlp.spillDirectory to keep such records in files';
    case 'export_failed':
      if (path === 'otlp')
        return 'check that a Collector listens at the OTLP endpoint (otlp.url, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT), or set otlp.spillDirectory to keep failed batches in files';
      if (path === 'file')
        return 'check the log directory (file.directory): it must be writable by this user, with room on its disk';
      return `check the ${path} exporter`;
  }
}

const FALLBACK_COMPONENT = 'invalid-component-name';

/**
 * `getLogger` must not throw into the application: an invalid component name is reported and
 * replaced by a fixed one, so the records are still logged.
 */
function createComponentLoggerSafely(
  component: string,
  loggerFor: (name: string) => LoggerLike,
): ComponentLogger {
  try {
    return createComponentLogger({ logger: loggerFor(component), component });
  } catch (error) {
    diag.warn(
      `@seclog/node: getLogger(${describeName(component)}) ${(error as Error).message}; logging as '${FALLBACK_COMPONENT}'`,
    );
    return createComponentLogger({
      logger: loggerFor(FALLBACK_COMPONENT),
      component: FALLBACK_COMPONENT,
    });
  }
}

function createOtlpExporter(options: OtlpOptions, env: NodeJS.ProcessEnv): LogRecordExporter {
  const config: Record<string, unknown> = {};
  if (options.url !== undefined) config.url = options.url;
  if (options.headers !== undefined) config.headers = { ...options.headers };
  if (options.compression !== undefined) config.compression = options.compression;
  if (options.timeoutMillis !== undefined) config.timeoutMillis = options.timeoutMillis;
  return resolveOtlpProtocol(options.protocol, env) === 'http/json'
    ? new OtlpJsonLogExporter(config)
    : new OtlpProtobufLogExporter(config);
}
