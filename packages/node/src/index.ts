// @seclog/node: one-call security logging setup for Node.js on OpenTelemetry.
export { DEFAULT_LOG_DIRECTORY, startSecurityLogging } from './start-security-logging.js';
export type {
  BatchOptions,
  ConsoleOptions,
  DropReason,
  ExportPathStats,
  OtlpOptions,
  SecurityLogging,
  StartSecurityLoggingOptions,
} from './types.js';
