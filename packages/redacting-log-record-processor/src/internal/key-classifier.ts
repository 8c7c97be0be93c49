// Classifies attribute and map keys by normalized name (case, `_`, `-`, `.`, camelCase ignored) into
// the redaction classes; results are cached because the same keys recur on every record.
import type { RedactionClass } from '../types.js';
import { foldKey, isWideKey } from './key-fold.js';

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
      'proxyauthorization', 'privatekeyid', 'dsn', 'jwt', 'bearer', 'passcode', 'pw', 'pword',
      'privkey', 'salt', 'totp', 'hotp', 'totpseed', 'authheader', 'authorizationheader', 'mfasecret', 'recoverycode', 'recoverycodes',
      'backupcode', 'backupcodes', 'recoverykey', 'recoveryphrase', 'seedphrase', 'mnemonic',
      'securityanswer', 'securityanswers', 'clientassertion', 'samlassertion', 'sig', 'signature',
      'parola', 'clave',
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
    [
      'phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilenumber', 'cell', 'cellphone', 'msisdn',
      'fax', 'phoneno', 'phonenum', 'mobileno', 'mobilephone', 'telno', 'whatsapp', 'whatsappnumber',
      'contactnumber',
    ],
  ],
  [
    'payment',
    ['cardnumber', 'creditcard', 'creditcardnumber', 'ccnumber', 'ccnum', 'pan', 'cardno', 'iban'],
  ],
  [
    'government-id',
    [
      'ssn', 'socialsecuritynumber', 'socialsecurityno', 'passportnumber', 'passportno', 'taxid',
      'taxidnumber', 'taxnumber', 'nationalid', 'nationalidnumber', 'nationalinsurancenumber', 'nino',
      'driverslicense', 'driverslicensenumber', 'driverlicense', 'driverlicensenumber', 'itin',
    ],
  ],
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
  ['recoverycodes', 'credential'],
  ['backupcodes', 'credential'],
  ['securityanswer', 'credential'],
  ['clientassertion', 'credential'],
  // The word for password in other languages (diacritics dropped: `contraseña`, `hasło`, `şifre`).
  ['passwort', 'credential'],
  ['kennwort', 'credential'],
  ['wachtwoord', 'credential'],
  ['contrasena', 'credential'],
  ['contrasenya', 'credential'],
  ['senha', 'credential'],
  ['motdepasse', 'credential'],
  ['haslo', 'credential'],
  ['heslo', 'credential'],
  ['sifre', 'credential'],
  ['lozinka', 'credential'],
  ['jelszo', 'credential'],
  ['salasana', 'credential'],
  ['passord', 'credential'],
  ['losenord', 'credential'],
  ['adgangskode', 'credential'],
  ['katasandi', 'credential'],
  ['sessionid', 'session-id'],
  ['userid', 'user-id'],
  ['username', 'user-id'],
  ['email', 'email'],
  ['emailaddress', 'email'],
  ['phonenumber', 'phone'],
  ['phoneno', 'phone'],
  ['passportnumber', 'government-id'],
  ['passportno', 'government-id'],
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

// Credential key families, read word by word (`keyStorePassword`, `DB_PASSWORD`, `user[pass]`,
// `Ocp-Apim-Subscription-Key`): a credential head word, then only words that still name the secret
// (`password_confirmation`, `password2`, `secret_key_base`). A head followed by any other word names
// something about the secret (`token_type`, `password_policy`, `secret_name`) and is not one.
/** Words that are a credential wherever they stand (after plural `s` and digits are dropped). */
const HEAD_WORDS = new Set([
  'pass', 'pwd', 'cred', 'creds', 'auth', 'otp', 'pin', 'passcode', 'jwt', 'dsn', 'cvv', 'cvc',
  'authorization', 'credentials', 'sessionkey', 'pw', 'pword', 'privkey', 'salt', 'totp', 'hotp',
  'mfa', 'signature', 'sig', 'senha',
]); // prettier-ignore
/** Word endings that make a credential head (`dbpassword`, `csrftoken`, `clientsecret`). */
const HEAD_ENDINGS = [
  'password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'credential', 'apikey',
  'accesskey', 'secretkey', 'privatekey', 'authkey', 'signingkey', 'encryptionkey', 'masterkey',
  'accountkey', 'subscriptionkey', 'functionskey', 'hmackey', 'clientkey', 'connectionstring',
  'storepass', 'keypass', 'passwort', 'kennwort', 'wachtwoord',
]; // prettier-ignore
/** Words that make a following `key` a credential (`api key`, `x-functions-key`). */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'auth', 'signing', 'encryption', 'master', 'account',
  'shared', 'subscription', 'functions', 'function', 'hmac', 'client', 'session', 'admin',
  'webhook', 'license', 'storage', 'sas', 'consumer', 'merchant', 'partner', 'ingest', 'write',
  'priv', 'recovery',
]); // prettier-ignore
/** Words after a head that still name the secret itself. */
const SAME_SECRET = new Set([
  'confirmation', 'confirm', 'confirmed', 'again', 'repeat', 'retype', 'verify', 'verification',
  'hash', 'hashed', 'digest', 'base', 'value', 'val', 'plain', 'plaintext', 'raw', 'old', 'new',
  'current', 'previous', 'prev', 'encrypted', 'enc', 'cipher', 'ciphertext', 'b64', 'base64', 'hex',
  'pem', 'der', 'str', 'string', 'text', 'data', 'bytes', 'salt', 'key', 'secret', 'token',
  'password', 'literal', 'override', 'phrase', 'word', 'code', 'codes', 'seed',
]); // prettier-ignore
/** Words before `tokens` that count model tokens (`gen_ai.usage.input_tokens`), not credentials. */
const TOKEN_COUNTS = new Set([
  'input', 'output', 'prompt', 'completion', 'total', 'max', 'min', 'num', 'cached', 'reasoning',
  'used', 'remaining', 'usage', 'count', 'context', 'generated', 'cache', 'read', 'creation',
]); // prettier-ignore

const WORD_RE = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

function isHead(word: string): boolean {
  if (HEAD_WORDS.has(word)) return true;
  for (const e of HEAD_ENDINGS) if (word.endsWith(e)) return true;
  return false;
}

/** Whether a key names a credential by its words (see the families above). */
function isCredentialKeyName(key: string): boolean {
  const raw = key.match(WORD_RE);
  if (raw === null) return false;
  let last = -1;
  let prev = '';
  const words: string[] = [];
  for (const w of raw) {
    const lower = w.toLowerCase();
    if (lower.charCodeAt(0) <= 57) continue; // digits: `password2`
    words.push(lower);
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const single = w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
    if (single === 'token' && w !== single && TOKEN_COUNTS.has(prev)) return false;
    if (isHead(single) || isHead(w) || (single === 'key' && KEY_QUALIFIERS.has(prev))) last = i;
    prev = w;
  }
  if (last < 0) return false;
  for (let i = last + 1; i < words.length; i++) if (!SAME_SECRET.has(words[i]!)) return false;
  return true;
}

const CACHE_LIMIT = 8192;
/** Plural credential words whose value, when it is a small number, counts them (`tokens=1500`). */
const COUNTED_RE = /(?:tokens|passwords|secrets|keys|creds|credentials|passphrases)$/;
const COUNT_RE = /^[0-9]{1,9}$/;
const SIGNAL_RE = /^SIG[A-Z0-9]{2,8}$/;
const HEADER_NAME_RE = /^[A-Z][a-z]{0,20}(?:-[A-Z][a-z]{1,20}){0,4}$/;

/**
 * The shortest words of which every name the classifier can match holds one (after `normalizeKey`):
 * each exact name and suffix is a substring of the normalized key, and so is each word the word
 * reader finds a head in (`key` after a qualifier). Words that contain a shorter one are left out.
 */
function gateStems(names: Iterable<string>): string[] {
  const all = [...new Set(names)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const stems: string[] = [];
  for (const name of all) if (!stems.some((s) => name.includes(s))) stems.push(name);
  return stems;
}

/** A character of a normalized key (`a`-`z` in either case, `0`-`9`) as 0-35, else -1. */
function symbol(c: number): number {
  if (c >= 97 && c <= 122) return c - 97;
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 48 && c <= 57) return c - 22;
  return -1;
}

/**
 * Whether a key may hold one of the stems: the first three characters of each stem (or all of a
 * shorter one) looked up in tables, reading the key as `normalizeKey` would, without building it.
 */
class StemGate {
  private readonly _one = new Uint8Array(36);
  private readonly _two = new Uint8Array(36 * 36);
  private readonly _three = new Uint8Array(36 * 36 * 36);

  constructor(stems: readonly string[]) {
    for (const stem of stems) {
      const [a, b, c] = [0, 1, 2].map((i) => symbol(stem.charCodeAt(i)));
      if (stem.length === 1) this._one[a!] = 1;
      else if (stem.length === 2) this._two[a! * 36 + b!] = 1;
      else this._three[(a! * 36 + b!) * 36 + c!] = 1;
    }
  }

  /** `false` only when the normalized key holds no stem. */
  mayHold(key: string): boolean {
    let a = -1;
    let b = -1;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      // Lower-casing may turn a wide character into ASCII (the Kelvin sign into `k`): read in full.
      if (code > 127) return true;
      const c = symbol(code);
      if (c < 0) continue;
      if (this._one[c] === 1) return true;
      if (b >= 0) {
        if (this._two[b * 36 + c] === 1) return true;
        if (a >= 0 && this._three[(a * 36 + b) * 36 + c] === 1) return true;
      }
      a = b;
      b = c;
    }
    return false;
  }
}

/** Every name in the word lists above (the fast rejection is built from them). */
export const BUILTIN_KEY_NAMES: readonly string[] = [
  ...EXACT.flatMap(([, names]) => names),
  ...SUFFIXES.map(([suffix]) => suffix),
  ...HEAD_WORDS,
  ...HEAD_ENDINGS,
  ...[...KEY_QUALIFIERS].map((q) => `${q}key`),
  ...PARAM_CREDENTIALS,
];

/** Key-name classifier with a bounded cache. */
export class KeyClassifier {
  private readonly _exact = new Map<string, KeyClass>();
  private readonly _cache = new Map<string, KeyClass | null>();
  private readonly _paramCache = new Map<string, KeyClass | null>();
  /**
   * Fast rejection of keys that hold no word any rule reads (`field_12`, `count`, `http.route`): a
   * map with thousands of distinct keys overflows the cache, and the full reading costs ~50x more.
   * `undefined` when a user key normalizes to nothing (then every key is read in full).
   */
  private readonly _gate: StemGate | undefined;

  /** `gate: false` reads every key in full (tests compare the two). */
  constructor(extraCredentialKeys: readonly string[], allowKeys: readonly string[], gate = true) {
    for (const [cls, names] of EXACT) for (const name of names) this._exact.set(name, cls);
    for (const key of extraCredentialKeys) this._exact.set(normalizeKey(key), 'credential');
    for (const key of allowKeys) this._exact.set(normalizeKey(key), 'allow');
    const user = [...extraCredentialKeys, ...allowKeys].map(normalizeKey);
    this._gate =
      !gate || user.includes('')
        ? undefined
        : new StemGate(gateStems([...BUILTIN_KEY_NAMES, ...user]));
  }

  /** Class of an attribute or map key; `undefined` when the name says nothing. */
  classify(key: string): KeyClass | undefined {
    // Before the cache: a map of many distinct plain keys would only churn it.
    if (this._gate !== undefined && !this._gate.mayHold(key)) return undefined;
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

  /**
   * Whether `value` under a credential `key` describes credentials instead of being one: a count
   * under a plural (`tokens: 1500`, `api_keys=2`), a header name under a header key
   * (`auth_header: Authorization`), a signal name under `sig` (`sig: SIGTERM`).
   */
  describes(key: string, value: string): boolean {
    if (SIGNAL_RE.test(value)) return normalizeKey(key) === 'sig';
    if (COUNT_RE.test(value)) return COUNTED_RE.test(normalizeKey(key));
    return HEADER_NAME_RE.test(value) && normalizeKey(key).endsWith('header');
  }

  private _compute(raw: string): KeyClass | undefined {
    // Only a key with non-ASCII characters pays for folding (and is cached like any other).
    const key = isWideKey(raw) ? foldKey(raw) : raw;
    const full = normalizeKey(key);
    const exact = this._exact.get(full);
    if (exact !== undefined) return exact;
    const dot = key.lastIndexOf('.');
    if (dot >= 0) {
      const last = this._exact.get(normalizeKey(key.slice(dot + 1)));
      if (last !== undefined) return last;
    }
    for (const [suffix, cls] of SUFFIXES) if (full.endsWith(suffix)) return cls;
    return isCredentialKeyName(key) ? 'credential' : undefined;
  }
}
