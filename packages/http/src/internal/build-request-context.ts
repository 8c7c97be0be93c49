// The request context built from a request and validated options; shared by createRequestContext
// and the middleware, which validate their options once at creation.
import { randomUUID } from 'node:crypto';
import { context, diag, isSpanContextValid, trace } from '@opentelemetry/api';
import type { RequestAttributeValue, RequestContext } from '@seclog/security-logger';
import { ATTR_SECLOG_REQUEST_ID_REJECTED } from '@seclog/semconv';
import type { HttpRequestLike } from '../types.js';
import type { ResolvedOptions } from './options.js';
import { requestAttributes } from './request-attributes.js';
import { freshSpanContext, requestSpanContext } from './trace-context.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** See `isValidRequestId` in the public API. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 128 && REQUEST_ID.test(value);
}

/** createRequestContext with options already validated (the middleware validate them once). */
export function buildRequestContext(
  req: HttpRequestLike,
  options: ResolvedOptions,
): RequestContext {
  try {
    const headers = req.headers;
    const incoming = headers[options.requestIdHeader];
    const accepted = isValidRequestId(incoming);
    const attributes: Record<string, RequestAttributeValue> = requestAttributes(
      req,
      options.trustProxy,
    );
    if (incoming !== undefined && !accepted) attributes[ATTR_SECLOG_REQUEST_ID_REJECTED] = true;
    const requestId = accepted ? incoming : randomUUID();
    if (hasActiveSpan()) return { requestId, attributes };
    return { requestId, spanContext: requestSpanContext(headers.traceparent), attributes };
  } catch (err) {
    diag.warn('@seclog/http: could not read the request; using a fresh request context', err);
    return fallbackRequestContext();
  }
}

/** A context that depends on nothing from the request; used when building one failed. */
function fallbackRequestContext(): RequestContext {
  const requestId = randomUUID();
  try {
    return hasActiveSpan() ? { requestId } : { requestId, spanContext: freshSpanContext() };
  } catch {
    return { requestId };
  }
}

function hasActiveSpan(): boolean {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext !== undefined && isSpanContextValid(spanContext);
}
