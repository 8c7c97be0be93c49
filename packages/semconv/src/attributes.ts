// Attribute keys seclog emits: stable OTel keys re-exported, development ones from ./semconv.ts,
// and seclog's own `seclog.*` keys for what OTel has no attribute for (OWASP parameters, outcome).
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_LINE_NUMBER,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_FILE_NAME,
  ATTR_OTEL_EVENT_NAME,
  ATTR_PROCESS_PID,
  ATTR_SECURITY_RULE_UUID,
  ATTR_SESSION_ID,
  ATTR_THREAD_ID,
  ATTR_USER_ID,
  ATTR_USER_NAME,
  ATTR_USER_ROLES,
} from './semconv.js';
import {
  ATTR_SECLOG_ALERT_COUNT,
  ATTR_SECLOG_ALERT_EVICTED_KEYS,
  ATTR_SECLOG_ALERT_FIRST_REQUEST_ID,
  ATTR_SECLOG_ALERT_FIRST_TRACE_ID,
  ATTR_SECLOG_ALERT_FORGED_KEY,
  ATTR_SECLOG_ALERT_GROUP_BY,
  ATTR_SECLOG_ALERT_LAST_REQUEST_ID,
  ATTR_SECLOG_ALERT_LAST_TRACE_ID,
  ATTR_SECLOG_ALERT_MAX_ALERTS,
  ATTR_SECLOG_ALERT_MAX_KEYS,
  ATTR_SECLOG_ALERT_RULE,
  ATTR_SECLOG_ALERT_RULES,
  ATTR_SECLOG_ALERT_SUPPRESSED_COUNT,
  ATTR_SECLOG_ALERT_WINDOW_MS,
} from './alert-events.js';

export {
  ATTR_CLIENT_ADDRESS,
  ATTR_CLIENT_PORT,
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_LINE_NUMBER,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

/** The namespace of every attribute seclog defines itself. */
export const SECLOG_ATTRIBUTE_PREFIX = 'seclog.' as const;

/** `seclog.outcome`: `success`, `failure` or `unknown`, from the producer's point of view (ECS `event.outcome`). */
export const ATTR_SECLOG_OUTCOME = 'seclog.outcome' as const;
/** Value of {@link ATTR_SECLOG_OUTCOME}: the action succeeded. */
export const SECLOG_OUTCOME_VALUE_SUCCESS = 'success' as const;
/** Value of {@link ATTR_SECLOG_OUTCOME}: the action failed. */
export const SECLOG_OUTCOME_VALUE_FAILURE = 'failure' as const;
/** Value of {@link ATTR_SECLOG_OUTCOME}: no outcome applies (detections, informational events). */
export const SECLOG_OUTCOME_VALUE_UNKNOWN = 'unknown' as const;

/** `seclog.request.id`: the validated id of the request the record was emitted in. */
export const ATTR_SECLOG_REQUEST_ID = 'seclog.request.id' as const;
/**
 * `seclog.request.id_rejected`: `true` when the request came with an id that failed validation and
 * was replaced by a fresh one (boolean). The rejected value is never kept: it is attacker input.
 */
export const ATTR_SECLOG_REQUEST_ID_REJECTED = 'seclog.request.id_rejected' as const;
/** `seclog.component`: the application component that emitted the record (its logger name). */
export const ATTR_SECLOG_COMPONENT = 'seclog.component' as const;
/** `seclog.reason`: why the event happened, a short low-cardinality code (`maxretries`, `timeout`, ...). */
export const ATTR_SECLOG_REASON = 'seclog.reason' as const;
/** `seclog.retries`: number of failed attempts before this one (int). */
export const ATTR_SECLOG_RETRIES = 'seclog.retries' as const;
/** `seclog.limit`: the limit that was reached (int): OWASP `maxlimit` / `max`. */
export const ATTR_SECLOG_LIMIT = 'seclog.limit' as const;
/** `seclog.geo.from_region`: region of the previous activity (impossible travel). */
export const ATTR_SECLOG_GEO_FROM_REGION = 'seclog.geo.from_region' as const;
/** `seclog.geo.to_region`: region of the current activity (impossible travel). */
export const ATTR_SECLOG_GEO_TO_REGION = 'seclog.geo.to_region' as const;
/** `seclog.entitlements`: entitlements granted to a token (string[]). */
export const ATTR_SECLOG_ENTITLEMENTS = 'seclog.entitlements' as const;
/** `seclog.token.id`: id of an access token; hash it unless it is a public identifier. */
export const ATTR_SECLOG_TOKEN_ID = 'seclog.token.id' as const;
/** `seclog.app.id`: id of the application whose token was deleted. */
export const ATTR_SECLOG_APP_ID = 'seclog.app.id' as const;
/** `seclog.resource`: the resource an access was attempted on (path, URN, ...). */
export const ATTR_SECLOG_RESOURCE = 'seclog.resource' as const;
/** `seclog.change.from`: value before a change (entitlement, privilege level, setting value). */
export const ATTR_SECLOG_CHANGE_FROM = 'seclog.change.from' as const;
/** `seclog.change.to`: value after a change (entitlement, privilege level, setting value). */
export const ATTR_SECLOG_CHANGE_TO = 'seclog.change.to' as const;
/** `seclog.action`: the activity a privileged user performed (OWASP `authz_admin` "event"). */
export const ATTR_SECLOG_ACTION = 'seclog.action' as const;
/** `seclog.file.type`: the declared or detected type of an uploaded file. */
export const ATTR_SECLOG_FILE_TYPE = 'seclog.file.type' as const;
/** `seclog.file.id`: id of a stored file. */
export const ATTR_SECLOG_FILE_ID = 'seclog.file.id' as const;
/** `seclog.file.stored_name`: the name or key an upload was stored under. */
export const ATTR_SECLOG_FILE_STORED_NAME = 'seclog.file.stored_name' as const;
/** `seclog.validation.validator`: the validator that checked an upload (`virusscan`, `imagemagick`, ...). */
export const ATTR_SECLOG_VALIDATION_VALIDATOR = 'seclog.validation.validator' as const;
/** `seclog.validation.result`: the validator's verdict (`passed`, `incomplete`, `FAILED`). */
export const ATTR_SECLOG_VALIDATION_RESULT = 'seclog.validation.result' as const;
/** `seclog.input.fields`: names of the input fields that failed validation (string[]); never their values. */
export const ATTR_SECLOG_INPUT_FIELDS = 'seclog.input.fields' as const;
/** `seclog.input.field`: name of the field whose value was outside its allowed options. */
export const ATTR_SECLOG_INPUT_FIELD = 'seclog.input.field' as const;
/** `seclog.input.name`: name of an unexpected (extraneous) input. */
export const ATTR_SECLOG_INPUT_NAME = 'seclog.input.name' as const;
/** `seclog.input.parameter`: name of the parameter an injection was found in; never the payload. */
export const ATTR_SECLOG_INPUT_PARAMETER = 'seclog.input.parameter' as const;
/** `seclog.tool.name`: name of a detected attack tool. */
export const ATTR_SECLOG_TOOL_NAME = 'seclog.tool.name' as const;
/** `seclog.csp.effective_directive`: the CSP directive that was violated. */
export const ATTR_SECLOG_CSP_EFFECTIVE_DIRECTIVE = 'seclog.csp.effective_directive' as const;
/** `seclog.csp.blocked_uri`: the blocked URI of a CSP report; strip query and fragment first. */
export const ATTR_SECLOG_CSP_BLOCKED_URI = 'seclog.csp.blocked_uri' as const;
/** `seclog.object`: the file or object a sensitive-data or permission event concerns. */
export const ATTR_SECLOG_OBJECT = 'seclog.object' as const;
/** `seclog.monitor`: name of the monitor that was enabled or disabled. */
export const ATTR_SECLOG_MONITOR = 'seclog.monitor' as const;
/** `seclog.target_user.id`: the user acted upon (OWASP `newuserid` / `onuserid`), as ECS `user.target.id`. */
export const ATTR_SECLOG_TARGET_USER_ID = 'seclog.target_user.id' as const;
/** `seclog.changed_attributes`: names of the user attributes that were set or changed (string[]); never their values. */
export const ATTR_SECLOG_CHANGED_ATTRIBUTES = 'seclog.changed_attributes' as const;
/** `seclog.config.setting`: name of the configuration setting that changed. */
export const ATTR_SECLOG_CONFIG_SETTING = 'seclog.config.setting' as const;
/** `seclog.event.rejected_name`: a custom event name that failed validation (escaped, truncated). */
export const ATTR_SECLOG_EVENT_REJECTED_NAME = 'seclog.event.rejected_name' as const;

/** `seclog.detail`: a human-readable explanation of what was found (escaped, never app input). */
export const ATTR_SECLOG_DETAIL = 'seclog.detail' as const;

/**
 * `seclog.chain.seq`: on every line the file exporter writes, the record's sequence number in its
 * writer slot's hash chain (int). Set by the exporter, never by a producer; a copy arriving on a
 * record is dropped.
 */
export const ATTR_SECLOG_CHAIN_SEQ = 'seclog.chain.seq' as const;
/** `seclog.chain.hash`: on every line the file exporter writes, the chain hash (64 lowercase hex). */
export const ATTR_SECLOG_CHAIN_HASH = 'seclog.chain.hash' as const;
/** `seclog.chain.anchor.slot`: the writer slot an anchor speaks of (int). */
export const ATTR_SECLOG_CHAIN_ANCHOR_SLOT = 'seclog.chain.anchor.slot' as const;
/** `seclog.chain.anchor.index`: index of the data file holding the anchored record (int). */
export const ATTR_SECLOG_CHAIN_ANCHOR_INDEX = 'seclog.chain.anchor.index' as const;
/** `seclog.chain.anchor.seq`: the anchored `seclog.chain.seq` (int). */
export const ATTR_SECLOG_CHAIN_ANCHOR_SEQ = 'seclog.chain.anchor.seq' as const;
/** `seclog.chain.anchor.hash`: the anchored `seclog.chain.hash` (64 lowercase hex). */
export const ATTR_SECLOG_CHAIN_ANCHOR_HASH = 'seclog.chain.anchor.hash' as const;
/** `seclog.chain.anchor.at`: when the anchor was taken (ISO 8601, UTC). */
export const ATTR_SECLOG_CHAIN_ANCHOR_AT = 'seclog.chain.anchor.at' as const;
/** `seclog.chain.anchor.epoch`: the forward-secure sealing epoch of the anchor, when there is one (int). */
export const ATTR_SECLOG_CHAIN_ANCHOR_EPOCH = 'seclog.chain.anchor.epoch' as const;
/** `seclog.chain.anchor.key_id`: id of the key the anchor's HMAC is under. */
export const ATTR_SECLOG_CHAIN_ANCHOR_KEY_ID = 'seclog.chain.anchor.key_id' as const;
/** `seclog.chain.anchor.hmac`: HMAC-SHA256 of the anchor under the file exporter's `hmacKey` (64 hex). */
export const ATTR_SECLOG_CHAIN_ANCHOR_HMAC = 'seclog.chain.anchor.hmac' as const;

/**
 * `seclog.collision.<key>`: where the file exporter's `ecs-json` lines put a resource or record
 * attribute named like a field the line sets itself (`@timestamp`, `message`, `event.action`,
 * `log.level`, `log.logger`, ...) or already starting with `seclog.collision.`, so app input can
 * never forge a core field. A template attribute, like OTel's `http.request.header.<key>`.
 */
export const ATTR_SECLOG_COLLISION = (key: string): string => `seclog.collision.${key}`;

/** `http.request.header.referer`: the Referer request header, a string array per the OTel header convention. */
export const ATTR_HTTP_REQUEST_HEADER_REFERER = 'http.request.header.referer' as const;

/** Every attribute key seclog itself may put on a record (OTel keys and seclog.* keys). */
export const EMITTED_ATTRIBUTE_KEYS: readonly string[] = Object.freeze([
  ATTR_USER_ID,
  ATTR_USER_NAME,
  ATTR_USER_ROLES,
  ATTR_SESSION_ID,
  ATTR_CLIENT_ADDRESS,
  ATTR_USER_AGENT_ORIGINAL,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_FULL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_REQUEST_HEADER_REFERER,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_FILE_NAME,
  ATTR_SECURITY_RULE_UUID,
  ATTR_CODE_FUNCTION_NAME,
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_LINE_NUMBER,
  ATTR_THREAD_ID,
  ATTR_PROCESS_PID,
  ATTR_OTEL_EVENT_NAME,
  ATTR_SECLOG_OUTCOME,
  ATTR_SECLOG_REQUEST_ID,
  ATTR_SECLOG_REQUEST_ID_REJECTED,
  ATTR_SECLOG_COMPONENT,
  ATTR_SECLOG_REASON,
  ATTR_SECLOG_RETRIES,
  ATTR_SECLOG_LIMIT,
  ATTR_SECLOG_GEO_FROM_REGION,
  ATTR_SECLOG_GEO_TO_REGION,
  ATTR_SECLOG_ENTITLEMENTS,
  ATTR_SECLOG_TOKEN_ID,
  ATTR_SECLOG_APP_ID,
  ATTR_SECLOG_RESOURCE,
  ATTR_SECLOG_CHANGE_FROM,
  ATTR_SECLOG_CHANGE_TO,
  ATTR_SECLOG_ACTION,
  ATTR_SECLOG_FILE_TYPE,
  ATTR_SECLOG_FILE_ID,
  ATTR_SECLOG_FILE_STORED_NAME,
  ATTR_SECLOG_VALIDATION_VALIDATOR,
  ATTR_SECLOG_VALIDATION_RESULT,
  ATTR_SECLOG_INPUT_FIELDS,
  ATTR_SECLOG_INPUT_FIELD,
  ATTR_SECLOG_INPUT_NAME,
  ATTR_SECLOG_INPUT_PARAMETER,
  ATTR_SECLOG_TOOL_NAME,
  ATTR_SECLOG_CSP_EFFECTIVE_DIRECTIVE,
  ATTR_SECLOG_CSP_BLOCKED_URI,
  ATTR_SECLOG_OBJECT,
  ATTR_SECLOG_MONITOR,
  ATTR_SECLOG_TARGET_USER_ID,
  ATTR_SECLOG_CHANGED_ATTRIBUTES,
  ATTR_SECLOG_CONFIG_SETTING,
  ATTR_SECLOG_EVENT_REJECTED_NAME,
  ATTR_SECLOG_DETAIL,
  ATTR_SECLOG_CHAIN_SEQ,
  ATTR_SECLOG_CHAIN_HASH,
  ATTR_SECLOG_CHAIN_ANCHOR_SLOT,
  ATTR_SECLOG_CHAIN_ANCHOR_INDEX,
  ATTR_SECLOG_CHAIN_ANCHOR_SEQ,
  ATTR_SECLOG_CHAIN_ANCHOR_HASH,
  ATTR_SECLOG_CHAIN_ANCHOR_AT,
  ATTR_SECLOG_CHAIN_ANCHOR_EPOCH,
  ATTR_SECLOG_CHAIN_ANCHOR_KEY_ID,
  ATTR_SECLOG_CHAIN_ANCHOR_HMAC,
  ATTR_SECLOG_ALERT_RULE,
  ATTR_SECLOG_ALERT_COUNT,
  ATTR_SECLOG_ALERT_WINDOW_MS,
  ATTR_SECLOG_ALERT_FIRST_TRACE_ID,
  ATTR_SECLOG_ALERT_LAST_TRACE_ID,
  ATTR_SECLOG_ALERT_FIRST_REQUEST_ID,
  ATTR_SECLOG_ALERT_LAST_REQUEST_ID,
  ATTR_SECLOG_ALERT_FORGED_KEY,
  ATTR_SECLOG_ALERT_SUPPRESSED_COUNT,
  ATTR_SECLOG_ALERT_MAX_ALERTS,
  ATTR_SECLOG_ALERT_GROUP_BY,
  ATTR_SECLOG_ALERT_RULES,
  ATTR_SECLOG_ALERT_EVICTED_KEYS,
  ATTR_SECLOG_ALERT_MAX_KEYS,
]);
