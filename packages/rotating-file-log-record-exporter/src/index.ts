// @seclog/rotating-file-log-record-exporter: durable, rotating, tamper-evident OTLP/JSON file
// exporter for OpenTelemetry logs, and the verifier for what it writes.
export { RotatingFileLogRecordExporter } from './rotating-file-log-record-exporter.js';
export { verifyAnchors } from './verify-anchors.js';
export { verifyDirectory } from './verify-directory.js';
export {
  DEFAULT_EPOCH_MS,
  MAX_EPOCH_MS,
  MIN_EPOCH_MS,
  createSealingStates,
  epochKey,
  epochOf,
  epochStartMs,
  evolveTo,
  readSealingStateFile,
  sealingStateFileName,
  writeSealingStateFile,
} from './internal/forward-secure-key.js';
export type { EpochParams, SealingState } from './internal/forward-secure-key.js';
export { formatVerificationKey } from './internal/verify-epochs.js';
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
