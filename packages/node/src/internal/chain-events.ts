// The records startSecurityLogging emits for the file exporter: its chain anchors
// (`seclog.chain.anchor`) and the integrity violations its start-up found
// (`seclog.log.integrity_violation`, OWASP AppSensor IE6).
import type { ChainAnchor, IntegrityViolation } from '@seclog/rotating-file-log-record-exporter';
import type { LogRecordLike } from '@seclog/security-logger';
import {
  ATTR_FILE_NAME,
  ATTR_SECLOG_CHAIN_ANCHOR_AT,
  ATTR_SECLOG_CHAIN_ANCHOR_EPOCH,
  ATTR_SECLOG_CHAIN_ANCHOR_HASH,
  ATTR_SECLOG_CHAIN_ANCHOR_HMAC,
  ATTR_SECLOG_CHAIN_ANCHOR_INDEX,
  ATTR_SECLOG_CHAIN_ANCHOR_KEY_ID,
  ATTR_SECLOG_CHAIN_ANCHOR_SEQ,
  ATTR_SECLOG_CHAIN_ANCHOR_SLOT,
  ATTR_SECLOG_DETAIL,
  ATTR_SECLOG_OUTCOME,
  ATTR_SECLOG_REASON,
  EVENT_SECLOG_CHAIN_ANCHOR,
  EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
  SECLOG_OUTCOME_VALUE_UNKNOWN,
  SEVERITY_NUMBER_BY_LEVEL,
} from '@seclog/semconv';

/** The `seclog.chain.anchor` record of `anchor` (INFO). */
export function anchorRecord(anchor: ChainAnchor): LogRecordLike {
  const attributes: Record<string, string | number> = {
    [ATTR_SECLOG_CHAIN_ANCHOR_SLOT]: anchor.slot,
    [ATTR_SECLOG_CHAIN_ANCHOR_INDEX]: anchor.index,
    [ATTR_SECLOG_CHAIN_ANCHOR_SEQ]: anchor.seq,
    [ATTR_SECLOG_CHAIN_ANCHOR_HASH]: anchor.hash,
    [ATTR_SECLOG_CHAIN_ANCHOR_AT]: anchor.at,
  };
  if (anchor.epoch !== undefined) attributes[ATTR_SECLOG_CHAIN_ANCHOR_EPOCH] = anchor.epoch;
  if (anchor.keyId !== undefined) attributes[ATTR_SECLOG_CHAIN_ANCHOR_KEY_ID] = anchor.keyId;
  if (anchor.hmac !== undefined) attributes[ATTR_SECLOG_CHAIN_ANCHOR_HMAC] = anchor.hmac;
  return {
    eventName: EVENT_SECLOG_CHAIN_ANCHOR,
    severityNumber: SEVERITY_NUMBER_BY_LEVEL.INFO,
    severityText: 'INFO',
    body: `Log chain anchor: slot ${anchor.slot} at sequence ${anchor.seq}`,
    attributes,
  };
}

/** The `seclog.log.integrity_violation` record of `v`, at the violation's level. */
export function integrityViolationRecord(v: IntegrityViolation): LogRecordLike {
  return {
    eventName: EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
    severityNumber: SEVERITY_NUMBER_BY_LEVEL[v.level],
    severityText: v.level,
    body: `Security log integrity violated: ${v.kind} in ${v.file}`,
    attributes: {
      [ATTR_FILE_NAME]: v.file,
      [ATTR_SECLOG_REASON]: v.kind,
      [ATTR_SECLOG_DETAIL]: v.detail,
      [ATTR_SECLOG_OUTCOME]: SECLOG_OUTCOME_VALUE_UNKNOWN,
    },
  };
}
