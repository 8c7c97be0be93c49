// @seclog/http: request id and trace context middleware for node:http, Express and Fastify.
export { createRequestContext, isValidRequestId } from './create-request-context.js';
export { expressRequestContext } from './express-request-context.js';
export { fastifyRequestContext } from './fastify-request-context.js';
export { withRequestContext } from './with-request-context.js';
export type {
  ExpressMiddleware,
  FastifyHookLike,
  FastifyInstanceLike,
  FastifyReplyLike,
  FastifyRequestContextPlugin,
  FastifyRequestLike,
  HttpRequestLike,
  HttpRequestListener,
  HttpResponseLike,
  RequestContextOptions,
} from './types.js';
