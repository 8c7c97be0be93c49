// The alert record of a rule that fired: one `seclog.alert` shape for every rule (names in
// @seclog/semconv), with the key as its own attributes and the ids an analyst pivots on.
import type { Context } from '@opentelemetry/api';
import {
  ATTR_SECLOG_ALERT_COUNT,
  ATTR_SECLOG_ALERT_FIRST_REQUEST_ID,
  ATTR_SECLOG_ALERT_FIRST_TRACE_ID,
  ATTR_SECLOG_ALERT_LAST_REQUEST_ID,
  ATTR_SECLOG_ALERT_LAST_TRACE_ID,
  ATTR_SECLOG_ALERT_RULE,
  ATTR_SECLOG_ALERT_WINDOW_MS,
  ATTR_SECLOG_OUTCOME,
  EVENT_SECLOG_ALERT,
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
