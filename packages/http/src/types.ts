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
   * Where `client.address` comes from. Default `false`.
   *
   * - `false` or `0`: the socket's peer address (no proxy in front).
   * - A number `n`: the address `n` hops away, as Express's `trust proxy` counts them. The socket's
   *   peer is hop 0 and `X-Forwarded-For` is read from the right, one entry per trusted proxy:
   *   with one load balancer in front, `1` takes the entry it appended. If the header has fewer
   *   entries, the leftmost is taken; an entry that is not an IP address stops the walk at the
   *   address before it.
   * - `true`: the first valid IP in `X-Forwarded-For` (leftmost), trusting every hop.
   *
   * SECURITY: `X-Forwarded-For` is a request header any client can send. Count only the proxies
   * you run: a number larger than that, or `true` behind a proxy that appends to (rather than
   * overwrites) the header, lets any client choose the address recorded in its security events,
   * e.g. to dodge per-address brute-force detection or to frame another address.
   * `network.peer.address` always keeps the socket's peer address.
   */
  readonly trustProxy?: boolean | number;
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
