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

/**
 * `seclog.alert.suppressed`: a rule reached its cap of alerts for one window (`maxAlertsPerWindow`
 * of @seclog/detection) and the alerts past it were not emitted; one record per rule and window,
 * when the window closes (or at flush and shutdown), instead of one per key, so an attacker who
 * makes thousands of keys cross a threshold cannot flood the alert route. Severity CRITICAL (18).
 * Attributes: {@link ATTR_SECLOG_ALERT_RULE}, {@link ATTR_SECLOG_ALERT_SUPPRESSED_COUNT},
 * {@link ATTR_SECLOG_ALERT_MAX_ALERTS}, {@link ATTR_SECLOG_ALERT_WINDOW_MS}, `seclog.outcome` `unknown`.
 */
export const EVENT_SECLOG_ALERT_SUPPRESSED = 'seclog.alert.suppressed' as const;
/** `seclog.alert.suppressed_count`: alerts of the rule not emitted past its cap (int). */
export const ATTR_SECLOG_ALERT_SUPPRESSED_COUNT = 'seclog.alert.suppressed_count' as const;
/** `seclog.alert.max_alerts`: the cap of alerts per rule and window that was reached (int). */
export const ATTR_SECLOG_ALERT_MAX_ALERTS = 'seclog.alert.max_alerts' as const;

/**
 * `seclog.alert.detection_saturated`: a table of keys was full and dropped keys whose windows were
 * still open, so the rules grouping by its attributes lost state and may miss an attack on those
 * keys (a flood of attacker-chosen user names or addresses pushing a victim's counter out). At most
 * one record per table and window (the longest window of its rules), counting every key lost since
 * the previous one. Severity CRITICAL (18): detection on these keys went blind. Attributes:
 * {@link ATTR_SECLOG_ALERT_GROUP_BY}, {@link ATTR_SECLOG_ALERT_RULES},
 * {@link ATTR_SECLOG_ALERT_EVICTED_KEYS}, {@link ATTR_SECLOG_ALERT_MAX_KEYS},
 * {@link ATTR_SECLOG_ALERT_WINDOW_MS}, `seclog.outcome` `unknown`.
 */
export const EVENT_SECLOG_ALERT_DETECTION_SATURATED = 'seclog.alert.detection_saturated' as const;
/** `seclog.alert.group_by`: the group-by attribute keys of the saturated table (comma-separated). */
export const ATTR_SECLOG_ALERT_GROUP_BY = 'seclog.alert.group_by' as const;
/** `seclog.alert.rules`: ids of the rules that lost state (comma-separated). */
export const ATTR_SECLOG_ALERT_RULES = 'seclog.alert.rules' as const;
/** `seclog.alert.evicted_keys`: keys dropped with a window still open since the previous record (int). */
export const ATTR_SECLOG_ALERT_EVICTED_KEYS = 'seclog.alert.evicted_keys' as const;
/** `seclog.alert.max_keys`: the table's cap of keys (`maxKeys`) (int). */
export const ATTR_SECLOG_ALERT_MAX_KEYS = 'seclog.alert.max_keys' as const;
