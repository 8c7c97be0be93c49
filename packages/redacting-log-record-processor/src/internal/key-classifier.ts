// Classifies attribute and map keys by normalized name (case, `_`, `-`, `.`, camelCase ignored) into
// the redaction classes; results are cached because the same keys recur on every record.
import type { RedactionClass } from '../types.js';

/**
 * `allow` marks keys that are never touched (trace ids, user allowKeys); `cookie` is a credential whose
 * cookie names are kept.
 */
export type KeyClass = RedactionClass | 'allow' | 'cookie';

/** Lower case, then drop everything that is not a letter or digit: `X-Api_Key` → `xapikey`. */
function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const EXACT: ReadonlyArray<readonly [KeyClass, readonly string[]]> = [
  ['allow', ['traceid', 'spanid', 'traceparent', 'tracestate', 'parentspanid', 'traceflags']],
  [
    'credential',
    [
      'pass', 'pwd', 'dbpass', 'userpass', 'adminpass', 'rootpass', 'smtppass', 'pin', 'otp',
      'cvv', 'cvc', 'cvv2', 'cvc2', 'securitycode', 'apikey', 'xapikey', 'apitoken', 'auth',
      'proxyauthorization', 'privatekeyid', 'dsn', 'jwt', 'bearer', 'passcode',
    ],
  ],
  [
    'session-id',
    [
      'sessionid', 'sid', 'jsessionid', 'phpsessid', 'aspnetsessionid', 'connectsid', 'sessid',
      'laravelsession', 'gitlabsession', 'session',
    ],
  ],
  ['user-id', ['userid', 'username', 'user', 'enduserid', 'customerid', 'userlogin', 'login']],
  ['email', ['email', 'mail', 'emailaddress']],
  [
    'phone',
    ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilenumber', 'cell', 'cellphone', 'msisdn', 'fax'],
  ],
  [
    'payment',
    ['cardnumber', 'creditcard', 'creditcardnumber', 'ccnumber', 'ccnum', 'pan', 'cardno', 'iban'],
  ],
  ['government-id', ['ssn', 'socialsecuritynumber', 'socialsecurityno']],
  [
    'ip',
    [
      'ip', 'ipaddress', 'clientaddress', 'clientip', 'sourceaddress', 'sourceip', 'srcip',
      'networkpeeraddress', 'remoteaddr', 'remoteaddress', 'remoteip', 'xforwardedfor', 'xrealip',
      'forwardedfor', 'ipv4', 'ipv6',
    ],
  ],
]; // prettier-ignore

const SUFFIXES: ReadonlyArray<readonly [string, KeyClass]> = [
  ['password', 'credential'],
  ['passwd', 'credential'],
  ['passphrase', 'credential'],
  ['pwd', 'credential'],
  ['secret', 'credential'],
  ['token', 'credential'],
  ['apikey', 'credential'],
  ['accesskey', 'credential'],
  ['secretkey', 'credential'],
  ['privatekey', 'credential'],
  ['authorization', 'credential'],
  ['cookie', 'cookie'],
  ['credentials', 'credential'],
  ['credential', 'credential'],
  ['authkey', 'credential'],
  ['signingkey', 'credential'],
  ['encryptionkey', 'credential'],
  ['masterkey', 'credential'],
  ['sessionkey', 'credential'],
  ['connectionstring', 'credential'],
  ['accountkey', 'credential'],
  ['sharedaccesskey', 'credential'],
  ['sessionid', 'session-id'],
  ['userid', 'user-id'],
  ['username', 'user-id'],
  ['email', 'email'],
  ['emailaddress', 'email'],
  ['phonenumber', 'phone'],
  ['phone', 'phone'],
  ['cardnumber', 'payment'],
  ['iban', 'payment'],
  ['socialsecuritynumber', 'government-id'],
  ['ipaddress', 'ip'],
  ['clientaddress', 'ip'],
  ['forwardedfor', 'ip'],
];

/** URL query parameter names that carry credentials even though they are generic words. */
const PARAM_CREDENTIALS = [
  'sig', 'signature', 'xamzsignature', 'xamzcredential', 'xamzsecuritytoken', 'code', 'key',
  'ticket', 'samlresponse', 'samlrequest', 'xgoogsignature', 'xgoogcredential',
]; // prettier-ignore

const CACHE_LIMIT = 8192;

/** Key-name classifier with a bounded cache. */
export class KeyClassifier {
  private readonly _exact = new Map<string, KeyClass>();
  private readonly _cache = new Map<string, KeyClass | null>();
  private readonly _paramCache = new Map<string, KeyClass | null>();

  constructor(extraCredentialKeys: readonly string[], allowKeys: readonly string[]) {
    for (const [cls, names] of EXACT) for (const name of names) this._exact.set(name, cls);
    for (const key of extraCredentialKeys) this._exact.set(normalizeKey(key), 'credential');
    for (const key of allowKeys) this._exact.set(normalizeKey(key), 'allow');
  }

  /** Class of an attribute or map key; `undefined` when the name says nothing. */
  classify(key: string): KeyClass | undefined {
    const cached = this._cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const result = this._compute(key);
    if (this._cache.size >= CACHE_LIMIT) this._cache.clear();
    this._cache.set(key, result ?? null);
    return result;
  }

  /** Class of a URL query parameter or a `name=value` pair in free text after `?`/`&`. */
  classifyParam(name: string): KeyClass | undefined {
    const cached = this._paramCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    let result = this.classify(name);
    if (result === undefined && PARAM_CREDENTIALS.includes(normalizeKey(name))) {
      result = 'credential';
    }
    if (this._paramCache.size >= CACHE_LIMIT) this._paramCache.clear();
    this._paramCache.set(name, result ?? null);
    return result;
  }

  private _compute(key: string): KeyClass | undefined {
    const full = normalizeKey(key);
    const exact = this._exact.get(full);
    if (exact !== undefined) return exact;
    const dot = key.lastIndexOf('.');
    if (dot >= 0) {
      const last = this._exact.get(normalizeKey(key.slice(dot + 1)));
      if (last !== undefined) return last;
    }
    for (const [suffix, cls] of SUFFIXES) if (full.endsWith(suffix)) return cls;
    return undefined;
  }
}
