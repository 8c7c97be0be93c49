// @seclog/rotating-file-log-record-exporter/verify: the verifier of what the exporter writes, the
// sealing-state tools and seclog's line formats, in a module graph that loads no OpenTelemetry
// package, so `seclog verify`, `seclog keys` and `seclog tail` run without one installed.
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
export { escapeForLine, escapeJsonLine } from './internal/escape-for-line.js';
export { formatPrettyLine, jsonLine } from './internal/format-pretty-line.js';
export type { PrettyRecord } from './internal/format-pretty-line.js';
export type {
  ChainAnchor,
  VerifyAnchorsResult,
  VerifyIssue,
  VerifyIssueKind,
  VerifyOptions,
  VerifyResult,
} from './types.js';
