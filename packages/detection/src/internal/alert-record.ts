// The alert record of a rule that fired: one `seclog.alert` shape for every rule (names in
// @seclog/semconv), with the key as its own attributes and the ids an analyst pivots on.
import type { Context } from '@opentelemetry/api';
import {
  ATTR_SECLOG_ALERT_COUNT,
  ATTR_SECLOG_ALERT_EVICTED_KEYS,
  ATTR_SECLOG_ALERT_GROUP_BY,
  ATTR_SECLOG_ALERT_MAX_ALERTS,
  ATTR_SECLOG_ALERT_MAX_KEYS,
  ATTR_SECLOG_ALERT_RULES,
  ATTR_SECLOG_ALERT_SUPPRESSED_COUNT,
  ATTR_SECLOG_ALERT_FIRST_REQUEST_ID,
  ATTR_SECLOG_ALERT_FIRST_TRACE_ID,
  ATTR_SECLOG_ALERT_LAST_REQUEST_ID,
  ATTR_SECLOG_ALERT_LAST_TRACE_ID,
  ATTR_SECLOG_ALERT_RULE,
  ATTR_SECLOG_ALERT_WINDOW_MS,
  ATTR_SECLOG_OUTCOME,
  EVENT_SECLOG_ALERT,
  EVENT_SECLOG_ALERT_DETECTION_SATURATED,
  EVENT_SECLOG_ALERT_SUPPRESSED,
  SECLOG_OUTCOME_VALUE_UNKNOWN,
  SEVERITY_NUMBER_BY_LEVEL,
} from '@seclog/semconv';
import type { AlertLogRecord, DetectionRule } from '../types.js';
import type { Firing } from './rule-state.js';

const COUNTED: Record<DetectionRule['kind'], string> = {
  event_count: 'matching records',
  value_count: 'distinct values',
  sequence: 'records before the closing one',
};

/** The alert record for `rule` firing on the key whose attributes are `key`. */
export function alertRecord(
  rule: DetectionRule,
  key: Record<string, string | number>,
  firing: Firing,
  context: Context,
): AlertLogRecord {
  const attributes: Record<string, string | number> = {
    [ATTR_SECLOG_ALERT_RULE]: rule.id,
    ...key,
    [ATTR_SECLOG_ALERT_COUNT]: firing.count,
    [ATTR_SECLOG_ALERT_WINDOW_MS]: rule.windowMillis,
    [ATTR_SECLOG_OUTCOME]: SECLOG_OUTCOME_VALUE_UNKNOWN,
  };
  if (firing.first.traceId !== undefined)
    attributes[ATTR_SECLOG_ALERT_FIRST_TRACE_ID] = firing.first.traceId;
  if (firing.last.traceId !== undefined)
    attributes[ATTR_SECLOG_ALERT_LAST_TRACE_ID] = firing.last.traceId;
  if (firing.first.requestId !== undefined)
    attributes[ATTR_SECLOG_ALERT_FIRST_REQUEST_ID] = firing.first.requestId;
  if (firing.last.requestId !== undefined)
    attributes[ATTR_SECLOG_ALERT_LAST_REQUEST_ID] = firing.last.requestId;
  // The key's values stay out of the body: attributes are what redaction classifies by name.
  const what =
    rule.kind === 'value_count' ? `${COUNTED.value_count} of ${rule.field}` : COUNTED[rule.kind];
  return {
    eventName: EVENT_SECLOG_ALERT,
    severityNumber: SEVERITY_NUMBER_BY_LEVEL.CRITICAL,
    severityText: 'CRITICAL',
    body: `Detection rule ${rule.id} fired: ${firing.count} ${what} for one ${rule.groupBy.join(' + ')} within ${Math.round(rule.windowMillis / 1000)} s`,
    attributes,
    context,
  };
}

/** The one record that stands for the alerts of `rule` not emitted past its cap in a window. */
export function suppressedRecord(
  rule: DetectionRule,
  count: number,
  maxAlerts: number,
  context: Context,
): AlertLogRecord {
  return {
    eventName: EVENT_SECLOG_ALERT_SUPPRESSED,
    severityNumber: SEVERITY_NUMBER_BY_LEVEL.CRITICAL,
    severityText: 'CRITICAL',
    body: `Detection rule ${rule.id} reached its cap of ${maxAlerts} alerts within ${Math.round(rule.windowMillis / 1000)} s: ${count} more not emitted`,
    attributes: {
      [ATTR_SECLOG_ALERT_RULE]: rule.id,
      [ATTR_SECLOG_ALERT_SUPPRESSED_COUNT]: count,
      [ATTR_SECLOG_ALERT_MAX_ALERTS]: maxAlerts,
      [ATTR_SECLOG_ALERT_WINDOW_MS]: rule.windowMillis,
      [ATTR_SECLOG_OUTCOME]: SECLOG_OUTCOME_VALUE_UNKNOWN,
    },
    context,
  };
}

/** The record saying that a full key table dropped live state: detection on its keys went blind. */
export function saturatedRecord(
  groupBy: readonly string[],
  rules: readonly string[],
  evicted: number,
  maxKeys: number,
  windowMillis: number,
  context: Context,
): AlertLogRecord {
  return {
    eventName: EVENT_SECLOG_ALERT_DETECTION_SATURATED,
    severityNumber: SEVERITY_NUMBER_BY_LEVEL.CRITICAL,
    severityText: 'CRITICAL',
    body: `Detection saturated: ${evicted} keys of ${groupBy.join(' + ')} dropped with their windows open (more than ${maxKeys} tracked); rules ${rules.join(', ')} may miss attacks on them`,
    attributes: {
      [ATTR_SECLOG_ALERT_GROUP_BY]: groupBy.join(','),
      [ATTR_SECLOG_ALERT_RULES]: rules.join(','),
      [ATTR_SECLOG_ALERT_EVICTED_KEYS]: evicted,
      [ATTR_SECLOG_ALERT_MAX_KEYS]: maxKeys,
      [ATTR_SECLOG_ALERT_WINDOW_MS]: windowMillis,
      [ATTR_SECLOG_OUTCOME]: SECLOG_OUTCOME_VALUE_UNKNOWN,
    },
    context,
  };
}
