// @seclog/security-logger: typed security events and component loggers over any OTel Logger.
export { contextForEmit, getRequestContext, runWithRequestContext } from './request-context.js';
export type { RequestAttributeValue, RequestContext } from './request-context.js';
