// The per-request store that correlates every record with its request id and trace, with or
// without a tracing SDK. Middleware (@seclog/http) fills it; loggers and processors read it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, diag, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';

/** Attribute values the request context may carry onto every record of the request. */
export type RequestAttributeValue = string | number | boolean | readonly string[];

/** What is known about the request being served; immutable for the request's lifetime. */
export interface RequestContext {
  /** A validated request id (see `@seclog/http`): safe to log and to echo. */
  readonly requestId: string;
  /**
   * The trace this request belongs to when no span is active (no tracing SDK): continued from an
   * incoming `traceparent` or freshly created. Ignored while a valid span is active.
   */
  readonly spanContext?: SpanContext;
  /** OTel attributes of the request (`http.request.method`, `url.path`, `client.address`, ...). */
  readonly attributes?: Readonly<Record<string, RequestAttributeValue>>;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` with `requestContext` as the current request: records emitted inside it, across
 * `await`, timers, streams and event emitters, carry its request id and trace ids. When a context
 * manager is registered and no span is active, the span context is also made active for OTel.
 */
export function runWithRequestContext<T>(requestContext: RequestContext, fn: () => T): T {
  if (typeof requestContext !== 'object' || requestContext === null) {
    // Never throw into the application: run `fn` without a request rather than not at all.
    diag.warn(
      'security-logger: runWithRequestContext needs a RequestContext object; running without one',
    );
    return fn();
  }
  const active = context.active();
  const otelContext =
    requestContext.spanContext !== undefined && !hasValidSpan(active)
      ? trace.setSpanContext(active, requestContext.spanContext)
      : active;
  return storage.run(requestContext, () => context.with(otelContext, fn));
}

/**
 * Runs `fn` outside any request and span: for records that belong to no request, such as the
 * black box's own integrity events, which would otherwise carry the ids of whichever request
 * happened to start the exporter.
 */
export function runWithoutRequestContext<T>(fn: () => T): T {
  return storage.exit(() => context.with(ROOT_CONTEXT, fn));
}

/** The request being served, or `undefined` outside any request. */
export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * The OTel context a record should be emitted with: the active one when it holds a valid span,
 * else the active one carrying the current request's span context (so correlation holds even when
 * no context manager or tracing SDK is installed).
 */
export function contextForEmit(): Context {
  const active = context.active();
  if (hasValidSpan(active)) return active;
  const spanContext = storage.getStore()?.spanContext;
  return spanContext === undefined ? active : trace.setSpanContext(active, spanContext);
}

function hasValidSpan(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && isSpanContextValid(spanContext);
}
