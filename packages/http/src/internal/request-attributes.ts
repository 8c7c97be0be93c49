// OTel attributes of an incoming request, computed defensively: every value is bounded in size
// and nothing that can carry secrets (query strings, fragments) is kept.
import { isIP } from 'node:net';
import type { RequestAttributeValue } from '@seclog/security-logger';
import type { HttpRequestLike } from '../types.js';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_USER_AGENT_ORIGINAL,
} from './attributes.js';

/** Longest `url.path` kept; longer paths are truncated. */
export const MAX_PATH_LENGTH = 2048;
/** Longest `user_agent.original` kept; longer values are truncated. */
export const MAX_USER_AGENT_LENGTH = 512;

// The methods semconv knows; any other goes in as `_OTHER` with the original beside it.
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);
const METHOD_TOKEN = /^[A-Za-z_-]{1,32}$/;

/** The request's attributes: method, path, client and peer address, user agent. */
export function requestAttributes(
  req: HttpRequestLike,
  trustProxy: boolean | number,
): Record<string, RequestAttributeValue> {
  const attributes: Record<string, RequestAttributeValue> = {};
  const method = req.method;
  if (typeof method === 'string') {
    if (KNOWN_METHODS.has(method)) {
      attributes[ATTR_HTTP_REQUEST_METHOD] = method;
    } else {
      attributes[ATTR_HTTP_REQUEST_METHOD] = '_OTHER';
      if (METHOD_TOKEN.test(method)) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method;
    }
  }
  const path = urlPath(req.originalUrl ?? req.url);
  if (path !== undefined) attributes[ATTR_URL_PATH] = path;

  const peer = req.socket?.remoteAddress;
  const peerAddress = typeof peer === 'string' && isIP(peer) !== 0 ? peer : undefined;
  if (peerAddress !== undefined) attributes[ATTR_NETWORK_PEER_ADDRESS] = peerAddress;
  const forwarded = req.headers['x-forwarded-for'];
  const client =
    trustProxy === true
      ? (forwardedFor(forwarded) ?? peerAddress)
      : typeof trustProxy === 'number' && trustProxy > 0
        ? forwardedClient(forwarded, peerAddress, trustProxy)
        : peerAddress;
  if (client !== undefined) attributes[ATTR_CLIENT_ADDRESS] = client;

  const userAgent = req.headers['user-agent'];
  if (typeof userAgent === 'string' && userAgent.length > 0) {
    attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent.slice(0, MAX_USER_AGENT_LENGTH);
  }
  return attributes;
}

/**
 * The path of a request target (origin-form `/p?q` or absolute-form `http://h/p?q`), without
 * query or fragment, which can carry tokens; `undefined` when there is none.
 */
export function urlPath(target: unknown): string | undefined {
  if (typeof target !== 'string' || target.length === 0) return undefined;
  let path = target;
  if (!path.startsWith('/')) {
    // Absolute-form (sent to proxies) or authority/asterisk-form: keep only what a URL parser
    // calls the pathname, never the userinfo or the query.
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(path)) return undefined;
    try {
      return new URL(path).pathname.slice(0, MAX_PATH_LENGTH);
    } catch {
      return undefined;
    }
  }
  const end = path.search(/[?#]/);
  if (end !== -1) path = path.slice(0, end);
  return path.slice(0, MAX_PATH_LENGTH);
}

/** Longer than any IP address text (IPv6 with an IPv4 tail and a zone id): not one. */
const MAX_ADDRESS_LENGTH = 100;

/**
 * The address `hops` hops away: `peer` is hop 0, then `X-Forwarded-For` from the right, one entry
 * per hop. Stops early at the header's leftmost entry, or before an entry that is not an IP address
 * (a trusted proxy appends the address it saw, so that entry was never written by one).
 */
export function forwardedClient(
  header: string | string[] | undefined,
  peer: string | undefined,
  hops: number,
): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  let client = peer;
  if (typeof joined !== 'string') return client;
  // Walks back from the end with lastIndexOf: bounded by `hops` entries, whatever the header's size.
  let end = joined.length;
  for (let hop = 1; hop <= hops && end >= 0; hop++) {
    const start = joined.lastIndexOf(',', end - 1);
    if (end - start - 1 > MAX_ADDRESS_LENGTH) break;
    const entry = joined.slice(start + 1, end).trim();
    if (isIP(entry) === 0) break;
    client = entry;
    end = start;
  }
  return client;
}

/** The first entry of `X-Forwarded-For` that is an IP address, if any. */
export function forwardedFor(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  if (typeof joined !== 'string') return undefined;
  // Bounded: a hostile header with thousands of entries costs no more than this.
  for (const entry of joined.slice(0, 4096).split(',', 32)) {
    const candidate = entry.trim();
    if (isIP(candidate) !== 0) return candidate;
  }
  return undefined;
}
