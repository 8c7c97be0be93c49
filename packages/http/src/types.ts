// Public types of @seclog/http: structural shapes of the requests, responses and framework
// instances the middleware accepts, so that no web framework is a runtime dependency.

/**
 * The parts of an incoming request the middleware reads. Node's `IncomingMessage`, Express's
 * `Request` and Fastify's `FastifyRequest` all fit.
 */
export interface HttpRequestLike {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly method?: string | undefined;
  /** Request target: a path with query (`/a?b=c`) or an absolute URL; only the path is kept. */
  readonly url?: string | undefined;
  /** Express keeps the unmounted URL here; preferred over `url` when present. */
  readonly originalUrl?: string | undefined;
  readonly socket?: { readonly remoteAddress?: string | undefined } | undefined;
}

/** The parts of a node:http / Express response the middleware writes: the request id header. */
export interface HttpResponseLike {
  setHeader(name: string, value: string): unknown;
  readonly headersSent?: boolean | undefined;
}

/** Options shared by `createRequestContext` and every middleware. */
export interface RequestContextOptions {
  /**
   * Header that carries the request id in and out (case-insensitive). An incoming value is kept
   * only if it matches `/^[A-Za-z0-9._:-]{1,128}$/`; the id in effect is echoed in this header on
   * every response. Default `'x-request-id'`.
   */
  readonly requestIdHeader?: string;
  /**
   * Take `client.address` from the first valid IP in `X-Forwarded-For` instead of the socket's
   * peer address. Default `false`.
   *
   * SECURITY: enable only when every request reaches this process through a proxy you run that
   * overwrites (not appends to) `X-Forwarded-For`. Otherwise any client can choose the address
   * recorded in its security events, e.g. to dodge per-address brute-force detection or to frame
   * another address. `network.peer.address` always keeps the socket's peer address.
   */
  readonly trustProxy?: boolean;
}

/** A node:http request listener, as passed to `http.createServer`. */
export type HttpRequestListener<Req extends HttpRequestLike, Res extends HttpResponseLike> = (
  req: Req,
  res: Res,
) => unknown;

/** An Express (or Connect) middleware function. */
export type ExpressMiddleware = (
  req: HttpRequestLike,
  res: HttpResponseLike,
  next: (err?: unknown) => void,
) => void;

/** The parts of a Fastify request the plugin reads. */
export type FastifyRequestLike = HttpRequestLike;

/** The parts of a Fastify reply the plugin writes. */
export interface FastifyReplyLike {
  header(name: string, value: string): unknown;
}

/** Fastify's callback-style hook signature (`onRequest`, `preValidation`, `onResponse`). */
export type FastifyHookLike = (
  request: FastifyRequestLike,
  reply: FastifyReplyLike,
  done: (err?: Error) => void,
) => void;

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(name: 'onRequest' | 'preValidation' | 'onResponse', hook: FastifyHookLike): unknown;
}

/**
 * A Fastify plugin (callback style) that applies to the whole application, like a plugin wrapped
 * with `fastify-plugin`.
 */
export interface FastifyRequestContextPlugin {
  (instance: FastifyInstanceLike, opts: RequestContextOptions, done: (err?: Error) => void): void;
  readonly [key: symbol]: unknown;
}
