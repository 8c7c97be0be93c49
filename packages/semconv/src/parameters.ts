// The parameter catalogue: every field a security event method accepts, the attribute key it
// becomes and its type. One source of truth for the typed API, the docs and the tests.
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_HEADER_REFERER,
  ATTR_SECLOG_ACTION,
  ATTR_SECLOG_APP_ID,
  ATTR_SECLOG_CHANGE_FROM,
  ATTR_SECLOG_CHANGE_TO,
  ATTR_SECLOG_CHANGED_ATTRIBUTES,
  ATTR_SECLOG_CONFIG_SETTING,
  ATTR_SECLOG_CSP_BLOCKED_URI,
  ATTR_SECLOG_CSP_EFFECTIVE_DIRECTIVE,
  ATTR_SECLOG_ENTITLEMENTS,
  ATTR_SECLOG_FILE_ID,
  ATTR_SECLOG_FILE_STORED_NAME,
  ATTR_SECLOG_FILE_TYPE,
  ATTR_SECLOG_GEO_FROM_REGION,
  ATTR_SECLOG_GEO_TO_REGION,
  ATTR_SECLOG_INPUT_FIELD,
  ATTR_SECLOG_INPUT_FIELDS,
  ATTR_SECLOG_INPUT_NAME,
  ATTR_SECLOG_INPUT_PARAMETER,
  ATTR_SECLOG_LIMIT,
  ATTR_SECLOG_MONITOR,
  ATTR_SECLOG_OBJECT,
  ATTR_SECLOG_REASON,
  ATTR_SECLOG_RESOURCE,
  ATTR_SECLOG_RETRIES,
  ATTR_SECLOG_TARGET_USER_ID,
  ATTR_SECLOG_TOKEN_ID,
  ATTR_SECLOG_TOOL_NAME,
  ATTR_SECLOG_VALIDATION_RESULT,
  ATTR_SECLOG_VALIDATION_VALIDATOR,
  ATTR_USER_AGENT_ORIGINAL,
} from './attributes.js';
import {
  ATTR_FILE_NAME,
  ATTR_SECURITY_RULE_UUID,
  ATTR_SESSION_ID,
  ATTR_USER_ID,
  ATTR_USER_NAME,
  ATTR_USER_ROLES,
} from './semconv.js';
import type { SecurityEventParameter } from './types.js';

/**
 * Every field a security event method accepts: its attribute key, its type and what it holds.
 * `int` fields become integer attributes; `string[]` fields become string arrays (a single string
 * is accepted and wrapped). Values are never put into the event name.
 */
export const SECURITY_EVENT_PARAMETERS = {
  userId: {
    attribute: ATTR_USER_ID,
    type: 'string',
    description: 'The acting user (OWASP userid).',
  },
  userName: {
    attribute: ATTR_USER_NAME,
    type: 'string',
    description: "The acting user's login or short name.",
  },
  userRoles: {
    attribute: ATTR_USER_ROLES,
    type: 'string[]',
    description: "The acting user's roles at the time of the event.",
  },
  clientAddress: {
    attribute: ATTR_CLIENT_ADDRESS,
    type: 'string',
    description: 'The client address (OWASP IP / source_ip).',
  },
  userAgent: {
    attribute: ATTR_USER_AGENT_ORIGINAL,
    type: 'string',
    description: 'The User-Agent header as sent.',
  },
  sessionId: {
    attribute: ATTR_SESSION_ID,
    type: 'string',
    description: 'The session id; pass a hash, never the raw id (OWASP).',
  },
  retries: {
    attribute: ATTR_SECLOG_RETRIES,
    type: 'int',
    description: 'Failed attempts before this one.',
  },
  limit: {
    attribute: ATTR_SECLOG_LIMIT,
    type: 'int',
    description: 'The limit that was reached (OWASP maxlimit / max).',
  },
  reason: {
    attribute: ATTR_SECLOG_REASON,
    type: 'string',
    description: 'Why it happened: a short code such as maxretries, suspicious, timeout.',
  },
  fromRegion: {
    attribute: ATTR_SECLOG_GEO_FROM_REGION,
    type: 'string',
    description: 'Region of the previous activity (OWASP region1).',
  },
  toRegion: {
    attribute: ATTR_SECLOG_GEO_TO_REGION,
    type: 'string',
    description: 'Region of the current activity (OWASP region2).',
  },
  entitlements: {
    attribute: ATTR_SECLOG_ENTITLEMENTS,
    type: 'string[]',
    description: 'Entitlements granted to the token.',
  },
  tokenId: {
    attribute: ATTR_SECLOG_TOKEN_ID,
    type: 'string',
    description: 'The token id; pass a hash unless it is a public identifier.',
  },
  appId: {
    attribute: ATTR_SECLOG_APP_ID,
    type: 'string',
    description: 'The application whose token was deleted.',
  },
  resource: {
    attribute: ATTR_SECLOG_RESOURCE,
    type: 'string',
    description: 'The resource access was denied to.',
  },
  from: {
    attribute: ATTR_SECLOG_CHANGE_FROM,
    type: 'string',
    description: 'Value before the change (entitlement, privilege level, setting).',
  },
  to: { attribute: ATTR_SECLOG_CHANGE_TO, type: 'string', description: 'Value after the change.' },
  action: {
    attribute: ATTR_SECLOG_ACTION,
    type: 'string',
    description: 'The activity a privileged user performed (OWASP authz_admin event).',
  },
  fileName: {
    attribute: ATTR_FILE_NAME,
    type: 'string',
    description: 'The file name, without directory.',
  },
  fileType: {
    attribute: ATTR_SECLOG_FILE_TYPE,
    type: 'string',
    description: 'The declared or detected file type.',
  },
  fileId: {
    attribute: ATTR_SECLOG_FILE_ID,
    type: 'string',
    description: 'The id of the stored file.',
  },
  storedName: {
    attribute: ATTR_SECLOG_FILE_STORED_NAME,
    type: 'string',
    description: 'The name or key the upload was stored under.',
  },
  validator: {
    attribute: ATTR_SECLOG_VALIDATION_VALIDATOR,
    type: 'string',
    description: 'The validator: virusscan, imagemagick, ...',
  },
  validationResult: {
    attribute: ATTR_SECLOG_VALIDATION_RESULT,
    type: 'string',
    description: 'The verdict: passed, incomplete or FAILED.',
  },
  fields: {
    attribute: ATTR_SECLOG_INPUT_FIELDS,
    type: 'string[]',
    description: 'Names of the fields that failed validation, never their values.',
  },
  field: {
    attribute: ATTR_SECLOG_INPUT_FIELD,
    type: 'string',
    description: 'Name of the field whose value was not one of its options.',
  },
  inputName: {
    attribute: ATTR_SECLOG_INPUT_NAME,
    type: 'string',
    description: 'Name of the unexpected input.',
  },
  toolName: {
    attribute: ATTR_SECLOG_TOOL_NAME,
    type: 'string',
    description: 'Name of the detected attack tool.',
  },
  parameter: {
    attribute: ATTR_SECLOG_INPUT_PARAMETER,
    type: 'string',
    description: 'The parameter the injection was found in, never the payload.',
  },
  ruleId: {
    attribute: ATTR_SECURITY_RULE_UUID,
    type: 'string',
    description: 'Id of the detection rule that fired.',
  },
  referer: {
    attribute: ATTR_HTTP_REQUEST_HEADER_REFERER,
    type: 'string[]',
    description: 'The Referer header (string[] per the OTel header convention).',
  },
  directive: {
    attribute: ATTR_SECLOG_CSP_EFFECTIVE_DIRECTIVE,
    type: 'string',
    description: 'The violated CSP directive.',
  },
  blockedUri: {
    attribute: ATTR_SECLOG_CSP_BLOCKED_URI,
    type: 'string',
    description: 'The blocked URI; strip query string and fragment first.',
  },
  object: {
    attribute: ATTR_SECLOG_OBJECT,
    type: 'string',
    description: 'The file or object concerned (OWASP file|object).',
  },
  monitor: {
    attribute: ATTR_SECLOG_MONITOR,
    type: 'string',
    description: 'The monitor that was enabled or disabled.',
  },
  targetUserId: {
    attribute: ATTR_SECLOG_TARGET_USER_ID,
    type: 'string',
    description: 'The user acted upon (OWASP newuserid / onuserid).',
  },
  changedAttributes: {
    attribute: ATTR_SECLOG_CHANGED_ATTRIBUTES,
    type: 'string[]',
    description: 'Names of the user attributes set or changed, never their values.',
  },
  setting: {
    attribute: ATTR_SECLOG_CONFIG_SETTING,
    type: 'string',
    description: 'The configuration setting that changed.',
  },
} as const satisfies Readonly<Record<string, SecurityEventParameter>>;
