// Fastify integration: an application-wide plugin whose hooks run every route inside its
// request's context.
import { AsyncResource } from 'node:async_hooks';
import { runWithRequestContext } from '@seclog/security-logger';
import type {
  FastifyHookLike,
  FastifyInstanceLike,
  FastifyRequestContextPlugin,
  RequestContextOptions,
} from './types.js';
import { buildRequestContext } from './internal/build-request-context.js';
import { echoRequestId } from './internal/echo-request-id.js';
import { resolveOptions } from './internal/options.js';
import type { ResolvedOptions } from './internal/options.js';

// The async scope each request entered in onRequest, to re-enter in preValidation (see below).
const requestScopes = new WeakMap<object, AsyncResource>();

function register(
  instance: FastifyInstanceLike,
  opts: RequestContextOptions,
  done: (err?: Error) => void,
): void {
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions({
      ...(opts.requestIdHeader !== undefined && { requestIdHeader: opts.requestIdHeader }),
      ...(opts.trustProxy !== undefined && { trustProxy: opts.trustProxy }),
    });
  } catch (err) {
    done(err as Error);
    return;
  }
  const onRequest: FastifyHookLike = (request, reply, hookDone) => {
    const requestContext = buildRequestContext(request, resolved);
    echoRequestId(
      (name, value) => reply.header(name, value),
      resolved.responseHeader,
      requestContext.requestId,
    );
    runWithRequestContext(requestContext, () => {
      const scope = new AsyncResource('seclog.request-context');
      requestScopes.set(request, scope);
      scope.runInAsyncScope(hookDone);
    });
  };
  // Anything between the hooks may call back in another async scope (a pool, a cache client, a
  // stream event from the socket: nodejs/node#34430; Fastify < 5 also ran preValidation from the
  // body's 'end' event). Re-entering the scope captured in onRequest at preValidation (before the
  // handler) and onResponse (run from the response's 'finish') restores the request's context.
  const reenter: FastifyHookLike = (request, _reply, hookDone) => {
    const scope = requestScopes.get(request);
    if (scope === undefined) hookDone();
    else scope.runInAsyncScope(hookDone);
  };
  instance.addHook('onRequest', onRequest);
  instance.addHook('preValidation', reenter);
  instance.addHook('onResponse', reenter);
  done();
}

/**
 * A Fastify plugin that builds the request context for every request (see
 * `createRequestContext`) in an `onRequest` hook, sets the request id response header, and runs
 * the rest of the request (hooks, body parsing, route handler) inside `runWithRequestContext`.
 * Marked like `fastify-plugin` output (`Symbol.for('skip-override')`), so registering it once
 * applies to every route of the application. Options are `RequestContextOptions`; invalid ones
 * fail `register` (and so `ready()`/`listen()`).
 *
 * @example
 * await app.register(fastifyRequestContext, { trustProxy: 1 }); // one load balancer in front
 */
export const fastifyRequestContext: FastifyRequestContextPlugin = Object.assign(register, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@seclog/http',
  [Symbol.for('plugin-meta')]: { name: '@seclog/http', fastify: '>=4' },
});
