// @seclog/rotating-file-log-record-exporter: durable, rotating, tamper-evident OTLP/JSON file
// exporter for OpenTelemetry logs, and the verifier for what it writes.
export { RotatingFileLogRecordExporter } from './rotating-file-log-record-exporter.js';
// The verifier and the sealing-state tools, also reachable without OpenTelemetry through './verify'.
export {
  DEFAULT_EPOCH_MS,
  MAX_EPOCH_MS,
  MIN_EPOCH_MS,
  createSealingStates,
  epochKey,
  epochOf,
  epochStartMs,
  evolveTo,
  formatVerificationKey,
  readSealingStateFile,
  sealingStateFileName,
  verifyAnchors,
  verifyDirectory,
  writeSealingStateFile,
} from './verify.js';
export type { EpochParams, SealingState } from './verify.js';
export type {
  ChainAnchor,
  CounterLike,
  DropReason,
  FileFormat,
  FsyncPolicy,
  IntegrityViolation,
  IntegrityViolationKind,
  MeterLike,
  MeterProviderLike,
  RotatingFileExporterStats,
  RotatingFileLogRecordExporterOptions,
  VerifyAnchorsResult,
  VerifyIssue,
  VerifyIssueKind,
  VerifyOptions,
  VerifyResult,
} from './types.js';
