// The alert seclog's in-process detection emits (@seclog/detection): one event name for every rule,
// the rule and its evidence as attributes, so the Collector and a SIEM route and pivot on them.

/**
 * `seclog.alert`: a detection rule's threshold was reached in this process (a correlation of
 * security events, as a SIEM rule would make). Severity CRITICAL (18). Attributes:
 * {@link ATTR_SECLOG_ALERT_RULE}, the rule's group-by attributes with the key's values (`user.id`,
 * `client.address`, `session.id`, ...), {@link ATTR_SECLOG_ALERT_COUNT},
 * {@link ATTR_SECLOG_ALERT_WINDOW_MS}, the first and last contributing trace and request ids when
 * the records had them, and `seclog.outcome` `unknown`. One name for all rules: the event's shape
 * is the same whatever the rule; the rule is data (as OCSF's Detection Finding keeps it).
 */
export const EVENT_SECLOG_ALERT = 'seclog.alert' as const;

/** `seclog.alert.rule`: id of the detection rule that fired (`ae2_login_failures_per_user`, ...). */
export const ATTR_SECLOG_ALERT_RULE = 'seclog.alert.rule' as const;
/** `seclog.alert.count`: events (or distinct values, for a value-count rule) the alert is based on (int). */
export const ATTR_SECLOG_ALERT_COUNT = 'seclog.alert.count' as const;
/** `seclog.alert.window_ms`: the rule's sliding window, in milliseconds (int). */
export const ATTR_SECLOG_ALERT_WINDOW_MS = 'seclog.alert.window_ms' as const;
/** `seclog.alert.first_trace_id`: trace id of the first contributing record in the window (32 hex). */
export const ATTR_SECLOG_ALERT_FIRST_TRACE_ID = 'seclog.alert.first_trace_id' as const;
/** `seclog.alert.last_trace_id`: trace id of the record that made the rule fire (32 hex). */
export const ATTR_SECLOG_ALERT_LAST_TRACE_ID = 'seclog.alert.last_trace_id' as const;
/** `seclog.alert.first_request_id`: `seclog.request.id` of the first contributing record. */
export const ATTR_SECLOG_ALERT_FIRST_REQUEST_ID = 'seclog.alert.first_request_id' as const;
/** `seclog.alert.last_request_id`: `seclog.request.id` of the record that made the rule fire. */
export const ATTR_SECLOG_ALERT_LAST_REQUEST_ID = 'seclog.alert.last_request_id' as const;
/**
 * `seclog.alert.forged_key`: the group-by attributes (comma-separated, e.g. `user.id`) whose value
 * was logged already in the shape of a pseudonym (`hmac:<keyId>:...`). The alert shows such a value
 * as `forged:<value>`, so that redaction pseudonymizes it afresh instead of passing it on as the
 * pseudonym of whoever the attacker copied it from.
 */
export const ATTR_SECLOG_ALERT_FORGED_KEY = 'seclog.alert.forged_key' as const;
