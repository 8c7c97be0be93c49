// The redaction engine: walks values copy-on-write, applies key rules by normalized name and value rules
// by one pre-filter pass per string, within a per-record work budget; fails closed on errors.
import { createHmac } from 'node:crypto';
import type { RedactionAction, RedactionClass } from '../types.js';
import type { PrefixRule } from './builtin-rules.js';
import { buildDispatch, midTokenRules, PREFIX_RULES } from './builtin-rules.js';
import type { KeyClass } from './key-classifier.js';
import { KeyClassifier } from './key-classifier.js';
import type { CompiledRule, ResolvedOptions } from './options.js';
import type { Prefilter, RuleContext } from './rule-context.js';
import {
  AUTH_SCHEMES,
  C_DIGIT,
  C_TOKEN,
  C_UPPER,
  CHAR_TABLE,
  classLabel,
  F_WIDE,
  isAlnum,
} from './rule-context.js';
import type { TextRule } from './text-rules.js';
import { TEXT_RULES } from './text-rules.js';
import { isValidCardNumber } from './validators.js';

/** Marker returned for a value whose key must be deleted. */
export const REMOVE: unique symbol = Symbol('redaction: remove key');
export const ERROR_PLACEHOLDER = '[REDACTED:error]';
export const BUDGET_PLACEHOLDER = '[REDACTED:budget]';
const MAX_SCANNED_BYTES = 1 << 20;
export const DEPTH_PLACEHOLDER = '[REDACTED:depth]';
const CIRCULAR_PLACEHOLDER = '[REDACTED:circular]';
const CUT_PLACEHOLDER = '[REDACTED:truncated]';
/**
 * Work of one map entry besides its key's length and its value: reading the key and copying the
 * entry cost about as much as scanning this many characters of text. Past `SMALL_MAP` entries V8
 * keeps an object as a hash table, where each read and each write of the copy costs several times
 * more (measured: ~100 ns an entry below, ~500 ns at 200,000 entries; text is ~10 ns a character).
 */
const ENTRY_WORK = 16;
const LARGE_MAP_ENTRY_WORK = 64;
const SMALL_MAP = 1024;

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
  /**
   * Return fresh maps, arrays and bytes even where nothing changed (the processor: an exporter that
   * runs later must not see what the application writes into its own objects after `emit`).
   */
  readonly copy: boolean;
  /**
   * The objects being walked, outermost first: a value that is one of them closes a cycle (an
   * `http.IncomingMessage` handed to a logger), which would otherwise unroll until the budget.
   */
  readonly path: object[];
}

interface Hit {
  start: number;
  end: number;
  rep: string;
}

const PLACEHOLDER_RE = /^\[REDACTED:[a-z0-9-]{1,40}\](?:@[A-Za-z0-9.-]{1,253})?$/;
const HMAC_RE = /^hmac:[A-Za-z][A-Za-z0-9_-]{0,15}:[A-Za-z0-9_-]{43}$/;

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
const PERCENT_ESCAPE_RE = /%[0-9A-Fa-f]{2}/;
// Values with several digits are mostly ids and addresses that never repeat: not worth caching.
const THREE_DIGITS_RE = /[0-9][^0-9]*[0-9][^0-9]*[0-9]/;
const CLEAN_CACHE_MAX_LENGTH = 64;
const CLEAN_CACHE_SIZE = 4096;
const GENERIC_CHILD_KEYS = new Set(
  ['id', 'name', 'key', 'value', 'number', 'address'].flatMap((k) => [
    k,
    k.toUpperCase(),
    k[0]!.toUpperCase() + k.slice(1),
  ]),
);

/** The engine shared by the processor and `Redactor`; it is the context its text rules read. */
export class RedactionEngine implements RuleContext {
  readonly keys: KeyClassifier;
  readonly actions: ResolvedOptions['actions'];
  readonly kvGate: RegExp;
  private readonly _o: ResolvedOptions;
  private readonly _dispatch: ReadonlyArray<readonly PrefixRule[] | undefined>;
  private readonly _midDispatch: ReadonlyArray<readonly PrefixRule[] | undefined>;
  private readonly _textRules: readonly TextRule[];
  private readonly _customRules: readonly CompiledRule[];
  private readonly _keyRulesOn: Readonly<Record<RedactionClass, boolean>>;
  private readonly _cardOn: boolean;
  private readonly _hits: Hit[] = [];
  /** Whether the last `_scanText` saw a non-ASCII character (format characters may hide in it). */
  private _sawNonAscii = false;
  /** The tally of the string `_scanText` is scanning, charged by the matchers through `charge`. */
  private _scanTally: Tally | undefined;
  private readonly _clean = new Set<string>();
  private readonly _hmacCache = new Map<string, string>();
  private _gated: string | undefined;
  private _gatedResult = false;

  constructor(options: ResolvedOptions) {
    this._o = options;
    this.actions = options.actions;
    this.keys = new KeyClassifier(options.keys, options.allowKeys);
    const disabled = options.disabled;
    const on = (id: string): boolean => !disabled.has(id);
    this._cardOn = on('payment-card');
    this._keyRulesOn = {
      credential: on('key-credential'),
      payment: on('key-payment'),
      'government-id': on('key-government-id'),
      email: on('key-email'),
      phone: on('key-phone'),
      'user-id': on('key-user-id'),
      'session-id': on('key-session-id'),
      ip: on('key-ip'),
    };
    const prefixRules = PREFIX_RULES.filter((r) => on(r.id));
    this._dispatch = buildDispatch(prefixRules);
    this._midDispatch = buildDispatch(midTokenRules(prefixRules));
    this._textRules = TEXT_RULES.filter((r) => on(r.id));
    this._customRules = options.rules;
    const stems = [
      'pass', 'pwd', 'secret', 'token', 'key', 'auth', 'cred', 'cookie', 'sess', 'sid', 'sig',
      'code', 'ssn', 'card', 'iban', 'mail', 'phone', 'pin', 'otp', 'cvv', 'cvc', 'ticket',
      'saml', 'dsn', 'jwt', 'bearer', 'mobile', 'tel', 'pan', 'msisdn', 'fax', 'cell', 'social',
      'ccn', 'connection', 'pw', 'priv', 'salt', 'totp', 'mfa', 'seed', 'recovery', 'backup',
      'assertion', 'answer', 'mnemonic', 'wort', 'woord', 'senha', 'contrase', 'haslo', 'heslo',
      'sifre', 'parola', 'clave', 'lozinka', 'jelszo', 'salasana', 'passord', 'losenord', 'kode',
      'sandi', 'passport', 'tax', 'national', 'nino', 'license', 'whatsapp', 'identified',
    ]; // prettier-ignore
    if (options.actions['user-id'] !== 'keep') stems.push('user', 'login', 'customer');
    if (options.actions.ip !== 'keep') stems.push('ip', 'addr', 'forwarded');
    for (const key of options.keys) stems.push(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
    this.kvGate = new RegExp(
      stems
        .map((s) => s.replace(/[^a-z0-9]/g, ''))
        .filter((s) => s.length > 0)
        .join('|'),
      'i',
    );
  }

  kvGated(s: string): boolean {
    if (s !== this._gated) {
      this._gated = s;
      this._gatedResult = this.kvGate.test(s);
    }
    return this._gatedResult;
  }

  /** A fresh tally for one record. */
  newTally(copy = false): Tally {
    return {
      work: 0,
      budget: this._o.maxWork,
      leaves: 0,
      errors: undefined,
      cutLength: -1,
      copy,
      path: [],
    };
  }

  /** Redacts the value found under `key`; returns the same reference when nothing changed. */
  redactEntry(
    key: string,
    value: unknown,
    tally: Tally,
    depth: number,
    parentKey?: string,
  ): unknown {
    let cls = this.keys.classify(key);
    if (cls === undefined && parentKey !== undefined && GENERIC_CHILD_KEYS.has(key)) {
      cls = this.keys.classify(`${parentKey}.${key}`);
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
        if (cls === 'credential' && key !== undefined && this.keys.describes(key, value))
          return value;
        return this._redactString(value, cls, tally, depth);
      case 'number':
      case 'bigint':
        if (cls === 'credential' && key !== undefined && this.keys.describes(key, String(value))) {
          return value;
        }
        return this._redactNumber(value, cls, tally);
      case 'object':
        if (value === null) return value;
        if (ArrayBuffer.isView(value)) return this._redactBytes(value, cls, tally, depth);
        if (depth >= this._o.maxDepth) {
          tally.leaves++;
          return DEPTH_PLACEHOLDER;
        }
        if (tally.work > tally.budget) {
          tally.leaves++;
          return BUDGET_PLACEHOLDER;
        }
        if (tally.path.includes(value)) {
          tally.leaves++;
          return CIRCULAR_PLACEHOLDER;
        }
        tally.path.push(value);
        try {
          if (Array.isArray(value)) return this._redactArray(value, cls, tally, depth);
          // A literal with its own `toJSON` prints through it, as late as the exporter runs.
          if (
            !isPlainObject(value) ||
            typeof (value as { toJSON?: unknown }).toJSON === 'function'
          ) {
            return this._redactInstance(value, cls, tally, depth, key);
          }
          return this._redactMap(value as Record<string, unknown>, cls, tally, depth, key);
        } finally {
          tally.path.pop();
        }
      default:
        return value;
    }
  }

  /**
   * Bytes (a `Buffer`, a `Uint8Array` body or attribute) reach OTLP/protobuf raw and JSON as
   * base64: they are scanned as Latin-1 text (one character per byte, so any ASCII secret shows)
   * and, when that text has something to redact, replaced by the redacted text (a string).
   */
  private _redactBytes(
    value: ArrayBufferView,
    cls: KeyClass | undefined,
    tally: Tally,
    depth: number,
  ): unknown {
    // Beyond 1 MiB the scan is not worth its cost for a log record: fail closed.
    if (value.byteLength > MAX_SCANNED_BYTES) {
      tally.leaves++;
      return BUDGET_PLACEHOLDER;
    }
    const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
    const r = this._redactString(text, cls, tally, depth);
    if (r !== text) return r;
    if (!tally.copy || !(value instanceof Uint8Array)) return value;
    // Not `value.slice()`: on a Buffer that is a view of the same memory.
    return Buffer.isBuffer(value) ? Buffer.from(value) : value.slice();
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
    if (tally.copy && value instanceof Date) return new Date(value.getTime());
    let printed: unknown;
    let fields: unknown;
    try {
      if (typeof o.toJSON === 'function') printed = (o.toJSON as () => unknown).call(value);
      else if (typeof o.toString === 'function' && o.toString !== Object.prototype.toString) {
        const before = tally.leaves;
        fields = this._redactMap(value as Record<string, unknown>, cls, tally, depth, key);
        if (tally.leaves !== before) return fields;
        printed = (o.toString as () => unknown).call(value);
      } else {
        return this._redactMap(value as Record<string, unknown>, cls, tally, depth, key);
      }
    } catch (err) {
      (tally.errors ??= []).push(err);
      tally.leaves++;
      return ERROR_PLACEHOLDER;
    }
    if (printed === value) return tally.copy ? fields : value;
    const r = this.redactValue(printed, cls, tally, depth + 1, key);
    if (r !== printed) return r;
    // A copy holds what the instance printed now (its toJSON) or its fields, never the live object.
    if (tally.copy) return fields ?? r;
    return value;
  }

  private _redactArray(
    arr: readonly unknown[],
    cls: KeyClass | undefined,
    tally: Tally,
    depth: number,
  ): unknown {
    let out: unknown[] | undefined;
    const pairs = cls === undefined && this._isNamePairs(arr);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      // `['Authorization', 'Token x', 'Cookie', ...]` (Node's rawHeaders, header pair arrays): the
      // value after a name is classified by that name.
      let valueCls = cls;
      if (pairs && (i & 1) === 1) {
        const named = this.keys.classify(arr[i - 1] as string);
        if (named !== 'allow') valueCls = named;
      }
      let r = this.redactValue(v, valueCls, tally, depth + 1);
      if (r === v) continue;
      if (r === REMOVE) r = `[REDACTED:${classLabel(valueCls)}]`;
      out ??= arr.slice();
      out[i] = r;
    }
    return out ?? (tally.copy ? arr.slice() : arr);
  }

  /**
   * A flat list of name/value pairs: an even number of items, every even one a string shaped like a
   * header or key name, and at least one of them a sensitive name.
   */
  private _isNamePairs(arr: readonly unknown[]): boolean {
    const n = arr.length;
    if (n < 2 || (n & 1) === 1 || n > 512 || typeof arr[0] !== 'string') return false;
    let named = false;
    for (let i = 0; i < n; i += 2) {
      const k = arr[i];
      if (typeof k !== 'string' || !PAIR_NAME_RE.test(k)) return false;
      if (!named) {
        const c = this.keys.classify(k);
        named = c !== undefined && c !== 'allow';
      }
    }
    return named;
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
    // `{ name: 'password', value: x }` (header lists, form fields, HAR entries): the value is
    // classified by the name it holds.
    const valueKey = inherited === undefined ? pairValueKey(map) : undefined;
    const pairCls = valueKey === undefined ? undefined : this._pairClass(map);
    // A copy is built as the walk goes: one spread of a map of 100,000 keys costs more than the walk.
    const copy = tally.copy;
    if (copy) out = {};
    let spent = false;
    const keys = Object.keys(map);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = map[k];
      let r: unknown;
      if (!spent) {
        // The entry (key reading, copy) is charged like text of that cost, so a map of many small
        // entries meets the budget as soon as text of the same time would.
        tally.work += (i < SMALL_MAP ? ENTRY_WORK : LARGE_MAP_ENTRY_WORK) + k.length;
        spent = tally.work > tally.budget;
      }
      if (spent) {
        // Past the budget no key is read: every value that could hold anything is the marker.
        r = v === null || v === undefined || typeof v === 'boolean' ? v : BUDGET_PLACEHOLDER;
        if (r !== v) tally.leaves++;
      } else {
        r =
          inherited !== undefined
            ? this.redactValue(v, inherited, tally, depth + 1)
            : pairCls !== undefined && k === valueKey
              ? this.redactValue(v, pairCls, tally, depth + 1)
              : this.redactEntry(k, v, tally, depth + 1, key);
      }
      if (copy) {
        if (r !== REMOVE) setOwn(out!, k, r);
        continue;
      }
      if (r === v) continue;
      out ??= { ...map };
      if (r === REMOVE) delete out[k];
      else setOwn(out, k, r);
    }
    return out ?? map;
  }

  /** The class of the name a name/value object holds (`name`, `key`, `Name`, `Key`). */
  private _pairClass(map: Record<string, unknown>): Exclude<KeyClass, 'allow'> | undefined {
    for (const f of PAIR_NAME_FIELDS) {
      const name = map[f];
      if (typeof name !== 'string') continue;
      const c = this.keys.classify(name);
      return c === 'allow' ? undefined : c;
    }
    return undefined;
  }

  private _redactNumber(value: number | bigint, cls: KeyClass | undefined, tally: Tally): unknown {
    if (cls !== undefined && cls !== 'allow' && this.keyAction(cls) !== 'keep') {
      const r = this._applyKeyAction(cls, String(value));
      if (r !== String(value)) tally.leaves++;
      return r;
    }
    // Card numbers logged as numbers: only plain 14 to 16 digit integers with IIN and Luhn. A
    // BigInt (a parsed `"pan": 4111...` kept exact, a database column) is read the same way.
    const integer =
      typeof value === 'number'
        ? value >= 1e13 && value < 1e16 && Number.isSafeInteger(value)
        : value >= 10_000_000_000_000n && value < 10_000_000_000_000_000n;
    if (integer) {
      const digits = String(value);
      if (this._cardOn && isValidCardNumber(digits)) {
        tally.leaves++;
        return this.paymentRep(digits, 'payment-card');
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
    if (cls !== undefined && cls !== 'allow' && this.keyAction(cls) !== 'keep') {
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

  keyAction(cls: Exclude<KeyClass, 'allow'>): RedactionAction {
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
    const action = this.keyAction(cls);
    if (action === 'keep') return value;
    if (action === 'remove') return REMOVE;
    if (cls === 'cookie') return redactCookie(value);
    if (cls === 'credential') return keepAuthScheme(value, '[REDACTED:credential]');
    return this.classRep(cls, value, action, classLabel(cls));
  }

  /** Replacement text for a value of a class (not credential) under a given action. */
  classRep(cls: RedactionClass, text: string, action: RedactionAction, label: string): string {
    if (action === 'hmac') return this._pseudonym(cls, text);
    if (action === 'mask') {
      if (cls === 'payment') return this.paymentRep(text, label);
      if (cls === 'email') {
        const at = text.lastIndexOf('@');
        return at > 0 ? `[REDACTED:email]${text.slice(at)}` : '[REDACTED:email]';
      }
    }
    return `[REDACTED:${label}]`;
  }

  ibanRep(text: string): string {
    if (this._o.actions.payment !== 'mask') return '[REDACTED:iban]';
    return text.slice(0, 2) + maskKeepingLast4(text.slice(2));
  }

  paymentRep(text: string, label: string): string {
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
    // JSON encoded again as a JSON string (`"{\\"password\\":...}"`, any number of times).
    if (c0 === 34 && cLast === 34 && n <= this._o.maxJsonLength && depth < this._o.maxDepth) {
      const inner = parseJsonString(s);
      if (inner !== undefined) {
        tally.work += n;
        const r = this.scanString(inner, tally, depth + 1);
        if (r !== inner) return JSON.stringify(r);
      }
    }
    const jsonLike = (c0 === 123 && cLast === 125) || (c0 === 91 && cLast === 93);
    if (!jsonLike) {
      const out = this._scanDecoding(s, tally);
      // Values with several digits are mostly ids and addresses that never repeat: not worth caching.
      if (out === s && n <= CLEAN_CACHE_MAX_LENGTH && !THREE_DIGITS_RE.test(s)) {
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
   * Scans the text, then, when it holds escapes, its decoded form too: percent-escapes
   * (`note=used%20ghp_...` hides the token's boundary, `%3D` hides `password=`), `\\u0067`
   * escapes of token characters, HTML entities (`{&quot;password&quot;:...}`) and invisible format
   * characters inside a token (`ghp_Kw6F\u200b...`), which are dropped. When only the decoded form
   * has something to redact, the redacted decoded form is returned.
   */
  private _scanDecoding(s: string, tally: Tally): string {
    const out = this._scanText(s, tally);
    const decoded = decodeView(out, this._sawNonAscii);
    if (decoded === out) return out;
    const redacted = this._scanText(decoded, tally);
    return redacted === decoded ? out : redacted;
  }

  charge(units: number): void {
    if (this._scanTally !== undefined) this._charge(this._scanTally, units);
  }

  private _charge(tally: Tally, units: number): void {
    tally.work += units;
    if (tally.work > tally.budget) throw new BudgetExceededError();
  }

  private _scanText(s: string, tally: Tally): string {
    const n = s.length;
    this._charge(tally, n);
    this._scanTally = tally;
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
    let prevGlue = false;
    const dispatch = this._dispatch;
    const midDispatch = this._midDispatch;
    let nonAscii = false;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      let t = F_WIDE;
      if (c < 128) t = CHAR_TABLE[c]!;
      else nonAscii = true;
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
      // A token starts at a boundary, or inside a word right after `_` or a digit (`MY_ghp_...`).
      if (i + 1 < n && (!prevToken || (prevGlue && (t & C_DIGIT) === 0))) {
        const c1 = s.charCodeAt(i + 1);
        if (c1 < 128) {
          const rules = (prevToken ? midDispatch : dispatch)[c * 128 + c1];
          const end = rules === undefined ? -1 : this._tryPrefixRules(rules, s, i, tally, push);
          if (end > i) {
            i = end - 1;
            prevGlue = false;
            prevToken = true;
            continue;
          }
        }
      }
      prevGlue = c === 95 || (t & C_DIGIT) !== 0;
      prevToken = true;
    }

    this._sawNonAscii = nonAscii;

    // Pass 2: the text rules, each only when its keywords and the pre-filter counts allow it.
    const pre: Prefilter = { length: n, flags, digits, uppers, maxDigitRun };
    for (const rule of this._textRules) {
      if (rule.keywords.length > 0 && !includesAny(s, rule.keywords)) continue;
      if (!rule.gate(pre, this, s)) continue;
      this._charge(tally, n);
      rule.match(s, this, push, pre);
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
            : this.classRep(rule.cls, m[0], action, rule.id);
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
      if (!(rule.anyCase ? startsWithAnyCase : startsWithAny)(s, i, rule.starts)) continue;
      if (rule.matchAt !== undefined) {
        const end = rule.matchAt(s, i, (units) => this._charge(tally, units));
        if (end <= i) continue;
        push(i, end, `[REDACTED:${rule.id}]`);
        return end;
      }
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

  /** `--password value`: a credential flag and the argument after it. */
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

/** Sets an own property, `__proto__` too (a key `JSON.parse` creates; assigning it sets the prototype). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') {
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  } else o[k] = v;
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

function includesAny(s: string, words: readonly string[]): boolean {
  for (const w of words) if (s.includes(w)) return true;
  return false;
}

function startsWithAnyCase(s: string, i: number, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (s.slice(i, i + p.length).toLowerCase() === p) return true;
  return false;
}

function startsWithAny(s: string, i: number, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (s.startsWith(p, i)) return true;
  return false;
}

// Invisible format characters (Unicode Cf): zero-width spaces and joiners, bidi marks, soft hyphen, BOM.
const FORMAT_CHARS_RE =
  /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
// A run of backslashes: `\\\\u0061` is the same escape inside a JSON string encoded twice.
const UNICODE_ESCAPE_RE = /\\{1,8}u([0-9A-Fa-f]{4})/g;
const MULTI_ESCAPED_QUOTE_RE = /\\{2,16}"/g;
const HTML_ENTITY_RE = /&(?:(quot|apos|amp|lt|gt)|#([0-9]{1,5})|#[xX]([0-9A-Fa-f]{1,4}));/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  quot: '"',
  apos: "'",
  amp: '&',
  lt: '<',
  gt: '>',
};

/** `\\uXXXX` is decoded for the characters of tokens and pairs only, so the text keeps its quoting. */
function isViewChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45 || c === 46 || c === 61 || c === 58;
}

function isFormatChar(c: number): boolean {
  FORMAT_CHARS_RE.lastIndex = 0;
  return FORMAT_CHARS_RE.test(String.fromCharCode(c));
}

/** The decoded reading of a text (see `_scanDecoding`), or the same string when it has no escape. */
function decodeView(s: string, nonAscii: boolean): string {
  let out = s;
  if (out.includes('%') && PERCENT_ESCAPE_RE.test(out)) out = percentDecode(out);
  if (out.includes('\\u')) {
    out = out.replace(UNICODE_ESCAPE_RE, (m, hex: string) => {
      const c = parseInt(hex, 16);
      if (isViewChar(c)) return String.fromCharCode(c);
      return isFormatChar(c) ? '' : m;
    });
  }
  // JSON encoded three times or more inside other text (`\\\"password\\\":`): its quotes, with
  // the backslashes before them, read as plain quotes (`\"` alone the key-value rule reads as is).
  if (out.includes('\\\\"')) out = out.replace(MULTI_ESCAPED_QUOTE_RE, '"');
  if (out.includes('&')) {
    out = out.replace(HTML_ENTITY_RE, (m, name?: string, dec?: string, hex?: string) => {
      if (name !== undefined) return NAMED_ENTITIES[name]!;
      const c = dec !== undefined ? parseInt(dec, 10) : parseInt(hex!, 16);
      return c >= 32 && c < 127 ? String.fromCharCode(c) : m;
    });
  }
  if (nonAscii || out !== s) out = out.replace(FORMAT_CHARS_RE, '');
  return out;
}

/** The string a JSON string literal holds, or undefined when it is not one. */
function parseJsonString(s: string): string | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const PAIR_NAME_RE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const PAIR_NAME_FIELDS = ['name', 'key', 'Name', 'Key', 'NAME', 'KEY'];

/** The field holding the value of a name/value object (`value`, `Value`), or undefined. */
function pairValueKey(map: Record<string, unknown>): string | undefined {
  if (map['value'] !== undefined) return 'value';
  if (map['Value'] !== undefined) return 'Value';
  if (map['VALUE'] !== undefined) return 'VALUE';
  return undefined;
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
