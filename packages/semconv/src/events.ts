// The vocabulary as data: the 57 OWASP logging vocabulary events plus sys_config_change, each with
// its level, default description, parameters, and ECS 9.4 / OCSF 1.8.0 mapping.
import type {
  EcsCategorization,
  OcsfClassification,
  OwaspLevel,
  SecurityEventDefinition,
  SecurityEventGroup,
  SecurityEventParameterName,
} from './types.js';

/** The prefix of every vocabulary EventName: `seclog.` + the OWASP token. */
export const SECLOG_EVENT_PREFIX = 'seclog.' as const;

/** OTel SeverityNumber per OWASP level: INFO 9, WARN 13, CRITICAL 18 (ERROR2, as syslog Critical). */
export const SEVERITY_NUMBER_BY_LEVEL = Object.freeze({ INFO: 9, WARN: 13, CRITICAL: 18 } as const);

/**
 * How `seclog.upload_validation` reads its verdict (`seclog.validation.result`, case-insensitive):
 * the level and outcome the event takes. A verdict not listed, or none, keeps the event's defaults,
 * which are those of `passed`. A `level` given per call wins over the verdict's.
 */
export const UPLOAD_VALIDATION_VERDICTS: Readonly<
  Record<string, { readonly level: OwaspLevel; readonly outcome: 'success' | 'failure' }>
> = Object.freeze({
  passed: Object.freeze({ level: 'INFO', outcome: 'success' } as const),
  incomplete: Object.freeze({ level: 'INFO', outcome: 'failure' } as const),
  failed: Object.freeze({ level: 'CRITICAL', outcome: 'failure' } as const),
});

/** The OWASP groups in vocabulary order. */
export const SECURITY_EVENT_GROUPS: readonly SecurityEventGroup[] = Object.freeze([
  'authn',
  'authz',
  'crypt',
  'excess',
  'upload',
  'input',
  'malicious',
  'mcp',
  'privilege',
  'sensitive',
  'sequence',
  'session',
  'sys',
  'user',
] as const);

/** The OCSF schema version the `ocsf` mappings follow. */
export const OCSF_SCHEMA_VERSION = '1.8.0' as const;

/** The ECS version the `ecs` mappings follow. */
export const ECS_VERSION = '9.4.0' as const;

type CamelCase<S extends string> = S extends `${infer Head}_${infer Rest}`
  ? `${Head}${Capitalize<CamelCase<Rest>>}`
  : S;

/** The group of a token: its prefix before the first `_`. */
export type SecurityEventGroupOf<T extends string> =
  T extends `${infer G extends SecurityEventGroup}_${string}` ? G : never;

/** The method name of a token: the rest after the group prefix, camelCased. */
export type SecurityEventMethodOf<T extends string> =
  T extends `${SecurityEventGroupOf<T>}_${infer Rest}` ? CamelCase<Rest> : never;

/** A vocabulary entry with its token, group, method and parameters kept as literal types. */
export interface SecurityEventSpec<
  T extends string = string,
  P extends readonly SecurityEventParameterName[] = readonly SecurityEventParameterName[],
> extends SecurityEventDefinition {
  readonly token: T;
  readonly eventName: `${typeof SECLOG_EVENT_PREFIX}${T}`;
  readonly group: SecurityEventGroupOf<T>;
  readonly method: SecurityEventMethodOf<T>;
  readonly parameters: P;
}

function camelCase(text: string): string {
  return text.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function define<const T extends string, const P extends readonly SecurityEventParameterName[]>(
  token: T,
  level: OwaspLevel,
  description: string,
  parameters: P,
  ecs: EcsCategorization,
  ocsf: OcsfClassification,
): SecurityEventSpec<T, P> {
  const cut = token.indexOf('_');
  return Object.freeze({
    token,
    eventName: `${SECLOG_EVENT_PREFIX}${token}` as const,
    group: token.slice(0, cut) as SecurityEventGroupOf<T>,
    method: camelCase(token.slice(cut + 1)) as SecurityEventMethodOf<T>,
    level,
    severityNumber: SEVERITY_NUMBER_BY_LEVEL[level],
    description,
    parameters: Object.freeze(parameters),
    ecs: Object.freeze({
      ...ecs,
      category: Object.freeze(ecs.category),
      type: Object.freeze(ecs.type),
    }),
    ocsf: Object.freeze(ocsf),
  });
}

function ecs(
  kind: EcsCategorization['kind'],
  category: readonly string[],
  type: readonly string[],
  outcome: EcsCategorization['outcome'],
): EcsCategorization {
  return { kind, category, type, outcome };
}

function ocsf(
  categoryUid: number,
  classUid: number,
  activityId: number,
  statusId: number,
  typeUid: number,
): OcsfClassification {
  return { categoryUid, classUid, activityId, statusId, typeUid };
}

// Where the reference offers alternatives, the first (or the file-based one, to agree with the ECS
// `file` category) is taken. Detection Finding (2004) statusId 1 means New. ECS outcome `unknown`
// stands for "leave unset".
// prettier-ignore
const EVENTS = [
  // AUTHN
  define('authn_login_success', 'INFO', 'User login succeeded', ['userId'],
    ecs('event', ['authentication'], ['start'], 'success'), ocsf(3, 3002, 1, 1, 300201)),
  define('authn_login_successafterfail', 'INFO', 'User login succeeded after previous failures', ['userId', 'retries'],
    ecs('event', ['authentication'], ['start'], 'success'), ocsf(3, 3002, 1, 1, 300201)),
  define('authn_login_fail', 'WARN', 'User login failed', ['userId'],
    ecs('event', ['authentication'], ['start'], 'failure'), ocsf(3, 3002, 1, 2, 300201)),
  define('authn_login_fail_max', 'WARN', 'User login failed and reached the retry limit', ['userId', 'limit'],
    ecs('event', ['authentication'], ['start'], 'failure'), ocsf(3, 3002, 1, 2, 300201)),
  define('authn_login_lock', 'WARN', 'User account locked', ['userId', 'reason'],
    ecs('event', ['iam'], ['user', 'change'], 'success'), ocsf(3, 3001, 9, 1, 300109)),
  define('authn_password_change', 'INFO', 'User password changed', ['userId'],
    ecs('event', ['iam'], ['user', 'change'], 'success'), ocsf(3, 3001, 3, 1, 300103)),
  define('authn_password_change_fail', 'CRITICAL', 'User password change failed', ['userId'],
    ecs('event', ['iam'], ['user', 'change'], 'failure'), ocsf(3, 3001, 3, 2, 300103)),
  define('authn_impossible_travel', 'CRITICAL', 'User activity from two regions too far apart in time', ['userId', 'fromRegion', 'toRegion'],
    ecs('alert', ['authentication'], ['info'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('authn_token_created', 'INFO', 'Access token created', ['userId', 'entitlements'],
    ecs('event', ['iam'], ['creation'], 'success'), ocsf(3, 3004, 1, 1, 300401)),
  define('authn_token_revoked', 'INFO', 'Access token revoked', ['userId', 'tokenId'],
    ecs('event', ['iam'], ['change'], 'success'), ocsf(3, 3004, 9, 1, 300409)),
  define('authn_token_reuse', 'CRITICAL', 'Revoked access token used again', ['userId', 'tokenId'],
    ecs('event', ['authentication'], ['start'], 'failure'), ocsf(3, 3002, 1, 2, 300201)),
  define('authn_token_delete', 'WARN', 'Application token deleted', ['appId'],
    ecs('event', ['iam'], ['deletion'], 'success'), ocsf(3, 3004, 4, 1, 300404)),
  // AUTHZ
  define('authz_fail', 'CRITICAL', 'User denied access to a resource', ['userId', 'resource'],
    ecs('event', ['api'], ['access', 'denied'], 'failure'), ocsf(6, 6004, 2, 2, 600402)),
  define('authz_change', 'WARN', 'User entitlements changed', ['userId', 'from', 'to'],
    ecs('event', ['iam'], ['user', 'change'], 'success'), ocsf(3, 3005, 1, 1, 300501)),
  define('authz_admin', 'WARN', 'Privileged user activity', ['userId', 'action'],
    ecs('event', ['iam'], ['admin'], 'success'), ocsf(6, 6003, 3, 1, 600303)),
  // CRYPT
  define('crypt_decrypt_fail', 'WARN', 'Decryption failed', ['userId'],
    ecs('event', ['api'], ['info'], 'failure'), ocsf(6, 6008, 1, 2, 600801)),
  define('crypt_encrypt_fail', 'WARN', 'Encryption failed', ['userId'],
    ecs('event', ['api'], ['info'], 'failure'), ocsf(6, 6008, 1, 2, 600801)),
  // EXCESS
  define('excess_rate_limit_exceeded', 'WARN', 'Rate limit exceeded', ['userId', 'limit'],
    ecs('event', ['api'], ['denied'], 'failure'), ocsf(6, 6004, 2, 2, 600402)),
  define('excess_sessions_exceeded', 'WARN', 'Concurrent session limit exceeded', ['userId', 'limit'],
    ecs('event', ['session'], ['start'], 'failure'), ocsf(3, 3002, 1, 2, 300201)),
  // UPLOAD
  define('upload_complete', 'INFO', 'File upload completed', ['userId', 'fileName', 'fileType'],
    ecs('event', ['file'], ['creation'], 'success'), ocsf(6, 6001, 1, 1, 600101)),
  define('upload_stored', 'INFO', 'Uploaded file stored', ['fileName', 'storedName'],
    ecs('event', ['file'], ['change'], 'success'), ocsf(1, 1001, 5, 1, 100105)),
  define('upload_validation', 'INFO', 'Uploaded file validated', ['fileName', 'validator', 'validationResult'],
    ecs('event', ['file'], ['info'], 'success'), ocsf(6, 6001, 99, 1, 600199)),
  define('upload_delete', 'INFO', 'Uploaded file deleted', ['userId', 'fileId'],
    ecs('event', ['file'], ['deletion'], 'success'), ocsf(1, 1001, 4, 1, 100104)),
  // INPUT
  define('input_validation_fail', 'WARN', 'Input validation failed', ['fields', 'userId'],
    ecs('event', ['web'], ['error'], 'failure'), ocsf(4, 4002, 99, 2, 400299)),
  define('input_validation_discrete_fail', 'WARN', 'Input value not among the allowed options', ['field', 'userId'],
    ecs('event', ['web'], ['error'], 'failure'), ocsf(4, 4002, 99, 2, 400299)),
  // MALICIOUS
  define('malicious_excess_404', 'WARN', 'Excessive requests for missing resources', ['userId', 'clientAddress', 'userAgent'],
    ecs('alert', ['intrusion_detection'], ['info'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('malicious_extraneous', 'CRITICAL', 'Unexpected input submitted', ['userId', 'clientAddress', 'inputName', 'userAgent'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('malicious_attack_tool', 'CRITICAL', 'Attack tool detected', ['userId', 'clientAddress', 'toolName', 'userAgent'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('malicious_sqli', 'CRITICAL', 'SQL injection attempt detected', ['userId', 'clientAddress', 'parameter', 'ruleId', 'userAgent'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('malicious_cors', 'CRITICAL', 'Request from a disallowed cross-origin', ['userId', 'clientAddress', 'userAgent', 'referer'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('malicious_direct_reference', 'CRITICAL', 'Direct object reference to a resource the user may not access', ['userId', 'clientAddress', 'userAgent'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('malicious_csrf', 'WARN', 'Cross-site request forgery attempt detected', ['userId', 'clientAddress'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('malicious_csp_violation', 'WARN', 'Content Security Policy violation reported', ['userId', 'clientAddress', 'directive', 'blockedUri', 'userAgent'],
    ecs('event', ['web'], ['info'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  // MCP
  define('mcp_prompt_injection', 'WARN', 'Prompt injection attempt detected', ['userId'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  define('mcp_resource_exhaustion', 'WARN', 'Resource exhaustion through the model context protocol', ['userId'],
    ecs('event', ['api'], ['denied'], 'failure'), ocsf(6, 6003, 99, 2, 600399)),
  define('mcp_tool_poisoning', 'WARN', 'Tool poisoning attempt detected', ['userId'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  // PRIVILEGE
  define('privilege_permissions_changed', 'WARN', 'Permissions on an object changed', ['userId', 'object', 'from', 'to'],
    ecs('event', ['iam'], ['admin', 'change'], 'success'), ocsf(3, 3004, 3, 1, 300403)),
  // DATA
  define('sensitive_create', 'WARN', 'Sensitive data created', ['userId', 'object'],
    ecs('event', ['file'], ['creation'], 'success'), ocsf(1, 1001, 1, 1, 100101)),
  define('sensitive_read', 'WARN', 'Sensitive data read', ['userId', 'object'],
    ecs('event', ['file'], ['access'], 'success'), ocsf(1, 1001, 2, 1, 100102)),
  define('sensitive_update', 'WARN', 'Sensitive data updated', ['userId', 'object'],
    ecs('event', ['file'], ['change'], 'success'), ocsf(1, 1001, 3, 1, 100103)),
  define('sensitive_delete', 'WARN', 'Sensitive data deleted', ['userId', 'object'],
    ecs('event', ['file'], ['deletion'], 'success'), ocsf(1, 1001, 4, 1, 100104)),
  // SEQUENCE
  define('sequence_fail', 'CRITICAL', 'Business logic flow circumvented', ['userId'],
    ecs('alert', ['intrusion_detection'], ['denied'], 'unknown'), ocsf(2, 2004, 1, 1, 200401)),
  // SESSION
  define('session_created', 'INFO', 'Session created', ['userId'],
    ecs('event', ['session'], ['start'], 'success'), ocsf(3, 3002, 1, 1, 300201)),
  define('session_renewed', 'INFO', 'Session renewed', ['userId'],
    ecs('event', ['session'], ['info'], 'success'), ocsf(3, 3002, 99, 1, 300299)),
  define('session_expired', 'INFO', 'Session expired', ['userId', 'reason'],
    ecs('event', ['session'], ['end'], 'success'), ocsf(3, 3002, 2, 1, 300202)),
  define('session_logout', 'INFO', 'User logged out', ['userId', 'sessionId'],
    ecs('event', ['session', 'authentication'], ['end'], 'success'), ocsf(3, 3002, 2, 1, 300202)),
  define('session_use_after_expire', 'CRITICAL', 'Expired session used', ['userId'],
    ecs('event', ['session', 'authentication'], ['start'], 'failure'), ocsf(3, 3002, 1, 2, 300201)),
  // SYS
  define('sys_startup', 'WARN', 'System started', ['userId'],
    ecs('event', ['process'], ['start'], 'success'), ocsf(6, 6002, 3, 1, 600203)),
  define('sys_shutdown', 'WARN', 'System shut down', ['userId'],
    ecs('event', ['process'], ['end'], 'success'), ocsf(6, 6002, 4, 1, 600204)),
  define('sys_restart', 'WARN', 'System restarted', ['userId'],
    ecs('event', ['process'], ['start'], 'success'), ocsf(6, 6002, 5, 1, 600205)),
  define('sys_crash', 'WARN', 'System crashed', ['reason'],
    ecs('event', ['process'], ['end'], 'failure'), ocsf(6, 6002, 4, 2, 600204)),
  define('sys_monitor_disabled', 'WARN', 'Monitor disabled', ['userId', 'monitor'],
    ecs('event', ['configuration'], ['change'], 'success'), ocsf(6, 6002, 7, 1, 600207)),
  define('sys_monitor_enabled', 'WARN', 'Monitor enabled', ['userId', 'monitor'],
    ecs('event', ['configuration'], ['change'], 'success'), ocsf(6, 6002, 6, 1, 600206)),
  define('sys_config_change', 'WARN', 'Configuration changed', ['userId', 'setting', 'from', 'to'],
    ecs('event', ['configuration'], ['change'], 'success'), ocsf(3, 3004, 3, 1, 300403)),
  // USER
  define('user_created', 'WARN', 'User created', ['userId', 'targetUserId', 'changedAttributes'],
    ecs('event', ['iam'], ['user', 'creation'], 'success'), ocsf(3, 3001, 1, 1, 300101)),
  define('user_updated', 'WARN', 'User updated', ['userId', 'targetUserId', 'changedAttributes'],
    ecs('event', ['iam'], ['user', 'change'], 'success'), ocsf(3, 3004, 3, 1, 300403)),
  define('user_archived', 'WARN', 'User archived', ['userId', 'targetUserId'],
    ecs('event', ['iam'], ['user', 'change'], 'success'), ocsf(3, 3001, 5, 1, 300105)),
  define('user_deleted', 'WARN', 'User deleted', ['userId', 'targetUserId'],
    ecs('event', ['iam'], ['user', 'deletion'], 'success'), ocsf(3, 3001, 6, 1, 300106)),
] as const;

/** The union of every vocabulary entry, with literal token, group, method and parameter types. */
export type KnownSecurityEvent = (typeof EVENTS)[number];

/** An OWASP token of the vocabulary (plus `sys_config_change`). */
export type SecurityEventToken = KnownSecurityEvent['token'];

/** The vocabulary: the 57 OWASP events plus `sys_config_change` (58), in OWASP order. */
export const SECURITY_EVENTS: readonly SecurityEventDefinition[] = Object.freeze([...EVENTS]);

const BY_NAME = new Map<string, SecurityEventDefinition>();
for (const event of EVENTS) {
  BY_NAME.set(event.token, event);
  BY_NAME.set(event.eventName, event);
}

/** The vocabulary entry for an OWASP token or a `seclog.` EventName, or `undefined`. */
export function getSecurityEvent(tokenOrEventName: string): SecurityEventDefinition | undefined {
  return BY_NAME.get(tokenOrEventName);
}

const EVENT_NAME_PATTERN = /^[a-z][a-z0-9]*(?:[._][a-z0-9]+)*$/;

/**
 * Whether `name` follows the OTel naming rules for event names: lowercase Latin letters, digits,
 * `_`, and `.` as namespace separator; starts with a letter, ends with a letter or digit, no two
 * delimiters in a row. At most 255 characters.
 */
export function isValidEventName(name: string): boolean {
  return typeof name === 'string' && name.length <= 255 && EVENT_NAME_PATTERN.test(name);
}
