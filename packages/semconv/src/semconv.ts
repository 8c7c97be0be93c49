// Development-stability OTel attribute keys, copied here rather than imported from
// '@opentelemetry/semantic-conventions/incubating', whose exports may break in minor releases.

/** `user.id`: unique identifier of the acting user (development). May be PII. */
export const ATTR_USER_ID = 'user.id' as const;

/** `user.name`: short name or login of the acting user (development). May be PII. */
export const ATTR_USER_NAME = 'user.name' as const;

/** `user.roles`: the acting user's roles at the time of the event, a string array (development). */
export const ATTR_USER_ROLES = 'user.roles' as const;

/** `session.id`: the session identifier (development). Hash it before logging (OWASP). */
export const ATTR_SESSION_ID = 'session.id' as const;

/** `file.name`: name of the file, without its directory (development). */
export const ATTR_FILE_NAME = 'file.name' as const;

/** `process.pid`: the process id (development); belongs on the Resource. */
export const ATTR_PROCESS_PID = 'process.pid' as const;

/** `thread.id`: the current thread's id (development); seclog sets it only inside worker threads. */
export const ATTR_THREAD_ID = 'thread.id' as const;

/** `security_rule.uuid`: id of the detection rule that fired (development); seclog puts OWASP `ruleid` here. */
export const ATTR_SECURITY_RULE_UUID = 'security_rule.uuid' as const;

/**
 * `otel.event.name`: the event name as an attribute, for non-OTLP sinks with no EventName field.
 * Stable since semconv 1.41, copied so that the `^1.37.0` dependency range keeps working.
 */
export const ATTR_OTEL_EVENT_NAME = 'otel.event.name' as const;
