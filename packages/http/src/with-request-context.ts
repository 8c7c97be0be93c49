// node:http integration: wraps a request listener so that it runs inside its request's context.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWithRequestContext } from '@seclog/security-logger';
import type {
  HttpRequestLike,
  HttpRequestListener,
  HttpResponseLike,
  RequestContextOptions,
} from './types.js';
import { buildRequestContext } from './internal/build-request-context.js';
import { echoRequestId } from './internal/echo-request-id.js';
import { resolveOptions } from './internal/options.js';

/**
 * Wraps a node:http request listener: for each request it builds the request context (see
 * `createRequestContext`), sets the request id response header, and runs `handler` inside
 * `runWithRequestContext`, so every record emitted while serving the request, across `await`,
 * timers and emitters created during it, carries the request's id and trace.
 *
 * `Req`/`Res` default to node:http's `IncomingMessage`/`ServerResponse`; any request and response
 * with the structural shape fit.
 *
 * Throws a TypeError at wrap time for invalid options; never throws per request (a context that
 * cannot be built is replaced by a fresh one, reported through `diag`). Errors thrown by `handler`
 * propagate unchanged.
 *
 * @example
 * http.createServer(withRequestContext((req, res) => { ... }));
 */
export function withRequestContext<
  Req extends HttpRequestLike = IncomingMessage,
  Res extends HttpResponseLike = ServerResponse,
>(
  handler: HttpRequestListener<Req, Res>,
  options?: RequestContextOptions,
): (req: Req, res: Res) => unknown {
  if (typeof handler !== 'function') {
    throw new TypeError('@seclog/http: handler must be a function');
  }
  const resolved = resolveOptions(options);
  return function seclogRequestContext(this: unknown, req: Req, res: Res): unknown {
    const requestContext = buildRequestContext(req, resolved);
    echoRequestId(
      (name, value) => res.setHeader(name, value),
      resolved.responseHeader,
      requestContext.requestId,
    );
    return runWithRequestContext(requestContext, () => handler.call(this, req, res));
  };
}
