// Public types of @seclog/semconv: the shape of a vocabulary entry and of its ECS and OCSF mappings.
import type { SECURITY_EVENT_PARAMETERS } from './parameters.js';

/** The three levels the OWASP vocabulary uses; there is no ERROR level. */
export type OwaspLevel = 'INFO' | 'WARN' | 'CRITICAL';

/** The OWASP event groups, named by the token prefix (`sensitive` is OWASP's DATA group). */
export type SecurityEventGroup =
  | 'authn'
  | 'authz'
  | 'crypt'
  | 'excess'
  | 'upload'
  | 'input'
  | 'malicious'
  | 'mcp'
  | 'privilege'
  | 'sensitive'
  | 'sequence'
  | 'session'
  | 'sys'
  | 'user';

/** ECS 9.4 categorisation of an event (`event.kind`, `event.category`, `event.type`, `event.outcome`). */
export interface EcsCategorization {
  readonly kind: 'event' | 'alert';
  /** ECS `event.category` values. */
  readonly category: readonly string[];
  /** ECS `event.type` values; each is allowed for every category listed. */
  readonly type: readonly string[];
  /** `unknown` where ECS would leave the outcome unset (detections, `info` events). */
  readonly outcome: 'success' | 'failure' | 'unknown';
}

/** OCSF 1.8.0 classification of an event. */
export interface OcsfClassification {
  readonly categoryUid: number;
  /** `categoryUid * 1000 + n`. */
  readonly classUid: number;
  readonly activityId: number;
  /** 0 Unknown, 1 Success, 2 Failure, 99 Other; for Detection Finding (2004) 1 means New. */
  readonly statusId: number;
  /** `classUid * 100 + activityId`. */
  readonly typeUid: number;
}

/** The type a parameter's attribute value has. */
export type SecurityEventParameterType = 'string' | 'int' | 'boolean' | 'string[]';

/** One entry of {@link SECURITY_EVENT_PARAMETERS}. */
export interface SecurityEventParameter {
  /** The attribute key the value is recorded under. */
  readonly attribute: string;
  readonly type: SecurityEventParameterType;
  /** What the value holds, for docs. */
  readonly description: string;
}

/** Name of a field a security event method accepts (a key of {@link SECURITY_EVENT_PARAMETERS}). */
export type SecurityEventParameterName = keyof typeof SECURITY_EVENT_PARAMETERS;

/** One event of the vocabulary. */
export interface SecurityEventDefinition {
  /** OWASP token, e.g. `authn_login_fail`. */
  readonly token: string;
  /** `seclog.` + token, e.g. `seclog.authn_login_fail`: the LogRecord EventName. */
  readonly eventName: string;
  readonly group: SecurityEventGroup;
  /** camelCase method name within its group, from the token without its prefix: `loginFail`. */
  readonly method: string;
  /** Default OWASP level; `upload_validation` takes its verdict's (`UPLOAD_VALIDATION_VERDICTS`). */
  readonly level: OwaspLevel;
  /** INFO 9, WARN 13, CRITICAL 18 (ERROR2). */
  readonly severityNumber: 9 | 13 | 18;
  /** Default human body, e.g. `User login failed`. */
  readonly description: string;
  /** OWASP parameters, as field names, in OWASP's order. */
  readonly parameters: readonly SecurityEventParameterName[];
  readonly ecs: EcsCategorization;
  readonly ocsf: OcsfClassification;
}
