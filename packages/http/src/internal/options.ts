// Validation of the options every middleware and createRequestContext accept.
import type { RequestContextOptions } from '../types.js';

/** Options after validation, with defaults applied. */
export interface ResolvedOptions {
  /** Lowercase, as Node stores incoming header names. */
  readonly requestIdHeader: string;
  /** As the user spelled it, for the response. */
  readonly responseHeader: string;
  /** `true`: every hop (leftmost address); a number: that many proxies, counted from the right. */
  readonly trustProxy: boolean | number;
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  requestIdHeader: 'x-request-id',
  responseHeader: 'X-Request-Id',
  trustProxy: false,
};

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/** Validates `options`; throws a TypeError naming the package and the option. */
export function resolveOptions(options: RequestContextOptions | undefined): ResolvedOptions {
  if (options === undefined) return DEFAULT_OPTIONS;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('@seclog/http: options must be an object');
  }
  const { requestIdHeader = DEFAULT_OPTIONS.responseHeader, trustProxy = false } = options;
  if (typeof requestIdHeader !== 'string' || !HEADER_NAME.test(requestIdHeader)) {
    throw new TypeError('@seclog/http: requestIdHeader must be a valid HTTP header name');
  }
  if (
    typeof trustProxy !== 'boolean' &&
    !(typeof trustProxy === 'number' && Number.isSafeInteger(trustProxy) && trustProxy >= 0)
  ) {
    throw new TypeError(
      '@seclog/http: trustProxy must be a boolean or the number of proxies in front of this process (an integer >= 0)',
    );
  }
  return {
    requestIdHeader: requestIdHeader.toLowerCase(),
    responseHeader: requestIdHeader,
    trustProxy,
  };
}
