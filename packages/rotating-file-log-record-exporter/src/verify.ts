// @seclog/rotating-file-log-record-exporter/verify: the verifier of what the exporter writes and the
// sealing-state tools, in a module graph that loads no OpenTelemetry package, so `seclog verify`
// and `seclog keys` run without one installed.
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
  VerifyAnchorsResult,
  VerifyIssue,
  VerifyIssueKind,
  VerifyOptions,
  VerifyResult,
} from './types.js';
