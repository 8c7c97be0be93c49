// The credential of an `Authorization` (or `Proxy-Authorization`) header value: whatever follows the
// scheme, for any scheme (`SSWS`, `Splunk`, `GenieKey`, `SharedKey`, a custom one), and for schemes
// whose credential is a parameter list (`Digest`, `AWS4-HMAC-SHA256`, `Token token=...`) the value
// of every parameter not known to be public (`realm`, `nonce`, `uri`, ...). The scheme is kept.
import type { Push } from './rule-context.js';
import { AUTH_SCHEMES } from './rule-context.js';

/** `authorization`, `Proxy-Authorization`, `x-authorization`, `http.request.header.authorization`. */
const AUTH_KEY_RE = /(?:^|[-_.])authori[sz]ation$/i;
/** A scheme word: letters, then dash-separated parts (`AWS4-HMAC-SHA256`, `X-Acme-Auth`). */
const SCHEME_RE = /^[A-Za-z]{1,24}[0-9]?(?:-[A-Za-z0-9]{1,16}){0,4}$/;
/** Parameters of Digest, AWS SigV4 and similar schemes that are never secret. */
const PUBLIC_PARAMS = new Set([
  'realm', 'nonce', 'uri', 'qop', 'nc', 'cnonce', 'algorithm', 'opaque', 'username', 'userhash',
  'charset', 'domain', 'stale', 'signedheaders',
]); // prettier-ignore
const PARAM_RE =
  /([A-Za-z][A-Za-z0-9_-]{0,31})[ \t]{0,3}=[ \t]{0,3}(?:"([^"\r\n]{0,1024})"|([^\s",;]{1,1024}))/y;
const SEP_RE = /[ \t]{0,3},?[ \t]{0,3}/y;
const TOKEN_RE = /[^\s"',;]{1,4096}/y;

export function isAuthorizationKey(key: string): boolean {
  return AUTH_KEY_RE.test(key);
}

/** Whether the word before a credential is a scheme, known or shaped like one. */
export function isAuthScheme(word: string, authorizationKey: boolean): boolean {
  if (AUTH_SCHEMES.has(word.toLowerCase())) return true;
  return authorizationKey && SCHEME_RE.test(word);
}

/**
 * Redacts the credential that starts at `from` (after a scheme and its spaces), up to `limit`:
 * a parameter list parameter by parameter, else one token (`quoted`: the rest of the quoted value).
 * Returns where the credential ends, or -1 when nothing follows.
 */
export function pushAuthCredential(
  s: string,
  from: number,
  limit: number,
  quoted: boolean,
  push: Push,
): number {
  PARAM_RE.lastIndex = from;
  let m = PARAM_RE.exec(s);
  if (m !== null && m.index + m[0].length <= limit) {
    let end = from;
    let found = false;
    while (m !== null && m.index + m[0].length <= limit) {
      const value = m[2] ?? m[3]!;
      const vStart = m.index + m[0].length - value.length - (m[2] !== undefined ? 1 : 0);
      if (!PUBLIC_PARAMS.has(m[1]!.toLowerCase()) && value.length > 0) {
        push(vStart, vStart + value.length, '[REDACTED:credential]');
        found = true;
      }
      end = m.index + m[0].length;
      SEP_RE.lastIndex = end;
      SEP_RE.exec(s);
      PARAM_RE.lastIndex = SEP_RE.lastIndex;
      m = SEP_RE.lastIndex > end ? PARAM_RE.exec(s) : null;
    }
    if (found) return end;
  }
  if (quoted) {
    if (limit <= from) return -1;
    push(from, limit, '[REDACTED:credential]');
    return limit;
  }
  TOKEN_RE.lastIndex = from;
  const t = TOKEN_RE.exec(s);
  if (t === null || t.index !== from) return -1;
  const end = Math.min(limit, from + t[0].length);
  push(from, end, '[REDACTED:credential]');
  return end;
}
