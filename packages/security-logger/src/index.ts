// @seclog/security-logger: typed security events and component loggers over any OTel Logger, with
// request and trace correlation.
export {
  COMPONENT_LOG_LEVELS,
  ComponentLogger,
  createComponentLogger,
} from './component-logger.js';
export { escapeForLine, escapeJsonLine } from './escape-for-line.js';
export {
  contextForEmit,
  getRequestContext,
  runWithoutRequestContext,
  runWithRequestContext,
} from './request-context.js';
export type { RequestAttributeValue, RequestContext } from './request-context.js';
export { INVALID_CUSTOM_EVENT_NAME, SecurityLogger } from './security-logger.js';
export type {
  AnyValue,
  AttributesInput,
  CommonSecurityEventFields,
  ComponentLogLevel,
  ComponentLoggerOptions,
  CustomSecurityEventFields,
  LogRecordLike,
  LoggerLike,
  SecurityEventFields,
  SecurityEventGroupApi,
  SecurityEventMethod,
  SecurityEventOutcome,
  SecurityEventParameterFields,
  SecurityEventParameterValue,
  SecurityLoggerOptions,
} from './types.js';
