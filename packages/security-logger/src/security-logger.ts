// SecurityLogger: one typed method per vocabulary event (security.authn.loginFail(...)) plus
// event(name, fields) for custom events, emitting OTel event records over any Logger.
import {
  ATTR_SECLOG_EVENT_REJECTED_NAME,
  ATTR_SECLOG_OUTCOME,
  EVENT_SECLOG_INVALID_CUSTOM_EVENT,
  SECLOG_EVENT_PREFIX,
  SECURITY_EVENTS,
  SEVERITY_NUMBER_BY_LEVEL,
  UPLOAD_VALIDATION_VERDICTS,
  getSecurityEvent,
  isValidEventName,
} from '@seclog/semconv';
import type { OwaspLevel, SecurityEventDefinition, SecurityEventGroup } from '@seclog/semconv';
import { escapeForLine } from './escape-for-line.js';
import {
  addExtraAttributes,
  addParameters,
  applyError,
  baseAttributes,
  rejectedName,
  reportError,
  snapshotFields,
  toBody,
  validateComponentName,
  validateLogger,
  warn,
  warnUnreadFields,
} from './internal/record-builder.js';
import { truncateString } from './internal/to-any-value.js';
import { contextForEmit } from './request-context.js';
import type {
  CustomSecurityEventFields,
  LoggerLike,
  LogRecordLike,
  SecurityEventGroupApi,
  SecurityEventOutcome,
  SecurityLoggerOptions,
} from './types.js';

/** EventName of a custom event whose name was rejected (`EVENT_SECLOG_INVALID_CUSTOM_EVENT` of @seclog/semconv). */
export const INVALID_CUSTOM_EVENT_NAME = EVENT_SECLOG_INVALID_CUSTOM_EVENT;

const OUTCOMES: ReadonlySet<string> = new Set(['success', 'failure', 'unknown']);
const LEVELS: ReadonlySet<string> = new Set(['INFO', 'WARN', 'CRITICAL']);

interface Emission {
  readonly eventName: string;
  readonly level: OwaspLevel;
  readonly body: string;
  readonly outcome: SecurityEventOutcome;
  readonly extraAttributes?: Readonly<Record<string, string>>;
}

type Fields = Readonly<Record<string, unknown>>;

/**
 * Emits security events as OTel event records: EventName `seclog.<owasp_token>`, SeverityNumber
 * INFO 9 / WARN 13 / CRITICAL 18 with the OWASP level as SeverityText, the event description as
 * body, parameters as OTel (or `seclog.*`) attributes, `seclog.outcome`, and the current request's
 * id, attributes and trace context. Methods never throw: failures go to the OTel global error
 * handler, misuse to `diag.warn`.
 *
 * @example
 * const security = new SecurityLogger({ logger: provider.getLogger('@seclog/security') });
 * security.authn.loginFail({ userId: 'alice', reason: 'bad_password' });
 */
export class SecurityLogger {
  /** Authentication: login, password change, tokens. */
  readonly authn: SecurityEventGroupApi<'authn'>;
  /** Authorization: denials, entitlement changes, admin activity. */
  readonly authz: SecurityEventGroupApi<'authz'>;
  /** Cryptographic failures. */
  readonly crypt: SecurityEventGroupApi<'crypt'>;
  /** Rate and session limits exceeded. */
  readonly excess: SecurityEventGroupApi<'excess'>;
  /** File uploads. */
  readonly upload: SecurityEventGroupApi<'upload'>;
  /** Input validation failures. */
  readonly input: SecurityEventGroupApi<'input'>;
  /** Detected malicious behaviour. */
  readonly malicious: SecurityEventGroupApi<'malicious'>;
  /** Model Context Protocol abuse. */
  readonly mcp: SecurityEventGroupApi<'mcp'>;
  /** Permission changes on objects. */
  readonly privilege: SecurityEventGroupApi<'privilege'>;
  /** Access to sensitive data (OWASP DATA group). */
  readonly sensitive: SecurityEventGroupApi<'sensitive'>;
  /** Business-flow sequence violations. */
  readonly sequence: SecurityEventGroupApi<'sequence'>;
  /** Session lifecycle. */
  readonly session: SecurityEventGroupApi<'session'>;
  /** System lifecycle, monitors, configuration changes. */
  readonly sys: SecurityEventGroupApi<'sys'>;
  /** User management. */
  readonly user: SecurityEventGroupApi<'user'>;

  private readonly _logger: LoggerLike;
  private readonly _component: string | undefined;
  private readonly _captureCodeLocation: boolean;

  /** @throws TypeError when `options.logger` has no `emit()` or `options.component` is invalid. */
  constructor(options: SecurityLoggerOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('security-logger: options must be an object with a logger');
    }
    validateLogger(options.logger);
    this._logger = options.logger;
    this._component =
      options.component === undefined
        ? undefined
        : validateComponentName(options.component, 'component');
    this._captureCodeLocation = options.captureCodeLocation === true;

    const groups = new Map<SecurityEventGroup, Record<string, (fields?: Fields) => void>>();
    for (const definition of SECURITY_EVENTS) {
      let group = groups.get(definition.group);
      if (group === undefined) {
        group = {};
        groups.set(definition.group, group);
      }
      group[definition.method] = (fields?: Fields): void => this._emitDefined(definition, fields);
    }
    const api = <G extends SecurityEventGroup>(name: G): SecurityEventGroupApi<G> =>
      Object.freeze(groups.get(name) ?? {}) as unknown as SecurityEventGroupApi<G>;
    this.authn = api('authn');
    this.authz = api('authz');
    this.crypt = api('crypt');
    this.excess = api('excess');
    this.upload = api('upload');
    this.input = api('input');
    this.malicious = api('malicious');
    this.mcp = api('mcp');
    this.privilege = api('privilege');
    this.sensitive = api('sensitive');
    this.sequence = api('sequence');
    this.session = api('session');
    this.sys = api('sys');
    this.user = api('user');
  }

  /**
   * Emits a custom security event. `name` must follow the OTel naming rules (lowercase letters,
   * digits, `_`, `.`; e.g. `com.acme.payment_refused`), must not be in the `seclog.` namespace and
   * must not be a vocabulary token; a rejected name is reported through `diag.warn` and the event
   * is still emitted as `seclog.invalid_custom_event` with the escaped name in
   * `seclog.event.rejected_name`. Level defaults to INFO, outcome to `unknown`, body to the name.
   * Never throws.
   */
  event(name: string, fields?: CustomSecurityEventFields): void {
    try {
      const input = snapshotFields(fields);
      let eventName = name;
      let extraAttributes: Record<string, string> | undefined;
      const problem = customNameProblem(name);
      if (problem !== undefined) {
        const shown = escapeForLine(truncateString(String(name), 256));
        warn(
          `custom event name ${rejectedName(String(name))} ${problem}; emitted as ${INVALID_CUSTOM_EVENT_NAME}`,
        );
        eventName = INVALID_CUSTOM_EVENT_NAME;
        extraAttributes = { [ATTR_SECLOG_EVENT_REJECTED_NAME]: shown };
      }
      warnUnreadFields(eventName, input, true);
      let level: OwaspLevel = 'INFO';
      if (input.level !== undefined) {
        if (typeof input.level === 'string' && LEVELS.has(input.level))
          level = input.level as OwaspLevel;
        else warn('level must be INFO, WARN or CRITICAL; INFO used');
      }
      this._emit(
        {
          eventName,
          level,
          body: input.message === undefined ? eventName : toBody(input.message),
          outcome: pickOutcome(input.outcome, 'unknown'),
          ...(extraAttributes === undefined ? {} : { extraAttributes }),
        },
        input,
      );
    } catch (error) {
      reportError(error);
    }
  }

  private _emitDefined(definition: SecurityEventDefinition, fields: Fields | undefined): void {
    try {
      const input = snapshotFields(fields);
      warnUnreadFields(definition.eventName, input, definition.token === 'upload_validation');
      let level = definition.level;
      let outcome: SecurityEventOutcome = definition.ecs.outcome;
      if (definition.token === 'upload_validation') {
        const key =
          typeof input.validationResult === 'string' ? input.validationResult.toLowerCase() : '';
        // Own keys only: the verdict is app input (`constructor` must not find Object's).
        if (Object.hasOwn(UPLOAD_VALIDATION_VERDICTS, key)) {
          ({ level, outcome } = UPLOAD_VALIDATION_VERDICTS[key]!);
        }
        if (input.level === 'INFO' || input.level === 'CRITICAL') level = input.level;
        else if (input.level !== undefined)
          warn('upload_validation level must be INFO or CRITICAL; ignored');
      }
      this._emit(
        {
          eventName: definition.eventName,
          level,
          body: input.message === undefined ? definition.description : toBody(input.message),
          outcome: pickOutcome(input.outcome, outcome),
        },
        input,
      );
    } catch (error) {
      reportError(error);
    }
  }

  private _emit(emission: Emission, fields: Fields): void {
    const severityNumber = SEVERITY_NUMBER_BY_LEVEL[emission.level];
    const context = contextForEmit();
    const { eventName } = emission;
    if (this._logger.enabled?.({ context, severityNumber, eventName }) === false) return;
    const attributes = baseAttributes(this._component, this._captureCodeLocation);
    addExtraAttributes(attributes, fields.attributes);
    addParameters(attributes, fields);
    if (emission.extraAttributes !== undefined) Object.assign(attributes, emission.extraAttributes);
    attributes[ATTR_SECLOG_OUTCOME] = emission.outcome;
    const record: LogRecordLike = {
      eventName,
      severityNumber,
      severityText: emission.level,
      body: emission.body,
      attributes,
      context,
    };
    if (fields.error !== undefined && fields.error !== null)
      applyError(record, attributes, fields.error);
    this._logger.emit(record);
  }
}

function customNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !isValidEventName(name)) {
    return 'breaks the naming rules (lowercase letters, digits, _ and . separators, starts with a letter)';
  }
  if (name.startsWith(SECLOG_EVENT_PREFIX)) return 'uses the reserved seclog. namespace';
  if (getSecurityEvent(name) !== undefined) return 'is a vocabulary event; use its typed method';
  return undefined;
}

function pickOutcome(requested: unknown, fallback: SecurityEventOutcome): SecurityEventOutcome {
  if (requested === undefined) return fallback;
  if (typeof requested === 'string' && OUTCOMES.has(requested))
    return requested as SecurityEventOutcome;
  warn('outcome must be success, failure or unknown; the default was used');
  return fallback;
}
