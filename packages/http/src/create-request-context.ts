// Builds the request context (validated request id, trace context, request attributes) that
// runWithRequestContext makes current for the duration of a request.
import { diag } from '@opentelemetry/api';
import type { RequestContext } from '@seclog/security-logger';
import type { HttpRequestLike, RequestContextOptions } from './types.js';
import {
  buildRequestContext,
  isValidRequestId as isValidId,
} from './internal/build-request-context.js';
import { DEFAULT_OPTIONS, resolveOptions } from './internal/options.js';
import type { ResolvedOptions } from './internal/options.js';
/**
 * Whether `value` is acceptable as a request id taken from a client: 1 to 128 characters of
 * `[A-Za-z0-9._:-]`, so it is safe to log, to echo in a header and to search for.
 */
export function isValidRequestId(value: unknown): value is string {
  return isValidId(value);
}

/**
 * The request context for `req`:
 * - `requestId`: the incoming request id header if `isValidRequestId` accepts it, else a new
 *   UUID; a rejected value is never kept, only the flag attribute `seclog.request.id_rejected`.
 * - `spanContext`: `undefined` while a valid span is active (the active span, e.g. the server span
 *   of an HTTP instrumentation, wins); else the incoming W3C `traceparent` continued with a fresh
 *   span id; else a fresh SAMPLED trace.
 * - `attributes`: `http.request.method`, `url.path` (never the query), `network.peer.address`,
 *   `client.address` (see `trustProxy`), `user_agent.original` (truncated).
 *
 * Never throws: invalid options are reported through `diag` and replaced by the defaults, and if
 * the request cannot be read a fresh context is returned.
 */
export function createRequestContext(
  req: HttpRequestLike,
  options?: RequestContextOptions,
): RequestContext {
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions(options);
  } catch (err) {
    diag.warn(`${(err as Error).message}; using the defaults`);
    resolved = DEFAULT_OPTIONS;
  }
  return buildRequestContext(req, resolved);
}
