// The redaction engine: walks values copy-on-write, applies key rules by normalized name and value rules
// by one pre-filter pass per string, within a per-record work budget; fails closed on errors.
import { createHmac } from 'node:crypto';
import type { RedactionAction, RedactionClass } from '../types.js';
import type { KeywordRule, PrefixRule } from './builtin-rules.js';
import { buildDispatch, KEYWORD_RULES, PREFIX_RULES } from './builtin-rules.js';
import type { KeyClass } from './key-classifier.js';
import { KeyClassifier } from './key-classifier.js';
import type { CompiledRule, ResolvedOptions } from './options.js';
import { BUILTIN_RULE_IDS } from './options.js';
import {
  isBasicCredential,
  isJwtHeader,
  isValidCardNumber,
  isValidIban,
  isValidSsn,
} from './validators.js';

/** Marker returned for a value whose key must be deleted. */
export const REMOVE: unique symbol = Symbol('seclog.redaction.remove');
export const ERROR_PLACEHOLDER = '[REDACTED:error]';
export const BUDGET_PLACEHOLDER = '[REDACTED:budget]';
export const DEPTH_PLACEHOLDER = '[REDACTED:depth]';
const CUT_PLACEHOLDER = '[REDACTED:truncated]';

/** Thrown inside a scan when the per-record work budget is spent; caught at the value. */
class BudgetExceededError extends Error {
  constructor() {
    super('@seclog/redacting-log-record-processor: work budget per record exceeded');
  }
}

/** Per-record bookkeeping. */
export interface Tally {
  /** Work units spent (characters examined plus visited values). */
  work: number;
  readonly budget: number;
  /** Leaf values changed. */
  leaves: number;
  /** Errors raised by rules, reported after the record (allocated on the first one). */
  errors: unknown[] | undefined;
  /** The SDK's attribute value length limit while attributes are walked: strings this long were cut. */
  cutLength: number;
}

interface Hit {
  start: number;
  end: number;
  rep: string;
}

const PLACEHOLDER_RE = /^\[REDACTED:[a-z0-9-]{1,40}\](?:@[A-Za-z0-9.-]{1,253})?$/;
const HMAC_RE = /^hmac:[A-Za-z][A-Za-z0-9_-]{0,15}:[A-Za-z0-9_-]{43}$/;
const TEMPLATE_RE =
  /^(?:\$\{[^}]{1,128}\}|\{\{[^}]{0,128}\}\}|%[sdvqj]|\$[0-9]|%[A-Za-z_][A-Za-z0-9_]{0,63}%|<[A-Za-z_ -]{1,64}>|\*{1,64}|x{3,64}|null|undefined|true|false|none|nil)$/i;
const AUTH_SCHEMES = new Set([
  'bearer',
  'basic',
  'digest',
  'token',
  'negotiate',
  'ntlm',
  'aws4-hmac-sha256',
  'apikey',
  'dpop',
  'hoba',
  'mutual',
  'scram-sha-256',
]);
const COOKIE_ATTRIBUTES = new Set([
  'path',
  'domain',
  'expires',
  'max-age',
  'samesite',
  'secure',
  'httponly',
  'priority',
  'partitioned',
]);
const STOPWORDS = new Set([
  'reset', 'changed', 'expired', 'required', 'invalid', 'updated', 'missing', 'incorrect', 'policy',
  'rotation', 'rotated', 'accepted', 'rejected', 'ok', 'set', 'unset', 'redacted', 'hidden',
  'present', 'provided', 'wrong', 'mismatch', 'empty', 'valid', 'revoked', 'refreshed', 'issued',
  'denied', 'failed', 'success', 'error', 'bucket', 'limit', 'exceeded', 'yes', 'no',
]); // prettier-ignore
const CARD_CONTEXT_RE =
  /card|visa|master|amex|\bpan\b|\bcc|credit|debit|discover|jcb|diners|maestro|unionpay/i;
// The word right before a bare digit run that makes it an id (`order 4…`, `ref=`, `#`), not a card.
const ID_CONTEXT_RE =
  /(?:(?<![A-Za-z])(?:id|ids|no|nr|num|order|orders|tracking|invoice|shipment|parcel|account|acct|ref|reference|request|req|txn|transaction|customer|document|doc|batch|job|ticket|sequence|seq|offset|snowflake|message|msg|event|trace|build|run|(?:tracking|order|invoice|account|reference|serial|parcel)[ _-]?number)|#)[^A-Za-z0-9]{0,4}$/i;
const COMMON_TLDS = new Set(
  (
    'com net org edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs cat io ai ' +
    'app dev co me tv xyz online site tech store cloud email shop blog page club live news top space ' +
    'website icu vip work life world today solutions services agency company digital network systems ' +
    'group global media studio design team center zone one inc llc ltd gmbh bank insurance health ' +
    'consulting software tools codes fyi wiki link click help support academy education school'
  ).split(' '),
);

// Character classes and flags computed by the pre-filter pass, one table lookup per character.
const C_TOKEN = 1; // [A-Za-z0-9_-]
const C_DIGIT = 2;
const C_UPPER = 4;
const F_AT = 8;
const F_EQ = 16;
const F_COLON = 32;
const F_DOT = 64;
const F_SPACE = 128;
const F_TILDE = 256;
const F_PERCENT = 512;
const CHAR_TABLE = ((): Uint16Array => {
  const t = new Uint16Array(128);
  for (let c = 48; c <= 57; c++) t[c] = C_TOKEN | C_DIGIT;
  for (let c = 65; c <= 90; c++) t[c] = C_TOKEN | C_UPPER;
  for (let c = 97; c <= 122; c++) t[c] = C_TOKEN;
  t[95] = C_TOKEN;
  t[45] = C_TOKEN;
  t[64] = F_AT;
  t[61] = F_EQ;
  t[58] = F_COLON;
  t[46] = F_DOT;
  t[32] = F_SPACE;
  t[9] = F_SPACE;
  t[10] = F_SPACE;
  t[126] = F_TILDE;
  t[37] = F_PERCENT;
  return t;
})();
/** Pre-filter flag a keyword rule needs (its keyword's non-token character). */
const KEYWORD_FLAGS: Readonly<Record<string, number>> = {
  'azure-entra-client-secret': F_TILDE,
  'terraform-token': F_DOT,
  'telegram-bot-token': F_COLON,
  'mailchimp-api-key': 0,
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
function isB64Url(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45;
}

const PEM_BEGIN_RE = /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_END_RE = /-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
// The password runs to the last `@` before the host (it may hold unencoded `@`, `#` or `?`), or to
// the end of a value cut by the SDK's length limit.
const USERINFO_RE =
  /([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s/:@?#'"]{0,256}:)(?:([^\s/'"]{1,256})@(?=[A-Za-z0-9[])|([^\s/@?#'"]{1,256})$)/g;
// `key=value` in text: shell and JVM flags (`--password=`, `-Dx.keyStorePassword=`), env lines,
// bracketed form fields (`user[password]=`), quoted values with escapes, and an opening bracket.
const KV_RE =
  /(?<![A-Za-z0-9_.-])(?:--?)?(?<key>[A-Za-z][A-Za-z0-9_.-]{0,63}(?:\[[A-Za-z0-9_.-]{0,63}\]){0,4})(?<q>\\?["']?)[ \t]{0,3}(?<op>=>|:=|==|=|:)[ \t]{0,3}(?:\\"(?<edq>[^"\\\r\n]{0,1024})\\"|"(?<dq>(?:[^"\\\r\n]|\\.){0,1024})"|'(?<sq>(?:[^'\\\r\n]|\\.){0,1024})'|(?<bare>[^\s"'\\,;&<>{[][^\s"'\\,;&<>]{0,1023})|(?<open>[[{]))/dg;
/** `--password value` (a flag and the next argument). */
const CLI_FLAG_RE =
  /(?<![^\s"'])--?(?<key>[A-Za-z][A-Za-z0-9_.-]{0,63})[ \t]{1,3}(?:"(?<dq>[^"\r\n]{1,1024})"|'(?<sq>[^'\r\n]{1,1024})'|(?<bare>[^\s"'-][^\s"']{0,1023}))/dg;
/** A bracketed value that holds only keys and this processor's placeholders (already redacted). */
const OWN_STRUCTURE_RE =
  /^(?:[\s[\]{},:]|\\?"[A-Za-z0-9_.-]{0,64}\\?"[ \t]{0,3}:|\\?"\[REDACTED:[a-z0-9-]{1,40}\]\\?")*$/;
/** Longest bracketed value read under a credential key; a longer one is redacted to this length. */
const MAX_BRACKET_VALUE = 4096;
const PHONE_TAIL_RE = /(?:[ .()-]{0,3}[0-9]){1,20}/y;
const AUTH_FOLLOW_RE = /[ \t]{1,3}([^\s"',;]{1,4096})/y;
const BEARER_RE =
  /(?<![A-Za-z0-9_-])(?:[Bb]earer|BEARER|[Bb]asic|BASIC)[ \t]{1,3}([A-Za-z0-9._~+/-]{8,4096}={0,2})/dg;
const BEARER_GATE_RE = /[Bb]earer|BEARER|[Bb]asic|BASIC/;
const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const USERINFO_TAIL_RE = /:\/\/[^\s/@]{0,256}:$/;
// After one `/` an address is a path segment (`/users/jane@example.com`); after `//` it is userinfo.
const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])(?<!\/\/)[A-Za-z0-9._%+-]{1,64}@((?:[A-Za-z0-9-]{1,63}\.){1,8}([A-Za-z]{2,24}))(?![A-Za-z0-9-]|\.[A-Za-z0-9]|:[A-Za-z0-9_.~-]{0,200}\/)/g;
const IPV4_RE =
  /(?<![0-9.])(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}(?![0-9]|\.[0-9])/g;
const JWT_TRUNCATED_HEADER_RE = /^eyJ(?:hbGci|0eXAi|raWQi|lbmMi|jdHki|4NXUi|6aXAi)/;
const PERCENT_ESCAPE_RE = /%[0-9A-Fa-f]{2}/;
const CLEAN_CACHE_MAX_LENGTH = 64;
const CLEAN_CACHE_SIZE = 4096;
const GENERIC_CHILD_KEYS = new Set(
  ['id', 'name', 'key', 'value', 'number', 'address'].flatMap((k) => [
    k,
    k.toUpperCase(),
    k[0]!.toUpperCase() + k.slice(1),
  ]),
);

/** The engine shared by the processor and `Redactor`. */
export class RedactionEngine {
  private readonly _o: ResolvedOptions;
  private readonly _keys: KeyClassifier;
  private readonly _dispatch: ReadonlyArray<readonly PrefixRule[] | undefined>;
  private readonly _keywordRules: readonly KeywordRule[];
  private readonly _customRules: readonly CompiledRule[];
  private readonly _kvGate: RegExp;
  private readonly _on: (id: string) => boolean;
  private readonly _keyRulesOn: Readonly<Record<RedactionClass, boolean>>;
  /** Switches of the structural rules, as a fixed-shape object (read on every scan). */
  private readonly _rulesOn: {
    readonly jwt: boolean;
    readonly privateKey: boolean;
    readonly urlUserinfo: boolean;
    readonly authorizationHeader: boolean;
    readonly keyValue: boolean;
    readonly card: boolean;
    readonly ssn: boolean;
    readonly iban: boolean;
    readonly email: boolean;
    readonly ipv4: boolean;
  };
  private readonly _hits: Hit[] = [];
  private readonly _clean = new Set<string>();
  private _lastDigits = 0;
  private _lastFlags = 0;
  private readonly _hmacCache = new Map<string, string>();

  constructor(options: ResolvedOptions) {
    this._o = options;
    this._keys = new KeyClassifier(options.keys, options.allowKeys);
    const disabled = options.disabled;
    this._on = (id) => !disabled.has(id);
    const enabled: Record<string, boolean> = {};
    for (const id of BUILTIN_RULE_IDS) enabled[id] = !disabled.has(id);
    this._rulesOn = {
      jwt: enabled['jwt'] === true,
      privateKey: enabled['private-key'] === true,
      urlUserinfo: enabled['url-userinfo'] === true,
      authorizationHeader: enabled['authorization-header'] === true,
      keyValue: enabled['key-value-credential'] === true,
      card: enabled['payment-card'] === true,
      ssn: enabled['us-ssn'] === true,
      iban: enabled['iban'] === true,
      email: enabled['email'] === true,
      ipv4: enabled['ipv4'] === true,
    };
    this._keyRulesOn = {
      credential: enabled['key-credential'] === true,
      payment: enabled['key-payment'] === true,
      'government-id': enabled['key-government-id'] === true,
      email: enabled['key-email'] === true,
      phone: enabled['key-phone'] === true,
      'user-id': enabled['key-user-id'] === true,
      'session-id': enabled['key-session-id'] === true,
      ip: enabled['key-ip'] === true,
    };
    this._dispatch = buildDispatch(PREFIX_RULES.filter((r) => this._on(r.id)));
    this._keywordRules = KEYWORD_RULES.filter((r) => this._on(r.id));
    this._customRules = options.rules;
    const stems = [
      'pass', 'pwd', 'secret', 'token', 'key', 'auth', 'cred', 'cookie', 'sess', 'sid', 'sig',
      'code', 'ssn', 'card', 'iban', 'mail', 'phone', 'pin', 'otp', 'cvv', 'cvc', 'ticket',
      'saml', 'dsn', 'jwt', 'bearer', 'mobile', 'tel', 'pan', 'msisdn', 'fax', 'cell', 'social',
      'ccn', 'connection',
    ]; // prettier-ignore
    if (options.actions['user-id'] !== 'keep') stems.push('user', 'login', 'customer');
    if (options.actions.ip !== 'keep') stems.push('ip', 'addr', 'forwarded');
    for (const key of options.keys) stems.push(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
    this._kvGate = new RegExp(
      stems
        .map((s) => s.replace(/[^a-z0-9]/g, ''))
        .filter((s) => s.length > 0)
        .join('|'),
      'i',
    );
  }

  /** A fresh tally for one record. */
  newTally(): Tally {
    return { work: 0, budget: this._o.maxWork, leaves: 0, errors: undefined, cutLength: -1 };
  }

  /** Redacts the value found under `key`; returns the same reference when nothing changed. */
  redactEntry(
    key: string,
    value: unknown,
    tally: Tally,
    depth: number,
    parentKey?: string,
  ): unknown {
    let cls = this._keys.classify(key);
    if (cls === undefined && parentKey !== undefined && GENERIC_CHILD_KEYS.has(key)) {
      cls = this._keys.classify(`${parentKey}.${key}`);
    }
    if (cls === 'allow') return value;
    return this.redactValue(value, cls, tally, depth, key);
  }

  /** Redacts a value of known (or no) key class. */
  redactValue(
    value: unknown,
    cls: KeyClass | undefined,
    tally: Tally,
    depth: number,
    key?: string,
  ): unknown {
    tally.work++;
    switch (typeof value) {
      case 'string':
        return this._redactString(value, cls, tally, depth);
      case 'number':
      case 'bigint':
        return this._redactNumber(value, cls, tally);
      case 'object':
        if (value === null || ArrayBuffer.isView(value)) return value;
        if (depth >= this._o.maxDepth) {
          tally.leaves++;
          return DEPTH_PLACEHOLDER;
        }
        if (tally.work > tally.budget) {
          tally.leaves++;
          return BUDGET_PLACEHOLDER;
        }
        if (Array.isArray(value)) return this._redactArray(value, cls, tally, depth);
        if (!isPlainObject(value)) return this._redactInstance(value, cls, tally, depth, key);
        return this._redactMap(value as Record<string, unknown>, cls, tally, depth, key);
      default:
        return value;
    }
  }

  /**
   * A class instance (a `URL`, a `Date`, an object with `toJSON` or `toString`) reaches an exporter
   * through `JSON.stringify` or `String()`, not through its own fields: redact what it will print.
   * It is kept as is when that text has nothing to redact.
   */
  private _redactInstance(
    value: object,
    cls: KeyClass | undefined,
    tally: Tally,
    depth: number,
    key: string | undefined,
  ): unknown {
    const o = value as { toJSON?: unknown; toString?: unknown };
    let printed: unknown;
    try {
      if (typeof o.toJSON === 'function') printed = (o.toJSON as () => unknown).call(value);
      else if (typeof o.toString === 'function' && o.toString !== Object.prototype.toString) {
        const fields = this._redactMap(value as Record<string, unknown>, cls, tally, depth, key);
        if (fields !== value) return fields;
        printed = (o.toString as () => unknown).call(value);
      } else {
        return this._redactMap(value as Record<string, unknown>, cls, tally, depth, key);
      }
    } catch (err) {
      (tally.errors ??= []).push(err);
      tally.leaves++;
      return ERROR_PLACEHOLDER;
    }
    if (printed === value) return value;
    const r = this.redactValue(printed, cls, tally, depth + 1, key);
    return r === printed ? value : r;
  }

  private _redactArray(
    arr: readonly unknown[],
    cls: KeyClass | undefined,
    tally: Tally,
    depth: number,
  ): unknown {
    let out: unknown[] | undefined;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      let r = this.redactValue(v, cls, tally, depth + 1);
      if (r === v) continue;
      if (r === REMOVE) r = `[REDACTED:${classLabel(cls)}]`;
      out ??= arr.slice();
      out[i] = r;
    }
    return out ?? arr;
  }

  private _redactMap(
    map: Record<string, unknown>,
    cls: KeyClass | undefined,
    tally: Tally,
    depth: number,
    key: string | undefined,
  ): unknown {
    let out: Record<string, unknown> | undefined;
    // Credentials taint their whole subtree; other classes describe only scalar values.
    const inherited = cls === 'credential' || cls === 'cookie' ? cls : undefined;
    for (const k in map) {
      if (!Object.prototype.hasOwnProperty.call(map, k)) continue;
      const v = map[k];
      const r =
        inherited !== undefined
          ? this.redactValue(v, inherited, tally, depth + 1)
          : this.redactEntry(k, v, tally, depth + 1, key);
      if (r === v) continue;
      out ??= { ...map };
      if (r === REMOVE) delete out[k];
      else out[k] = r;
    }
    return out ?? map;
  }

  private _redactNumber(value: number | bigint, cls: KeyClass | undefined, tally: Tally): unknown {
    if (cls !== undefined && cls !== 'allow' && this._keyAction(cls) !== 'keep') {
      const r = this._applyKeyAction(cls, String(value));
      if (r !== String(value)) tally.leaves++;
      return r;
    }
    // Card numbers logged as numbers: only plain 14 to 16 digit integers with IIN and Luhn.
    if (typeof value === 'number' && value >= 1e13 && value < 1e16 && Number.isSafeInteger(value)) {
      const digits = String(value);
      if (this._rulesOn.card && isValidCardNumber(digits)) {
        tally.leaves++;
        return this._paymentRep(digits, 'payment-card');
      }
    }
    return value;
  }

  private _redactString(
    value: string,
    cls: KeyClass | undefined,
    tally: Tally,
    depth: number,
  ): unknown {
    if (cls !== undefined && cls !== 'allow' && this._keyAction(cls) !== 'keep') {
      if (this._isAllowedValue(value)) return value;
      const r = this._applyKeyAction(cls, value);
      if (r !== value) tally.leaves++;
      return r;
    }
    let r: string;
    try {
      r = this.scanString(value, tally, depth);
    } catch (err) {
      tally.leaves++;
      if (err instanceof BudgetExceededError) return BUDGET_PLACEHOLDER;
      (tally.errors ??= []).push(err);
      return ERROR_PLACEHOLDER;
    }
    if (value.length === tally.cutLength) r = redactCutTail(r);
    if (r !== value) tally.leaves++;
    return r;
  }

  private _keyAction(cls: Exclude<KeyClass, 'allow'>): RedactionAction {
    const c: RedactionClass = cls === 'cookie' ? 'credential' : cls;
    if (!this._keyRulesOn[c]) return 'keep';
    return this._o.actions[c];
  }

  private _isAllowedValue(text: string): boolean {
    for (const re of this._o.allowValues) if (re.test(text)) return true;
    return false;
  }

  /** Applies the class action of a key rule to a whole string value. */
  private _applyKeyAction(cls: Exclude<KeyClass, 'allow'>, value: string): string | typeof REMOVE {
    if (value.length === 0 || isOwnOutput(value)) return value;
    const action = this._keyAction(cls);
    if (action === 'keep') return value;
    if (action === 'remove') return REMOVE;
    if (cls === 'cookie') return redactCookie(value);
    if (cls === 'credential') return keepAuthScheme(value, '[REDACTED:credential]');
    return this._classRep(cls, value, action, classLabel(cls));
  }

  /** Replacement text for a value of a class (not credential) under a given action. */
  private _classRep(
    cls: RedactionClass,
    text: string,
    action: RedactionAction,
    label: string,
  ): string {
    if (action === 'hmac') return this._pseudonym(cls, text);
    if (action === 'mask') {
      if (cls === 'payment') return this._paymentRep(text, label);
      if (cls === 'email') {
        const at = text.lastIndexOf('@');
        return at > 0 ? `[REDACTED:email]${text.slice(at)}` : '[REDACTED:email]';
      }
    }
    return `[REDACTED:${label}]`;
  }

  private _ibanRep(text: string): string {
    if (this._o.actions.payment !== 'mask') return '[REDACTED:iban]';
    return text.slice(0, 2) + maskKeepingLast4(text.slice(2));
  }

  private _paymentRep(text: string, label: string): string {
    if (this._o.actions.payment !== 'mask') return `[REDACTED:${label}]`;
    return maskKeepingLast4(text);
  }

  private _pseudonym(cls: RedactionClass, text: string): string {
    const hmac = this._o.hmac;
    if (hmac === undefined) return `[REDACTED:${classLabel(cls)}]`;
    const input = cls === 'email' ? text.trim().toLowerCase() : text;
    const cached = this._hmacCache.get(input);
    if (cached !== undefined) return cached;
    const out = `hmac:${hmac.keyId}:${createHmac('sha256', hmac.key).update(input).digest('base64url')}`;
    if (this._hmacCache.size >= 4096) this._hmacCache.clear();
    this._hmacCache.set(input, out);
    return out;
  }

  /** Scans a string (JSON-aware) and returns the redacted string, or the same string. */
  scanString(s: string, tally: Tally, depth: number): string {
    const n = s.length;
    if (n < 6) return s;
    // Short values recur on most records (event outcomes, routes, messages): remember clean ones.
    if (n <= CLEAN_CACHE_MAX_LENGTH && this._clean.has(s)) return s;
    if (tally.work + n > tally.budget) throw new BudgetExceededError();
    if (n >= 16 && n <= 128 && isLowerHexId(s)) {
      tally.work += n;
      return s;
    }
    let text = s;
    let c0 = s.charCodeAt(0);
    let cLast = s.charCodeAt(n - 1);
    if (c0 <= 32 || cLast <= 32) {
      // JSON is often logged with a trailing newline or indentation.
      const trimmed = s.trim();
      c0 = trimmed.charCodeAt(0);
      cLast = trimmed.charCodeAt(trimmed.length - 1);
    }
    const jsonLike = (c0 === 123 && cLast === 125) || (c0 === 91 && cLast === 93);
    if (!jsonLike) {
      const out = this._scanDecoding(s, tally);
      // Values with several digits are mostly ids and addresses that never repeat: not worth caching.
      if (out === s && n <= CLEAN_CACHE_MAX_LENGTH && this._lastDigits <= 2) {
        if (this._clean.size >= CLEAN_CACHE_SIZE) this._clean.clear();
        this._clean.add(s);
      }
      return out;
    }
    if (n <= this._o.maxJsonLength && depth < this._o.maxDepth) {
      tally.work += n;
      let parsed: unknown;
      let ok = false;
      try {
        parsed = JSON.parse(s);
        ok = true;
      } catch {
        // Not JSON after all: scanned as text below.
      }
      if (ok && typeof parsed === 'object' && parsed !== null) {
        const redacted = this.redactValue(parsed, undefined, tally, depth + 1);
        // The text scan below still runs: duplicate keys and big numbers survive only in the text.
        if (redacted !== parsed) text = JSON.stringify(redacted);
      }
    }
    return this._scanDecoding(text, tally);
  }

  /**
   * Scans the text, then, when it holds percent-escapes (URLs, form bodies), its decoded form too:
   * `note=used%20ghp_...` hides the token's boundary and `%3D` hides `password=`. When only the
   * decoded form has something to redact, the redacted decoded form is returned.
   */
  private _scanDecoding(s: string, tally: Tally): string {
    const out = this._scanText(s, tally);
    if ((this._lastFlags & F_PERCENT) === 0 || !PERCENT_ESCAPE_RE.test(out)) return out;
    const decoded = percentDecode(out);
    const redacted = this._scanText(decoded, tally);
    return redacted === decoded ? out : redacted;
  }

  private _charge(tally: Tally, units: number): void {
    tally.work += units;
    if (tally.work > tally.budget) throw new BudgetExceededError();
  }

  private _scanText(s: string, tally: Tally): string {
    const n = s.length;
    this._charge(tally, n);
    const on = this._rulesOn;
    const hits = this._hits;
    if (hits.length !== 0) hits.length = 0;
    const push = (start: number, end: number, rep: string): void => {
      if (end <= start) return;
      const text = s.slice(start, end);
      if (isOwnOutput(text) || this._isAllowedValue(text)) return;
      hits.push({ start, end, rep });
    };

    // Pass 1: character classes and flags, and prefix rules at each token start.
    let digits = 0;
    let uppers = 0;
    let flags = 0;
    let digitRun = 0;
    let maxDigitRun = 0;
    let prevToken = false;
    const dispatch = this._dispatch;
    const jwtOn = on.jwt;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      const t = c < 128 ? CHAR_TABLE[c]! : 0;
      flags |= t;
      if (t & C_DIGIT) {
        digits++;
        if (++digitRun > maxDigitRun) maxDigitRun = digitRun;
      } else if (c !== 32 && c !== 45) {
        digitRun = 0;
        if (t & C_UPPER) uppers++;
      }
      if ((t & C_TOKEN) === 0) {
        prevToken = false;
        continue;
      }
      if (!prevToken && i + 1 < n) {
        const c1 = s.charCodeAt(i + 1);
        if (c1 < 128) {
          const rules = dispatch[c * 128 + c1];
          let end = -1;
          if (rules !== undefined) end = this._tryPrefixRules(rules, s, i, tally, push);
          if (end < 0 && jwtOn && c === 101 && c1 === 121 && s.charCodeAt(i + 2) === 74) {
            end = matchJwt(s, i, (units) => this._charge(tally, units));
            if (end > i) push(i, end, '[REDACTED:jwt]');
          }
          if (end > i) i = end - 1;
        }
      }
      prevToken = true;
    }

    this._lastDigits = digits;
    this._lastFlags = flags;

    // Pass 2: structural and keyword-gated rules, each only when the pre-filter allows it.
    if (n >= 40 && on.privateKey && s.includes('-----BEGIN')) {
      this._charge(tally, n);
      matchPem(s, push);
    }
    if (flags & F_COLON && on.urlUserinfo && s.includes('://')) {
      this._charge(tally, n);
      for (const m of s.matchAll(USERINFO_RE)) {
        const pw = m[2] ?? m[3]!;
        if (TEMPLATE_RE.test(pw)) continue;
        // `http://localhost:3000` at the end of a string is a port, not a cut password; so is
        // `http://host:8080?next=a@b.example` before its query.
        if (m[2] === undefined ? /^[0-9]{1,5}$/.test(pw) : /^[0-9]{1,5}[?#]/.test(pw)) continue;
        const start = m.index + m[1]!.length;
        push(start, start + pw.length, '[REDACTED:url-userinfo]');
      }
    }
    if (flags & F_SPACE && on.authorizationHeader && BEARER_GATE_RE.test(s)) {
      this._charge(tally, n);
      for (const m of s.matchAll(BEARER_RE)) {
        const value = m[1]!;
        const basic = /^b/i.test(m[0]) && m[0].charAt(1).toLowerCase() === 'a';
        if (basic ? !isBasicCredential(value) : !looksSecret(value)) continue;
        const [start, end] = m.indices![1]!;
        // `Bearer expires_in=3600`: padding is never followed by more of the word.
        if (value.endsWith('=') && isB64Url(s.charCodeAt(end))) continue;
        push(start, end, '[REDACTED:authorization-header]');
      }
    }
    if (flags & (F_EQ | F_COLON) && on.keyValue && this._kvGate.test(s)) {
      this._charge(tally, n);
      this._matchKeyValues(s, push);
      if (flags & F_SPACE && s.includes('-')) this._matchCliFlags(s, push);
    }
    if (n >= 20) {
      for (const rule of this._keywordRules) {
        const need = KEYWORD_FLAGS[rule.id] ?? 0;
        if ((flags & need) !== need || !s.includes(rule.keyword)) continue;
        this._charge(tally, n);
        rule.re.lastIndex = 0;
        for (const m of s.matchAll(rule.re))
          push(m.index, m.index + m[0].length, `[REDACTED:${rule.id}]`);
      }
    }
    if (maxDigitRun >= 9 && (on.card || on.ssn)) {
      this._charge(tally, n);
      this._matchDigitRuns(s, push);
    }
    if (uppers >= 2 && digits >= 2 && n >= 15 && on.iban) {
      this._charge(tally, n);
      for (const m of s.matchAll(IBAN_RE)) {
        const end = validIbanEnd(m[0]);
        if (end > 0) push(m.index, m.index + end, this._ibanRep(m[0].slice(0, end)));
      }
    }
    if (flags & F_AT && on.email) {
      this._charge(tally, n);
      for (const m of s.matchAll(EMAIL_RE)) {
        // `scheme://user:password@host` is URL userinfo (its own rule), not an address.
        if (
          s.charCodeAt(m.index - 1) === 58 &&
          USERINFO_TAIL_RE.test(s.slice(Math.max(0, m.index - 300), m.index))
        ) {
          continue;
        }
        const tld = m[2]!.toLowerCase();
        if (tld.length !== 2 && !COMMON_TLDS.has(tld)) continue;
        push(
          m.index,
          m.index + m[0].length,
          this._classRep('email', m[0], this._o.actions.email, 'email'),
        );
      }
    }
    if (this._o.actions.ip !== 'keep' && flags & F_DOT && digits >= 4 && on.ipv4) {
      this._charge(tally, n);
      for (const m of s.matchAll(IPV4_RE)) {
        push(m.index, m.index + m[0].length, this._classRep('ip', m[0], this._o.actions.ip, 'ip'));
      }
    }
    for (const rule of this._customRules) {
      if (rule.keywords.length > 0 && !rule.keywords.some((k) => s.includes(k))) continue;
      this._charge(tally, n);
      rule.re.lastIndex = 0;
      for (const m of s.matchAll(rule.re)) {
        if (m[0].length === 0) continue;
        if (rule.validate !== undefined && !rule.validate(m[0])) continue;
        const action = this._o.actions[rule.cls];
        if (action === 'keep') continue;
        const rep =
          rule.cls === 'credential'
            ? `[REDACTED:${rule.id}]`
            : this._classRep(rule.cls, m[0], action, rule.id);
        push(m.index, m.index + m[0].length, rep);
      }
    }

    if (hits.length === 0) return s;
    const out = applyHits(s, hits);
    hits.length = 0;
    return out;
  }

  private _tryPrefixRules(
    rules: readonly PrefixRule[],
    s: string,
    i: number,
    tally: Tally,
    push: (start: number, end: number, rep: string) => void,
  ): number {
    for (const rule of rules) {
      // The literal prefix first: exact and cheap, and most tokens (`for`, `should`) stop here.
      if (!startsWithAny(s, i, rule.starts)) continue;
      this._charge(tally, Math.min(rule.maxLength, s.length - i));
      rule.re.lastIndex = i;
      const m = rule.re.exec(s);
      if (m === null) continue;
      const end = i + m[0].length;
      if (rule.validate !== undefined && !rule.validate(m[0], end === s.length)) continue;
      const start = m[1] !== undefined ? i + m[1].length : i;
      push(start, end, `[REDACTED:${rule.id}]`);
      return end;
    }
    return -1;
  }

  private _matchKeyValues(
    s: string,
    push: (start: number, end: number, rep: string) => void,
  ): void {
    const re = KV_RE;
    re.lastIndex = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      const g = m.groups!;
      const key = g['key']!;
      const before = m.index > 0 ? s.charCodeAt(m.index - 1) : -1;
      const inQuery = before === 63 || before === 38 || before === 59;
      const cls = inQuery ? this._keys.classifyParam(key) : this._keys.classify(key);
      const group =
        g['edq'] !== undefined
          ? 'edq'
          : g['dq'] !== undefined
            ? 'dq'
            : g['sq'] !== undefined
              ? 'sq'
              : g['bare'] !== undefined
                ? 'bare'
                : 'open';
      let [start, end] = m.indices!.groups![group]!;
      // A value that is not redacted may hold further pairs (`https://h/p?token=x`): resume inside it.
      if (cls === undefined || cls === 'allow' || this._keyAction(cls) === 'keep') {
        re.lastIndex = start;
        continue;
      }
      const action = this._keyAction(cls);
      if (group === 'open') {
        // `password=[...]`, `"secret": {"value": ...}`: the whole bracketed value, bounded.
        if (cls !== 'credential' && cls !== 'cookie') {
          re.lastIndex = end;
          continue;
        }
        end = bracketEnd(s, start, MAX_BRACKET_VALUE);
        if (OWN_STRUCTURE_RE.test(s.slice(start, end))) {
          re.lastIndex = start + 1;
          continue;
        }
        // Inside JSON (`"key": {...}`) the placeholder stays a JSON string.
        const q = g['q']!;
        const rep = q.endsWith('"') ? `${q}[REDACTED:credential]${q}` : '[REDACTED:credential]';
        push(start, end, rep);
        re.lastIndex = end;
        continue;
      }
      let value = s.slice(start, end);
      if (value.length === 0 || TEMPLATE_RE.test(value)) continue;
      const quoted = group !== 'bare' || g['q']!.length > 0;
      const operator = g['op']!;
      if (cls === 'credential' || cls === 'cookie') {
        if (AUTH_SCHEMES.has(value.toLowerCase()) && group === 'bare') {
          AUTH_FOLLOW_RE.lastIndex = end;
          const f = AUTH_FOLLOW_RE.exec(s);
          if (f === null) {
            re.lastIndex = end;
            continue;
          }
          start = end + f[0].length - f[1]!.length;
          end = end + f[0].length;
          value = f[1]!;
        } else if (!quoted && !inQuery && operator === ':' && !looksSecretAfterColon(value)) {
          re.lastIndex = start;
          continue;
        }
        push(start, end, '[REDACTED:credential]');
        continue;
      }
      const c: RedactionClass = cls;
      if (c === 'phone' && group === 'bare') {
        // Phone numbers are written with spaces and brackets: `+1 (415) 555 2671`.
        PHONE_TAIL_RE.lastIndex = end;
        const tail = PHONE_TAIL_RE.exec(s);
        if (tail !== null) {
          end += tail[0].length;
          value = s.slice(start, end);
        }
      }
      push(start, end, this._classRep(c, value, action, classLabel(c)));
      re.lastIndex = Math.max(re.lastIndex, end);
    }
  }

  /** `--password value`: a credential flag and the argument after it. */
  private _matchCliFlags(s: string, push: (start: number, end: number, rep: string) => void): void {
    for (const m of s.matchAll(CLI_FLAG_RE)) {
      const g = m.groups!;
      if (this._keys.classify(g['key']!) !== 'credential') continue;
      const group = g['dq'] !== undefined ? 'dq' : g['sq'] !== undefined ? 'sq' : 'bare';
      const [start, end] = m.indices!.groups![group]!;
      if (TEMPLATE_RE.test(s.slice(start, end))) continue;
      push(start, end, '[REDACTED:credential]');
    }
  }

  private _matchDigitRuns(
    s: string,
    push: (start: number, end: number, rep: string) => void,
  ): void {
    const n = s.length;
    const cardsOn = this._rulesOn.card;
    const ssnOn = this._rulesOn.ssn;
    let i = 0;
    while (i < n) {
      if (!isDigit(s.charCodeAt(i))) {
        i++;
        continue;
      }
      const prev = i > 0 ? s.charCodeAt(i - 1) : -1;
      if (isAlnum(prev) || prev === 95 || prev === 46) {
        // Digits inside a word or hex id (`8a3c1f2e`): skip them without collecting segments.
        while (i < n && isDigit(s.charCodeAt(i))) i++;
        continue;
      }
      const segStarts = [i];
      const segEnds: number[] = [];
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (isDigit(c)) {
          j++;
          continue;
        }
        if ((c === 32 || c === 45) && j + 1 < n && isDigit(s.charCodeAt(j + 1))) {
          segEnds.push(j);
          segStarts.push(j + 1);
          j++;
          continue;
        }
        break;
      }
      segEnds.push(j);
      const after = j < n ? s.charCodeAt(j) : -1;
      const rightOk =
        !(isAlnum(after) || after === 95) &&
        !(after === 46 && j + 1 < n && isDigit(s.charCodeAt(j + 1)));
      // A run glued to a word on the right can still hold a card that ends at an inner separator.
      const usable = rightOk ? segStarts.length : segStarts.length - 1;
      if (usable > 0) {
        this._digitRunCandidates(s, segStarts, segEnds, usable, cardsOn, ssnOn, push);
      }
      i = j + 1;
    }
  }

  private _digitRunCandidates(
    s: string,
    segStarts: readonly number[],
    segEnds: readonly number[],
    k: number,
    cardsOn: boolean,
    ssnOn: boolean,
    push: (start: number, end: number, rep: string) => void,
  ): void {
    if (ssnOn && k === 3) {
      const a = s.slice(segStarts[0], segEnds[0]);
      const g = s.slice(segStarts[1], segEnds[1]);
      const sn = s.slice(segStarts[2], segEnds[2]);
      if (
        a.length === 3 &&
        g.length === 2 &&
        sn.length === 4 &&
        s.charCodeAt(segEnds[0]!) === 45 &&
        s.charCodeAt(segEnds[1]!) === 45 &&
        isValidSsn(a, g, sn)
      ) {
        push(segStarts[0]!, segEnds[2]!, '[REDACTED:us-ssn]');
        return;
      }
    }
    if (!cardsOn) return;
    // Windows of whole segments holding 12 to 19 digits; bounded by 19 digits per window.
    for (let a = 0; a < k; a++) {
      let total = 0;
      let found = -1;
      for (let b = a; b < k; b++) {
        total += segEnds[b]! - segStarts[b]!;
        if (total > 19) break;
        if (total < 12) continue;
        if (b > a && !sameSeparators(s, segEnds, a, b)) break;
        const digits =
          b === a ? s.slice(segStarts[a], segEnds[a]) : digitsOf(s, segStarts, segEnds, a, b);
        if (!isValidCardNumber(digits)) continue;
        const bare = b === a;
        if (bare) {
          const ctx = s.slice(Math.max(0, segStarts[a]! - 40), segStarts[a]);
          const card = CARD_CONTEXT_RE.test(ctx);
          if (!card && (digits.length < 14 || digits.length > 16 || ID_CONTEXT_RE.test(ctx))) {
            continue;
          }
        }
        found = b;
      }
      if (found >= 0) {
        const text = s.slice(segStarts[a], segEnds[found]);
        push(segStarts[a]!, segEnds[found]!, this._paymentRep(text, 'payment-card'));
        a = found;
      }
    }
  }
}

/**
 * A value the SDK cut at its length limit may end in the first part of a token that no rule knows
 * without its end: a token-shaped tail (8 or more of `[A-Za-z0-9_+/=.~-]` with a digit or both
 * cases) is replaced. Runs only on strings exactly at the limit.
 */
function redactCutTail(s: string): string {
  const floor = Math.max(0, s.length - 4096);
  let start = s.length;
  let digit = false;
  let upper = false;
  let lower = false;
  while (start > floor) {
    const c = s.charCodeAt(start - 1);
    if (c >= 48 && c <= 57) digit = true;
    else if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (!(c === 95 || c === 45 || c === 43 || c === 47 || c === 61 || c === 46 || c === 126)) {
      break;
    }
    start--;
  }
  if (s.length - start < 8 || !(digit || (upper && lower))) return s;
  return `${s.slice(0, start)}${CUT_PLACEHOLDER}`;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether a string is exactly something this processor writes (placeholder or pseudonym). */
export function isOwnOutput(value: string): boolean {
  const c = value.charCodeAt(0);
  if (c === 91) return PLACEHOLDER_RE.test(value);
  if (c === 104) return HMAC_RE.test(value);
  return false;
}

/**
 * Lower-case hex with optional dashes and at least one letter: trace and span ids, UUIDs, digests. No
 * rule can match one (every prefix needs a non-hex letter; a digit run touching a letter is no card).
 */
export function isLowerHexId(s: string): boolean {
  // A loop, not a regex: this runs on most id-like values of every record (~3x cheaper).
  let letter = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x66) letter = true;
    else if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
  }
  return letter;
}

function classLabel(cls: KeyClass | undefined): string {
  switch (cls) {
    case 'government-id':
      return 'ssn';
    case 'cookie':
    case 'credential':
    case undefined:
    case 'allow':
      return 'credential';
    default:
      return cls;
  }
}

function maskKeepingLast4(text: string): string {
  let alnum = 0;
  for (let i = 0; i < text.length; i++) if (isAlnum(text.charCodeAt(i))) alnum++;
  // At most 4 characters left: already masked (keeps the processor a fixed point).
  if (alnum <= 4) return text;
  if (alnum < 8) return '[REDACTED:payment]';
  let seen = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isAlnum(c)) {
      out += text[i];
      continue;
    }
    seen++;
    out += seen > alnum - 4 ? text[i] : '*';
  }
  return out;
}

function keepAuthScheme(value: string, placeholder: string): string {
  const space = value.indexOf(' ');
  if (space > 0 && space <= 20 && AUTH_SCHEMES.has(value.slice(0, space).toLowerCase())) {
    return `${value.slice(0, space)} ${placeholder}`;
  }
  return placeholder;
}

function redactCookie(value: string): string {
  if (!value.includes('=')) return '[REDACTED:cookie]';
  return value
    .split(';')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return part;
      const name = part.slice(0, eq);
      if (COOKIE_ATTRIBUTES.has(name.trim().toLowerCase())) return part;
      return `${name}=[REDACTED:cookie]`;
    })
    .join(';');
}

/**
 * Token shape for a free-text bearer value: not a word or words (`Authorization`, `tokens.`), not the
 * next pair of an OAuth response (`token_type=Bearer expires_in=3600`).
 */
function looksSecret(value: string): boolean {
  const v = value.replace(/[.,:;!?)]+$/, '');
  if (/=./.test(v.replace(/=+$/, ''))) return false;
  if (CAMEL_WORDS_RE.test(v)) return false;
  if (/^[A-Za-z]+$/.test(v)) return /[A-Z]/.test(v) && /[a-z]/.test(v);
  return /[0-9]/.test(v) || /[._~+/-]/.test(v);
}
const CAMEL_WORDS_RE =
  /^(?:[A-Z][a-z]{1,}){1,4}$|^(?:[A-Z]+|[A-Z][a-z]+)(?:-(?:[A-Z]+|[A-Z][a-z]+)){1,4}$/;

function looksSecretAfterColon(value: string): boolean {
  if (/^[a-z]{1,16}$/.test(value) && STOPWORDS.has(value)) return false;
  return true;
}

function sameSeparators(s: string, segEnds: readonly number[], a: number, b: number): boolean {
  const first = s.charCodeAt(segEnds[a]!);
  for (let x = a + 1; x < b; x++) if (s.charCodeAt(segEnds[x]!) !== first) return false;
  return true;
}

function digitsOf(
  s: string,
  segStarts: readonly number[],
  segEnds: readonly number[],
  a: number,
  b: number,
): string {
  let out = '';
  for (let x = a; x <= b; x++) out += s.slice(segStarts[x], segEnds[x]);
  return out;
}

/** Length of the longest valid IBAN prefix of a match, trimming trailing space-separated groups. */
function validIbanEnd(match: string): number {
  let end = match.length;
  for (;;) {
    const compact = match.slice(0, end).replace(/ /g, '');
    if (compact.length < 15) return -1;
    if (isValidIban(compact)) return end;
    const space = match.lastIndexOf(' ', end - 1);
    if (space < 0) return -1;
    end = space;
  }
}

function startsWithAny(s: string, i: number, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (s.startsWith(p, i)) return true;
  return false;
}

function runEnd(s: string, from: number, max: number): number {
  const limit = Math.min(s.length, from + max);
  let j = from;
  while (j < limit && isB64Url(s.charCodeAt(j))) j++;
  return j;
}

/** JWT (JWS/JWE compact) at `i` (which starts `eyJ`): end index, or -1. Linear in the token. */
function matchJwt(s: string, i: number, charge: (units: number) => void): number {
  const n = s.length;
  let j = runEnd(s, i, 4096);
  while (j < n && s.charCodeAt(j) === 61 && j - i < 4100) j++;
  charge(j - i);
  const header = s.slice(i, j).replace(/=+$/, '');
  if (j === n) return header.length >= 16 && JWT_TRUNCATED_HEADER_RE.test(header) ? n : -1;
  if (header.length < 10 || s.charCodeAt(j) !== 46) return -1;
  charge(2 * header.length); // base64 decode and JSON.parse
  if (!isJwtHeader(header)) return -1;
  let end = j + 1;
  for (let seg = 0; seg < 4; seg++) {
    const k = runEnd(s, end, 8192);
    charge(k - end);
    end = k;
    if (k >= n || s.charCodeAt(k) !== 46 || !isB64Url(s.charCodeAt(k + 1))) break;
    end = k + 1;
  }
  return end;
}

/** PEM / OpenSSH / PGP private key blocks; a block without END (truncated) runs to the end. */
function matchPem(s: string, push: (start: number, end: number, rep: string) => void): void {
  const n = s.length;
  let from = 0;
  for (;;) {
    const b = s.indexOf('-----BEGIN', from);
    if (b < 0) return;
    PEM_BEGIN_RE.lastIndex = b;
    const begin = PEM_BEGIN_RE.exec(s);
    if (begin === null) {
      from = b + 10;
      continue;
    }
    const bodyStart = b + begin[0].length;
    const e = s.indexOf('-----END', bodyStart);
    const body = s.slice(
      bodyStart,
      e < 0 ? Math.min(n, bodyStart + 256) : Math.min(e, bodyStart + 256),
    );
    const base64Chars = body.replace(/\\n|\\r|[^A-Za-z0-9+/=]/g, '').length;
    if (base64Chars < 16) {
      from = bodyStart;
      continue;
    }
    if (e < 0) {
      push(b, n, '[REDACTED:private-key]');
      return;
    }
    PEM_END_RE.lastIndex = e;
    const endLine = PEM_END_RE.exec(s);
    const end = endLine === null ? e : e + endLine[0].length;
    push(b, end, '[REDACTED:private-key]');
    from = end;
  }
}

/** Decodes percent-escapes: as UTF-8 when valid, else byte by byte. */
function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
  }
}

/**
 * End of the bracketed value opening at `open` (`[` or `{`), skipping brackets inside JSON strings;
 * an unclosed or longer value ends at `max` characters. Runs only under a credential key.
 */
function bracketEnd(s: string, open: number, max: number): number {
  const limit = Math.min(s.length, open + max);
  let depth = 0;
  let inString = false;
  for (let i = open; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && --depth === 0) return i + 1;
  }
  return limit;
}

function applyHits(s: string, hits: Hit[]): string {
  if (hits.length > 1) hits.sort((x, y) => x.start - y.start || y.end - x.end);
  let out = '';
  let pos = 0;
  for (const h of hits) {
    if (h.start < pos) continue;
    out += s.slice(pos, h.start) + h.rep;
    pos = h.end;
  }
  return out + s.slice(pos);
}
