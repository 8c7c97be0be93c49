// Public types of @seclog/node: the options of startSecurityLogging and what it returns.
import type { MeterProvider } from '@opentelemetry/api';
import type { LogRecordExporter, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { ComponentLogger, SecurityLogger } from '@seclog/security-logger';
import type { DetectionOptions, DetectionStats } from '@seclog/detection';
import type { RedactingLogRecordProcessorOptions } from '@seclog/redacting-log-record-processor';
import type { RotatingFileLogRecordExporterOptions } from '@seclog/rotating-file-log-record-exporter';

/** Why a record was not delivered to an exporter. */
export type DropReason =
  | 'queue_full'
  | 'export_failed'
  | 'export_timeout'
  | 'shutdown'
  /**
   * The process ended with the records queued or in flight on a path that cannot write
   * synchronously (OTLP without `spillDirectory`); for in-flight ones, delivery is unknown.
   */
  | 'process_exit';

/** Options of the console exporter. */
export interface ConsoleOptions {
  /**
   * `pretty`: one aligned, colourless, human line per record; `json`: one JSON object per line.
   * Default: `pretty` when the stream is a TTY, else `json`.
   */
  readonly format?: 'pretty' | 'json';
  /** Where lines go. Default: `process.stdout`. */
  readonly stream?: { write(chunk: string): unknown; readonly isTTY?: boolean };
}

/**
 * OTLP/HTTP export options. Unset fields come from the `OTEL_EXPORTER_OTLP_LOGS_*` and
 * `OTEL_EXPORTER_OTLP_*` environment variables, then the OTel defaults.
 */
export interface OtlpOptions {
  /** Full logs URL, e.g. `http://collector:4318/v1/logs`. */
  readonly url?: string;
  /** `http/json` or `http/protobuf` (default: `OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL`, else `http/protobuf`). */
  readonly protocol?: 'http/json' | 'http/protobuf';
  readonly headers?: Readonly<Record<string, string>>;
  /** `gzip` or `none` (default: `OTEL_EXPORTER_OTLP_[LOGS_]COMPRESSION`, else `none`). */
  readonly compression?: 'gzip' | 'none';
  /** Per-request timeout. Default: 10000 ms. */
  readonly timeoutMillis?: number;
  /**
   * Directory of a rotating file exporter that receives every batch OTLP fails to deliver (after
   * the exporter's own retries), so a Collector outage loses nothing; the agent config's
   * `otlp_json_file` receiver can pick these files up. Delivery becomes at-least-once: a batch that
   * timed out may also have reached the Collector. Default: off (failed batches are counted as dropped).
   */
  readonly spillDirectory?: string;
}

/** Queueing and batching of every export path; defaults suit a 200k-record burst. */
export interface BatchOptions {
  /**
   * Records held while exporters catch up; beyond it records are dropped and counted.
   * Default: `OTEL_BLRP_MAX_QUEUE_SIZE`, else 262144.
   */
  readonly maxQueueSize?: number;
  /** Default: `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`, else 1024. */
  readonly maxExportBatchSize?: number;
  /** Default: `OTEL_BLRP_SCHEDULE_DELAY`, else 200 ms. */
  readonly scheduledDelayMillis?: number;
  /** Default: `OTEL_BLRP_EXPORT_TIMEOUT`, else 30000 ms. */
  readonly exportTimeoutMillis?: number;
}

/** Options of {@link startSecurityLogging}. Each exporter or processor key takes `false` to turn it off. */
export interface StartSecurityLoggingOptions {
  /** `service.name`. Default: `OTEL_SERVICE_NAME`, else `service.name` of `OTEL_RESOURCE_ATTRIBUTES`, else the SDK default. */
  readonly serviceName?: string;
  /** `service.version`. */
  readonly serviceVersion?: string;
  /** Extra resource attributes; they win over `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  /** Console exporter. Default: on, unless `OTEL_LOGS_EXPORTER` leaves it out. */
  readonly console?: ConsoleOptions | boolean;
  /**
   * Rotating, tamper-evident local files. Default: on in `./logs`, unless `OTEL_LOGS_EXPORTER`
   * leaves it out.
   */
  readonly file?: Partial<RotatingFileLogRecordExporterOptions> | boolean;
  /**
   * OTLP/HTTP export. Default: on when `OTEL_LOGS_EXPORTER` names `otlp` or an
   * `OTEL_EXPORTER_OTLP_[LOGS_]ENDPOINT` is set.
   */
  readonly otlp?: OtlpOptions | boolean;
  /**
   * More exporters, by name, each behind its own queueing export path with the same no-silent-drop
   * guarantees and counters as the built-in ones (names must not be console, file or otlp).
   */
  readonly exporters?: Readonly<Record<string, LogRecordExporter>>;
  /** In-process redaction ahead of every exporter. Default: on with the built-in rules. */
  readonly redaction?: RedactingLogRecordProcessorOptions | boolean;
  /**
   * In-process detection ahead of redaction: the built-in rules (docs/detection.md) count security
   * events per user, address and session in sliding windows and emit a `seclog.alert` record
   * (CRITICAL) through every export path when one fires. Default: on with the built-in rules.
   */
  readonly detection?: DetectionOptions | boolean;
  /** Queueing of every export path. */
  readonly batch?: BatchOptions;
  /**
   * Flush on SIGTERM/SIGINT (then re-raise the signal when nobody else handles it) and on
   * `beforeExit`. Default: true.
   */
  readonly handleExit?: boolean;
  /**
   * Self-telemetry: when given, every export path reports `seclog.export.records` (attribute
   * `seclog.export.path`, `seclog.export.result` = `exported` | `spilled` | `dropped`, and
   * `error.type` = the drop reason), the file exporter its own metrics, and the SDK its
   * `otel.sdk.log.*` metrics. Default: none (counters stay readable through `stats()`).
   */
  readonly meterProvider?: MeterProvider;
  /** Upper bound for flushing on exit and in `shutdown()`. Default: 5000 ms. */
  readonly shutdownTimeoutMillis?: number;
  /** Register the provider as the global LoggerProvider of every installed logs API. Default: true. */
  readonly registerGlobal?: boolean;
  /**
   * Loggers whose records also go through this pipeline (request context, redaction, files,
   * OTLP; not the console, where the application prints them already): `pino` needs
   * `@opentelemetry/instrumentation-pino`, `winston` needs `@opentelemetry/instrumentation-winston`
   * and `@opentelemetry/winston-transport`. Reaches loggers created after startSecurityLogging.
   * Default: none (see docs/bridges.md for why).
   */
  readonly bridges?: readonly ('pino' | 'winston')[];
}

/** Delivery counters of one export path. */
export interface ExportPathStats {
  readonly exported: number;
  /** Records the path failed to export but wrote to its spill files instead. */
  readonly spilled: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly queued: number;
}

/** What {@link startSecurityLogging} returns. */
export interface SecurityLogging {
  /** Typed security events: `security.authn.loginFail({ userId, reason })`. */
  readonly security: SecurityLogger;
  /** A named application logger for one component (there is no root logger). */
  getLogger(component: string): ComponentLogger;
  /** The SDK provider, for bridges and custom loggers. */
  readonly loggerProvider: LoggerProvider;
  /**
   * Delivery counters per export path (`console`, `file`, `otlp`, extra exporters): every record
   * that reaches the pipeline, and every record `security`/`getLogger()` receive after shutdown, is
   * exported, spilled or counted as dropped with its reason. A batch an exporter fails is counted
   * whole (at least once: part of it may have been written).
   */
  stats(): Readonly<Record<string, ExportPathStats>>;
  /** Detection counters (alerts, tracked and evicted keys per rule); `undefined` with `detection: false`. */
  detectionStats(): DetectionStats | undefined;
  /** Exports everything queued; bounded by `shutdownTimeoutMillis`. Never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes and releases everything; idempotent; bounded by `shutdownTimeoutMillis`. Never rejects. */
  shutdown(): Promise<void>;
}
