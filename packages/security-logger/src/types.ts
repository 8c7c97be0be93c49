// Public types of @seclog/security-logger: the structural OTel shapes it emits to (the same on the
// 0.223 and 3.x lines) and the typed fields of every vocabulary event, derived from @seclog/semconv.
import type { Context, TimeInput } from '@opentelemetry/api';
import type {
  KnownSecurityEvent,
  OwaspLevel,
  SECURITY_EVENT_PARAMETERS,
  SecurityEventGroup,
  SecurityEventParameterName,
} from '@seclog/semconv';

/** An OTel AnyValue: what a log record body or attribute value may hold. */
export type AnyValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Uint8Array
  | AnyValue[]
  | { [key: string]: AnyValue };

/** The fields of an OTel `LogRecord` that seclog sets (`@opentelemetry/api-logs` 0.223 and `@opentelemetry/api` 1.10). */
export interface LogRecordLike {
  eventName?: string;
  timestamp?: TimeInput;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes?: Record<string, AnyValue>;
  /** An Error: the SDK fills `exception.type`, `exception.message` and `exception.stacktrace` from it. */
  exception?: unknown;
  context?: Context;
}

/**
 * Any OTel `Logger` of either API line (only `emit` is required; `enabled`, when present, lets
 * the logger skip building records nobody will export).
 */
export interface LoggerLike {
  emit(record: LogRecordLike): void;
  enabled?(options?: { context?: Context; severityNumber?: number; eventName?: string }): boolean;
}

/** Extra attributes passed by the caller: any values, converted deterministically to AnyValue. */
export type AttributesInput = Readonly<Record<string, unknown>>;

/** `seclog.outcome` values, as ECS `event.outcome`. */
export type SecurityEventOutcome = 'success' | 'failure' | 'unknown';

interface ParameterTypeMap {
  string: string;
  int: number;
  boolean: boolean;
  'string[]': string | readonly string[];
}

/** The value type a parameter accepts (a `string[]` parameter also accepts a single string). */
export type SecurityEventParameterValue<P extends SecurityEventParameterName> =
  ParameterTypeMap[(typeof SECURITY_EVENT_PARAMETERS)[P]['type']];

/** Optional values for the parameters `P`. */
export type SecurityEventParameterFields<P extends SecurityEventParameterName> = {
  readonly [K in P]?: SecurityEventParameterValue<K> | undefined;
};

/** Fields every security event accepts besides its own OWASP parameters. */
export interface CommonSecurityEventFields {
  /** The acting user (`user.id`). */
  readonly userId?: string | undefined;
  /** The acting user's login (`user.name`). */
  readonly userName?: string | undefined;
  /** The acting user's roles (`user.roles`). */
  readonly userRoles?: string | readonly string[] | undefined;
  /** The client address (`client.address`); defaults to the request's. */
  readonly clientAddress?: string | undefined;
  /** The User-Agent (`user_agent.original`); defaults to the request's. */
  readonly userAgent?: string | undefined;
  /** The session id (`session.id`). Pass a hash, never the raw id. */
  readonly sessionId?: string | undefined;
  /** A short low-cardinality reason code (`seclog.reason`). */
  readonly reason?: string | undefined;
  /** Overrides the event's default outcome (`seclog.outcome`). */
  readonly outcome?: SecurityEventOutcome | undefined;
  /**
   * The error behind the event. An Error goes into the record's `exception` field (the SDK sets
   * `exception.type/message/stacktrace`) and its `code` or `name` into `error.type`.
   */
  readonly error?: unknown;
  /** Replaces the event's default description as the record body. */
  readonly message?: string | undefined;
  /** Extra attributes; keys are validated, values converted. Explicit fields win over them. */
  readonly attributes?: AttributesInput | undefined;
}

/** The fields the method of vocabulary event `E` accepts. */
export type SecurityEventFields<E extends KnownSecurityEvent> = CommonSecurityEventFields &
  SecurityEventParameterFields<E['parameters'][number]> &
  (E['token'] extends 'upload_validation'
    ? {
        /** CRITICAL when the validation failed (default: CRITICAL if `validationResult` is `FAILED`, else INFO). */
        readonly level?: 'INFO' | 'CRITICAL' | undefined;
      }
    : unknown);

/** The method that emits vocabulary event `E`; it never throws. */
export type SecurityEventMethod<E extends KnownSecurityEvent> = (
  fields?: SecurityEventFields<E>,
) => void;

/** The methods of one OWASP group: `authn.loginFail`, `authn.loginSuccess`, ... */
export type SecurityEventGroupApi<G extends SecurityEventGroup> = {
  readonly [E in Extract<KnownSecurityEvent, { group: G }> as E['method']]: SecurityEventMethod<E>;
};

/** Fields of a custom event: the common fields, any catalogued parameter, and a level. */
export type CustomSecurityEventFields = CommonSecurityEventFields &
  SecurityEventParameterFields<SecurityEventParameterName> & {
    /** The OWASP level (default INFO): INFO 9, WARN 13, CRITICAL 18. */
    readonly level?: OwaspLevel | undefined;
  };

/** Options of {@link SecurityLogger}. */
export interface SecurityLoggerOptions {
  /** The OTel Logger to emit to, e.g. `loggerProvider.getLogger('@seclog/security')`. Required. */
  readonly logger: LoggerLike;
  /** Recorded as `seclog.component` on every event. Default: none. */
  readonly component?: string | undefined;
  /**
   * Adds `code.function.name`, `code.file.path` and `code.line.number` of the caller from a stack
   * capture. Costs a stack capture per record. Default: false.
   */
  readonly captureCodeLocation?: boolean | undefined;
}

/** Options of {@link ComponentLogger}. */
export interface ComponentLoggerOptions {
  /** The OTel Logger to emit to, usually `loggerProvider.getLogger(component)`. Required. */
  readonly logger: LoggerLike;
  /**
   * The component name, recorded as `seclog.component`. Required (there is no root logger):
   * 1–128 characters of `[A-Za-z0-9._:/@-]`, starting with a letter, digit, `@` or `_`.
   */
  readonly component: string;
  /** As {@link SecurityLoggerOptions.captureCodeLocation}. Default: false. */
  readonly captureCodeLocation?: boolean | undefined;
}

/** Levels of a component logger and their SeverityNumber: debug 5, info 9, warn 13, error 17, critical 18. */
export type ComponentLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'critical';
