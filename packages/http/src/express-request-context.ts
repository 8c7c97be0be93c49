// Express (and Connect) integration: a middleware that runs the rest of the chain inside the
// request's context.
import { runWithRequestContext } from '@seclog/security-logger';
import type { ExpressMiddleware, RequestContextOptions } from './types.js';
import { buildRequestContext } from './internal/build-request-context.js';
import { echoRequestId } from './internal/echo-request-id.js';
import { resolveOptions } from './internal/options.js';

/**
 * An Express middleware that builds the request context (see `createRequestContext`), sets the
 * request id response header, and calls `next()` inside `runWithRequestContext`, so the
 * middleware and handlers after it, across `await`, timers and emitters created during the
 * request, emit records carrying the request's id and trace. Register it first (`app.use(...)`
 * before routers and body parsers).
 *
 * Throws a TypeError at creation for invalid options; never throws per request.
 *
 * @example
 * app.use(expressRequestContext({ trustProxy: 1 })); // one load balancer in front
 */
export function expressRequestContext(options?: RequestContextOptions): ExpressMiddleware {
  const resolved = resolveOptions(options);
  return function seclogRequestContext(req, res, next): void {
    const requestContext = buildRequestContext(req, resolved);
    echoRequestId(
      (name, value) => res.setHeader(name, value),
      resolved.responseHeader,
      requestContext.requestId,
    );
    runWithRequestContext(requestContext, () => next());
  };
}
