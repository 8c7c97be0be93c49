// The standard workload: the security event of the reference (message, 8 attributes, one nested),
// 4096 pre-built variants, a fake GitHub token in 10% of them, assembled at run time.
import { randomBytes, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/api/v1/session', '/api/v1/users/me', '/admin/audit', '/api/v1/orders/42'];
const NAMES = ['auth.login', 'auth.logout', 'authz.denied', 'session.refresh'];
const OUTCOMES = ['success', 'failure'];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Size of the variant pool; a power of two so the hot loop can index with a mask. */
export const POOL_SIZE = 4096;

/** Share of variants that carry one secret. */
export const SECRET_SHARE = 0.1;

/** The paths pino's `redact` censors on this event (the same two as the reference). */
export const PINO_REDACT_PATHS = ['session.token', '["client.address"]'];

/** Random `[0-9A-Za-z]` string of the given length. */
export function randomBase62(length) {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length; i++) {
    const b = bytes[i % bytes.length];
    // 248 = 4 * 62: reject the tail so every character is equally likely.
    if (b < 248) out += BASE62[b % 62];
  }
  return out;
}

function base62(n, width) {
  let out = '';
  let v = n >>> 0;
  do {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

/**
 * A fake GitHub classic token that passes the format's CRC32 check (so value detectors with the
 * checksum validator fire), built at run time from random characters.
 */
export function fakeGithubToken() {
  const body = randomBase62(30);
  return `ghp_${body}${base62(crc32(body), 6)}`;
}

/** True when variant `i` of the pool carries a secret (spread, not every 10th, to avoid aliasing). */
export function hasSecret(i) {
  return (Math.imul(i + 1, 2654435761) >>> 0) / 2 ** 32 < SECRET_SHARE;
}

/**
 * One variant of the event: `{ msg, attrs, secret }` with attributes under their OTel names.
 * `attrs.session` is the nested attribute; in secret-bearing variants it has a `token`.
 */
export function makeEvent(i) {
  const session = {
    id: 'sess-' + randomUUID().slice(0, 18),
    mfa: { method: i % 3 === 0 ? 'webauthn' : 'totp', verified: i % 5 !== 0 },
  };
  const secret = hasSecret(i) ? fakeGithubToken() : undefined;
  if (secret !== undefined) session.token = secret;
  return {
    msg: i % 7 === 0 ? 'access denied by policy' : 'authentication attempt',
    attrs: {
      'event.name': NAMES[i % NAMES.length],
      'user.id': 'u-' + String(100000 + ((i * 7919) % 50000)),
      'client.address': '203.0.' + ((i >> 8) & 255) + '.' + (i & 255),
      'http.request.method': METHODS[i % METHODS.length],
      'url.path': PATHS[(i >> 2) % PATHS.length],
      'event.outcome': OUTCOMES[(i >> 1) % 2],
      'http.request.id': randomUUID(),
      session,
    },
    secret,
  };
}

/** The pool of variants, built once per process before the clock starts. */
export function makePool(size = POOL_SIZE) {
  const pool = new Array(size);
  for (let i = 0; i < size; i++) pool[i] = makeEvent(i);
  return pool;
}
