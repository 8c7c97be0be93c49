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
// The request context middleware, so a service needs only this package.
export { expressRequestContext, fastifyRequestContext, withRequestContext } from '@seclog/http';
export type { RequestContextOptions } from '@seclog/http';
export { runWithRequestContext } from '@seclog/security-logger';
