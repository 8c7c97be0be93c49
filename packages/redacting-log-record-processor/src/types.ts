// Public types of @seclog/redacting-log-record-processor: the options object (JSON-like, shared with
// startSecurityLogging's `redaction`) and the pieces it is made of.

/**
 * What happens to a value once a rule has classified it.
 * - `placeholder`: replaced by a typed placeholder such as `[REDACTED:github-token]`.
 * - `remove`: the attribute key is deleted (inside text, falls back to `placeholder`).
 * - `mask`: partial mask; payment cards and IBANs keep at most their last 4 characters, emails keep
 *   their domain, phone numbers keep nothing.
 * - `hmac`: keyed pseudonym `hmac:<keyId>:<base64url(HMAC-SHA256)>`; needs `hmac` in the options.
 * - `keep`: left as is (only for classes that are identifiers, never for credentials).
 */
export type RedactionAction = 'placeholder' | 'remove' | 'mask' | 'hmac' | 'keep';

/**
 * Classes of sensitive data, each with its own action (see `RedactingLogRecordProcessorOptions.actions`).
 * - `credential`: passwords, tokens, API keys, private keys, cookies, authorization headers.
 *   Default `placeholder`; allowed `placeholder` | `remove`.
 * - `payment`: payment card numbers and IBANs. Default `mask`; allowed `mask` | `placeholder` | `remove`.
 * - `government-id`: US SSNs. Default `placeholder`; allowed `placeholder` | `remove`.
 * - `email`: email addresses. Default `hmac` when an HMAC key is configured, else `mask`.
 * - `phone`: phone numbers (by key name only). Default `hmac` with a key, else `placeholder`.
 * - `user-id`: user ids and user names (by key name). Default `hmac` with a key, else `keep`.
 * - `session-id`: session ids (by key name). Default `hmac` with a key, else `placeholder`.
 * - `ip`: IP addresses. Default `keep` (SIEM correlation needs them); `hmac` pseudonymizes by key
 *   name and in free text.
 */
export type RedactionClass =
  'credential' | 'payment' | 'government-id' | 'email' | 'phone' | 'user-id' | 'session-id' | 'ip';

/**
 * An extra value rule. The pattern is compiled with `new RegExp(pattern, 'g' + flags)`; it is data,
 * never code. Every quantifier must be bounded (`{0,64}` rather than `*`, `+` or `{n,}`) and no
 * repeated group may contain a quantifier (`(?:a{1,9}){1,9}`), which is
 * checked at construction.
 */
export interface RedactionRuleOptions {
  /** Rule id, `[a-z0-9-]{1,40}`; used in the placeholder `[REDACTED:<id>]` and in `disableRules`. */
  readonly id: string;
  /** JavaScript regular expression source. The whole match is replaced. */
  readonly pattern: string;
  /** Extra flags among `i`, `m`, `s`, `u`. Default none. */
  readonly flags?: string;
  /**
   * Literal substrings (case-sensitive) of which at least one must occur in a string before the
   * pattern runs on it; the cheap pre-filter. Default: the pattern runs on every string.
   */
  readonly keywords?: readonly string[];
  /** Class of what the rule finds; decides the action. Default `credential`. */
  readonly class?: RedactionClass;
  /**
   * Optional validator, called with the matched text; return `false` to keep the match. If it
   * throws, the whole value is replaced by `[REDACTED:error]` and the error is reported.
   */
  readonly validate?: (match: string) => boolean;
}

/** HMAC-SHA256 pseudonymization key. Keep the key out of the log pipeline; rotate it with a new id. */
export interface RedactionHmacOptions {
  /** Secret key, at least 32 characters (UTF-8 bytes are used). */
  readonly key: string;
  /** Key id written into every pseudonym, `[A-Za-z][A-Za-z0-9_-]{0,15}`, e.g. `k1`. */
  readonly keyId: string;
}

/**
 * Options of `RedactingLogRecordProcessor`. Every field is optional; `{}` turns on all built-in rules.
 * The same object is accepted by `startSecurityLogging({ redaction })`.
 */
export interface RedactingLogRecordProcessorOptions {
  /**
   * Extra key names whose values are credentials, matched like the built-in ones: case, `_`, `-`,
   * `.` and camelCase are ignored (`dbPass` matches `db_pass`, `DB-PASS`), at any depth.
   */
  readonly keys?: readonly string[];
  /** Extra value rules, run after the built-in ones. */
  readonly rules?: readonly RedactionRuleOptions[];
  /**
   * Key names (normalized like `keys`) never touched by any rule, at any depth. Security warning:
   * a secret under such a key is exported as is.
   */
  readonly allowKeys?: readonly string[];
  /**
   * Regular expression sources (bounded quantifiers only); a match that is entirely matched by one
   * of them is kept, e.g. a documented example key.
   */
  readonly allowValues?: readonly string[];
  /** Ids of built-in rules to turn off (see docs/redaction.md for the list). */
  readonly disableRules?: readonly string[];
  /** Action per class; see `RedactionClass` for defaults and allowed values. */
  readonly actions?: Readonly<Partial<Record<RedactionClass, RedactionAction>>>;
  /** HMAC key for pseudonyms. Without it no class is pseudonymized (and `hmac` actions are refused). */
  readonly hmac?: RedactionHmacOptions;
  /**
   * Audit attributes added to records that were changed, with the Collector redaction processor's
   * names: `info` (default) adds `redaction.masked.count`, `redaction.redacted.count` and the
   * `redaction.body.*` twins; `debug` also adds the `…keys` lists (key names can themselves be
   * sensitive); `silent` adds nothing.
   */
  readonly summary?: 'info' | 'debug' | 'silent';
  /**
   * Work budget per record, in characters examined (string lengths times the passes over them,
   * plus one per visited value, plus 16 per map entry and its key's length; 64 past a map's
   * 1,024th entry). Past it, remaining values are replaced by `[REDACTED:budget]`, map keys kept.
   * Default 4_000_000; minimum 1024.
   */
  readonly maxWorkPerRecord?: number;
  /** Largest string parsed as JSON when it looks like JSON. Default 65_536; 0 turns parsing off. */
  readonly maxJsonLength?: number;
  /** Deepest nesting visited; deeper values are replaced by `[REDACTED:depth]`. Default 32. */
  readonly maxDepth?: number;
}
