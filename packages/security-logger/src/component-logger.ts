// ComponentLogger: the everyday application logger, named per component (there is no root
// logger), with levels debug..critical and the same request/trace correlation as security events.
import {
  addExtraAttributes,
  applyError,
  baseAttributes,
  reportError,
  toBody,
  validateComponentName,
  validateLogger,
} from './internal/record-builder.js';
import { contextForEmit } from './request-context.js';
import type {
  AttributesInput,
  ComponentLogLevel,
  ComponentLoggerOptions,
  LoggerLike,
  LogRecordLike,
} from './types.js';

/**
 * SeverityNumber and SeverityText per component log level. `critical` is 18 (ERROR2) with text
 * CRITICAL, the same slot as a CRITICAL security event: above error (17), below the FATAL range
 * (21+) the data model keeps for crashes.
 */
export const COMPONENT_LOG_LEVELS: Readonly<
  Record<ComponentLogLevel, { readonly severityNumber: number; readonly severityText: string }>
> = Object.freeze({
  debug: Object.freeze({ severityNumber: 5, severityText: 'DEBUG' }),
  info: Object.freeze({ severityNumber: 9, severityText: 'INFO' }),
  warn: Object.freeze({ severityNumber: 13, severityText: 'WARN' }),
  error: Object.freeze({ severityNumber: 17, severityText: 'ERROR' }),
  critical: Object.freeze({ severityNumber: 18, severityText: 'CRITICAL' }),
});

/**
 * A logger for one application component. Every record carries `seclog.component`, the current
 * request's id, attributes and trace context, `thread.id` inside worker threads, and, with
 * `captureCodeLocation`, the caller's `code.*` location. `error` and `critical` take the error
 * itself: it goes into the record's `exception` field (stack included) and `error.type`.
 * Methods never throw.
 */
export class ComponentLogger {
  /** The component name, as recorded in `seclog.component`. */
  readonly component: string;

  private readonly _logger: LoggerLike;
  private readonly _captureCodeLocation: boolean;

  /** @throws TypeError when `options.logger` has no `emit()` or `options.component` is missing or invalid. */
  constructor(options: ComponentLoggerOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        'security-logger: options must be an object with a logger and a component',
      );
    }
    validateLogger(options.logger);
    this.component = validateComponentName(options.component, 'component');
    this._logger = options.logger;
    this._captureCodeLocation = options.captureCodeLocation === true;
  }

  /** Logs at DEBUG (5). */
  debug(message: string, attributes?: AttributesInput): void {
    this._log('debug', message, undefined, attributes);
  }

  /** Logs at INFO (9). */
  info(message: string, attributes?: AttributesInput): void {
    this._log('info', message, undefined, attributes);
  }

  /** Logs at WARN (13). */
  warn(message: string, attributes?: AttributesInput): void {
    this._log('warn', message, undefined, attributes);
  }

  /** Logs at ERROR (17) with `error` (if given) as the record's exception, stack included. */
  error(message: string, error?: unknown, attributes?: AttributesInput): void {
    this._log('error', message, error, attributes);
  }

  /** Logs at CRITICAL (18) with `error` (if given) as the record's exception, stack included. */
  critical(message: string, error?: unknown, attributes?: AttributesInput): void {
    this._log('critical', message, error, attributes);
  }

  private _log(level: ComponentLogLevel, message: unknown, error: unknown, extra: unknown): void {
    try {
      const { severityNumber, severityText } = COMPONENT_LOG_LEVELS[level];
      const context = contextForEmit();
      if (this._logger.enabled?.({ context, severityNumber }) === false) return;
      const attributes = baseAttributes(this.component, this._captureCodeLocation);
      addExtraAttributes(attributes, extra);
      const record: LogRecordLike = {
        severityNumber,
        severityText,
        body: toBody(message),
        attributes,
        context,
      };
      if (error !== undefined && error !== null) applyError(record, attributes, error);
      this._logger.emit(record);
    } catch (failure) {
      reportError(failure);
    }
  }
}

/** Creates the {@link ComponentLogger} for `options.component`; throws as its constructor does. */
export function createComponentLogger(options: ComponentLoggerOptions): ComponentLogger {
  return new ComponentLogger(options);
}
