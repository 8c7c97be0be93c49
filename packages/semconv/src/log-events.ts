// seclog's own events, outside the OWASP vocabulary: the anchor a file exporter sends off the
// host, the violation of log integrity its start-up finds, and a custom event whose name was refused.

/**
 * `seclog.chain.anchor`: where a writer slot's hash chain stood (`seclog.chain.anchor.slot`,
 * `.index`, `.seq`, `.hash`, `.at`, and `.epoch`, `.key_id`, `.hmac` when present), emitted
 * through every export path so that a copy lives off the host. `seclog verify --anchors` checks a
 * directory against these records; that is what catches a rollback. Severity INFO (9).
 */
export const EVENT_SECLOG_CHAIN_ANCHOR = 'seclog.chain.anchor' as const;

/**
 * `seclog.log.integrity_violation`: OWASP AppSensor IE6 (violation of security log integrity),
 * found by the file exporter when it starts on a directory. The OWASP vocabulary has no event for
 * it. Attributes: `file.name`, `seclog.reason` (one of {@link LOG_INTEGRITY_VIOLATION_KINDS}),
 * `seclog.detail`, `seclog.outcome` `unknown`. Severity by kind: `torn-line` INFO (9), what a
 * crash leaves; `missing-seal` and `missing-head` WARN (13), which a crash or an upgrade can
 * explain but an intruder can cause; `truncated`, `bad-signature` and `oversized-file` (a file
 * larger than the writer makes, or with holes) CRITICAL (18), which no crash causes.
 */
export const EVENT_SECLOG_LOG_INTEGRITY_VIOLATION = 'seclog.log.integrity_violation' as const;

/**
 * `seclog.invalid_custom_event`: what a custom security event is emitted as when its name breaks
 * the naming rules, is in the `seclog.` namespace or is a vocabulary token; the rejected name
 * (escaped, truncated) goes in `seclog.event.rejected_name`. Level and outcome are the caller's.
 */
export const EVENT_SECLOG_INVALID_CUSTOM_EVENT = 'seclog.invalid_custom_event' as const;

/** The kinds of {@link EVENT_SECLOG_LOG_INTEGRITY_VIOLATION}, as `seclog.reason`, with their level. */
export const LOG_INTEGRITY_VIOLATION_KINDS = Object.freeze({
  'torn-line': 'INFO',
  'missing-seal': 'WARN',
  'missing-head': 'WARN',
  truncated: 'CRITICAL',
  'bad-signature': 'CRITICAL',
  'oversized-file': 'CRITICAL',
} as const);

/** A kind of log integrity violation. */
export type LogIntegrityViolationKind = keyof typeof LOG_INTEGRITY_VIOLATION_KINDS;
