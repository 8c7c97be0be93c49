// The value rules that are not vendor prefixes, as data: one record per rule with its id, the literal
// keywords and pre-filter counts that gate it, its matcher (validators inside), and what the docs say
// it finds and misses. The engine walks TEXT_RULES in order after its one pre-filter pass.
import type { RedactionAction, RedactionClass } from '../types.js';
import type { KeywordRule, RuleDoc } from './builtin-rules.js';
import { KEYWORD_RULES } from './builtin-rules.js';
import type { KeyClass, KeyClassifier } from './key-classifier.js';
import { isBasicCredential, isValidCardNumber, isValidIban, isValidSsn } from './validators.js';

/** What the pre-filter pass counted in a string (one table lookup per character). */
export interface Prefilter {
  readonly length: number;
  readonly flags: number;
  readonly digits: number;
  readonly uppers: number;
  /** Longest run of digits, spaces and dashes counted as digits only. */
  readonly maxDigitRun: number;
}

/** Records a replacement of `[start, end)`. */
type Push = (start: number, end: number, rep: string) => void;

/** What a matcher may ask the engine: key classes and the replacement text of a class. */
export interface RuleContext {
  readonly keys: KeyClassifier;
  readonly actions: Readonly<Record<RedactionClass, RedactionAction>>;
  /** Stems of sensitive key names (built-in and the `keys` option): the key-value gate. */
  readonly kvGate: RegExp;
  keyAction(cls: Exclude<KeyClass, 'allow'>): RedactionAction;
  classRep(cls: RedactionClass, text: string, action: RedactionAction, label: string): string;
  paymentRep(text: string, label: string): string;
  ibanRep(text: string): string;
}

/** One built-in value rule. */
export interface TextRule {
  readonly id: string;
  /** One of these literals must occur (indexOf) before anything else runs; empty: no keyword. */
  readonly keywords: readonly string[];
  /** Gate on the pre-filter counts (a bit test or a comparison). */
  readonly gate: (p: Prefilter, ctx: RuleContext, s: string) => boolean;
  /** Finds the matches, validates them and pushes their replacements. */
  readonly match: (
    s: string,
    ctx: RuleContext,
    push: (start: number, end: number, rep: string) => void,
  ) => void;
  /** Its row in docs/redaction.md (vendor keyword rules are in the hand-written vendor table). */
  readonly doc?: RuleDoc;
}

export const AUTH_SCHEMES = new Set([
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

const TEMPLATE_RE =
  /^(?:\$\{[^}]{1,128}\}|\{\{[^}]{0,128}\}\}|%[sdvqj]|\$[0-9]|%[A-Za-z_][A-Za-z0-9_]{0,63}%|<[A-Za-z_ -]{1,64}>|\*{1,64}|x{3,64}|null|undefined|true|false|none|nil)$/i;

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
const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const USERINFO_TAIL_RE = /:\/\/[^\s/@]{0,256}:$/;
// After one `/` an address is a path segment (`/users/jane@example.com`); after `//` it is userinfo.
const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])(?<!\/\/)[A-Za-z0-9._%+-]{1,64}@((?:[A-Za-z0-9-]{1,63}\.){1,8}([A-Za-z]{2,24}))(?![A-Za-z0-9-]|\.[A-Za-z0-9]|:[A-Za-z0-9_.~-]{0,200}\/)/g;
const IPV4_RE =
  /(?<![0-9.])(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}(?![0-9]|\.[0-9])/g;

// Character classes and flags computed by the pre-filter pass, one table lookup per character.
export const C_TOKEN = 1; // [A-Za-z0-9_-]
export const C_DIGIT = 2;
export const C_UPPER = 4;
const F_AT = 8;
const F_EQ = 16;
const F_COLON = 32;
const F_DOT = 64;
const F_SPACE = 128;
const F_TILDE = 256;
export const CHAR_TABLE = ((): Uint16Array => {
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
  return t;
})();

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
function isB64Url(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45;
}

/** A keyword rule of builtin-rules.ts: its literal keyword and the flag of its non-token character. */
function keywordRule(rule: KeywordRule, flag: number): TextRule {
  return {
    id: rule.id,
    keywords: [rule.keyword],
    gate: (p) => p.length >= 20 && (p.flags & flag) === flag,
    match: (s, _ctx, push) => {
      rule.re.lastIndex = 0;
      for (const m of s.matchAll(rule.re))
        push(m.index, m.index + m[0].length, `[REDACTED:${rule.id}]`);
    },
  };
}

const KEYWORD_FLAGS: Readonly<Record<string, number>> = {
  'azure-entra-client-secret': F_TILDE,
  'terraform-token': F_DOT,
  'telegram-bot-token': F_COLON,
  'mailchimp-api-key': 0,
};

const SSN_RE =
  /(?<![A-Za-z0-9_.]|[0-9][ -])([0-9]{3})-([0-9]{2})-([0-9]{4})(?![A-Za-z0-9_]|\.[0-9]|[ -][0-9])/g;

/** The value rules after the prefix pass, in the order they run. */
export const TEXT_RULES: readonly TextRule[] = [
  {
    id: 'private-key',
    keywords: ['-----BEGIN'],
    gate: (p) => p.length >= 40,
    match: (s, _ctx, push) => matchPem(s, push),
    doc: {
      table: 'structural',
      what: '`-----BEGIN ... PRIVATE KEY-----` blocks (PKCS#1/#8, EC, DSA, OpenSSH, encrypted, PGP), also with literal `\\n` escapes',
      validator: '**PEM structure**: BEGIN label, at least 16 base64 characters of body; a block without END (truncated) is redacted to the end',
      action: '`[REDACTED:private-key]`',
      misses: 'a key body logged without its BEGIN line; a base64 DER key with no armour',
    },
  },
  {
    id: 'url-userinfo',
    keywords: ['://'],
    gate: (p) => (p.flags & F_COLON) !== 0,
    match: (s, _ctx, push) => {
      for (const m of s.matchAll(USERINFO_RE)) {
        const pw = m[2] ?? m[3]!;
        if (TEMPLATE_RE.test(pw)) continue;
        // `http://localhost:3000` at the end of a string is a port, not a cut password; so is
        // `http://host:8080?next=a@b.example` before its query.
        if (m[2] === undefined ? /^[0-9]{1,5}$/.test(pw) : /^[0-9]{1,5}[?#]/.test(pw)) continue;
        const start = m.index + m[1]!.length;
        push(start, start + pw.length, '[REDACTED:url-userinfo]');
      }
    },
    doc: {
      table: 'structural',
      what: 'password in `scheme://user:password@host` (database URLs, registries), up to the last `@` before the host, so unencoded `@`, `#` and `?` stay inside it; `${VAR}` templates kept',
      validator: 'shape; a port before `?`/`#` is not a password',
      action: '`[REDACTED:url-userinfo]`',
      misses: 'a password holding `/` or whitespace unencoded; userinfo without a scheme (`user:pw@host`)',
    },
  },
  {
    id: 'authorization-header',
    keywords: ['earer', 'EARER', 'asic', 'ASIC'],
    gate: (p) => (p.flags & F_SPACE) !== 0,
    match: (s, _ctx, push) => {
      for (const m of s.matchAll(BEARER_RE)) {
        const value = m[1]!;
        const basic = /^b/i.test(m[0]) && m[0].charAt(1).toLowerCase() === 'a';
        if (basic ? !isBasicCredential(value) : !looksSecret(value)) continue;
        const [start, end] = m.indices![1]!;
        // `Bearer expires_in=3600`: padding is never followed by more of the word.
        if (value.endsWith('=') && isB64Url(s.charCodeAt(end))) continue;
        push(start, end, '[REDACTED:authorization-header]');
      }
    },
    doc: {
      table: 'structural',
      what: '`Bearer <token>`, `Basic <base64>` in free text',
      validator: 'Bearer: token-shaped (digit, mixed case or `._~+/-`), not a word, `Header-Name` or the next `key=value` (`token_type=Bearer expires_in=3600`); **Basic: base64 decodes to `user:password`**',
      action: '`[REDACTED:authorization-header]`',
      misses: 'a bearer token of only lower-case letters or a single capitalised word',
    },
  },
  {
    id: 'key-value-credential',
    keywords: [],
    gate: (p, ctx, s) => (p.flags & (F_EQ | F_COLON | F_SPACE)) !== 0 && ctx.kvGate.test(s),
    match: (s, ctx, push) => {
      if (s.includes('=') || s.includes(':')) matchKeyValues(ctx, s, push);
      if (s.includes(' -')) matchCliFlags(ctx, s, push);
    },
    doc: {
      table: 'structural',
      what: '`name=value`, `name: value`, `"name": "value"`, `name=>value`, escaped JSON, ADO.NET `Password=...;`, URL query parameters, `--password=...`, `--password value`, `-Dx.keyStorePassword=...`, `DB_PASSWORD=...`, `user[password]=...`; a value opening with `[` or `{` is redacted whole (bounded at 4096 characters); the name is classified like a key (below)',
      validator: 'name class; after `:` in free text, common words (`reset`, `expired`, ...) are not values',
      action: 'by class; credentials `[REDACTED:credential]`',
      misses: 'an unquoted value with spaces after `=` (only its first word is redacted); a flag and value separated by more than 3 spaces',
    },
  },
  ...KEYWORD_RULES.map((r) => keywordRule(r, KEYWORD_FLAGS[r.id] ?? 0)),
  {
    id: 'payment-card',
    keywords: [],
    gate: (p) => p.maxDigitRun >= 12,
    match: (s, ctx, push) => matchDigitRuns(ctx, s, push),
    doc: {
      table: 'personal',
      what: 'card numbers, bare or grouped by one kind of separator',
      validator: '**Luhn + IIN prefix + length** per network (Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay, Maestro, Mir); bare 12, 13 and 17 to 19 digit runs also need a card word (`card`, `visa`, `pan`, `cc`, ...) within 40 characters before (timestamps, snowflake ids); a bare run right after an id word (`order`, `ref=`, `tracking number`, `#`) with no card word is an id',
      action: 'mask: all digits but the last 4 become `*`, separators kept',
      misses: 'a card right after an id word with no card word near (`order 4111...`); a card split across two values',
    },
  },
  {
    id: 'us-ssn',
    keywords: ['-'],
    gate: (p) => p.maxDigitRun >= 9,
    match: (s, _ctx, push) => {
      for (const m of s.matchAll(SSN_RE)) {
        if (isValidSsn(m[1]!, m[2]!, m[3]!)) push(m.index, m.index + m[0].length, '[REDACTED:us-ssn]');
      }
    },
    doc: {
      table: 'personal',
      what: '`AAA-GG-SSSS`',
      validator: 'area not `000`/`666`/`9xx`, group not `00`, serial not `0000`, known published numbers rejected',
      action: '`[REDACTED:us-ssn]`',
      misses: 'nine bare digits without the dashes (only under an `ssn` key)',
    },
  },
  {
    id: 'iban',
    keywords: [],
    gate: (p) => p.uppers >= 2 && p.digits >= 2 && p.length >= 15,
    match: (s, ctx, push) => {
      for (const m of s.matchAll(IBAN_RE)) {
        const end = validIbanEnd(m[0]);
        if (end > 0) push(m.index, m.index + end, ctx.ibanRep(m[0].slice(0, end)));
      }
    },
    doc: {
      table: 'personal',
      what: 'IBAN, compact or in groups of 4',
      validator: '**country length table + ISO 7064 mod 97**',
      action: 'mask: country code and last 4 kept',
      misses: 'an IBAN in lower case or grouped by other separators than one space',
    },
  },
  {
    id: 'email',
    keywords: [],
    gate: (p) => (p.flags & F_AT) !== 0,
    match: (s, ctx, push) => {
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
        push(m.index, m.index + m[0].length, ctx.classRep('email', m[0], ctx.actions.email, 'email'));
      }
    },
    doc: {
      table: 'personal',
      what: 'addresses in text, also as a path segment after `/`',
      validator: 'TLD is a 2-letter country code or a known generic TLD; `git@host:org/repo`, `ssh://git@host`, `image@sha256:...`, npm scopes are not addresses',
      action: 'with an HMAC key: pseudonym; without: `[REDACTED:email]@domain`',
      misses: 'addresses at rare generic TLDs; obfuscated forms (`jane at example dot com`); the user part of `scheme://user@host`',
    },
  },
  {
    id: 'ipv4',
    keywords: [],
    gate: (p, ctx) => ctx.actions.ip !== 'keep' && (p.flags & F_DOT) !== 0 && p.digits >= 4,
    match: (s, ctx, push) => {
      for (const m of s.matchAll(IPV4_RE)) {
        push(m.index, m.index + m[0].length, ctx.classRep('ip', m[0], ctx.actions.ip, 'ip'));
      }
    },
    doc: {
      table: 'personal',
      what: 'IPv4 addresses in text, only when `actions.ip` is not `keep`',
      validator: 'octets 0–255, not part of a longer dotted number (versions, OIDs)',
      action: 'pseudonym',
      misses: 'IPv6 addresses in text (only under an ip key)',
    },
  },
]; // prettier-ignore

function matchKeyValues(ctx: RuleContext, s: string, push: Push): void {
  const re = KV_RE;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const g = m.groups!;
    const key = g['key']!;
    const before = m.index > 0 ? s.charCodeAt(m.index - 1) : -1;
    const inQuery = before === 63 || before === 38 || before === 59;
    const cls = inQuery ? ctx.keys.classifyParam(key) : ctx.keys.classify(key);
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
    if (cls === undefined || cls === 'allow' || ctx.keyAction(cls) === 'keep') {
      re.lastIndex = start;
      continue;
    }
    const action = ctx.keyAction(cls);
    if (group === 'open') {
      // `password=[...]`, `"secret": {"value": ...}`: the whole bracketed value, bounded.
      if (cls !== 'credential' && cls !== 'cookie') {
        re.lastIndex = end;
        continue;
      }
      end = bracketEnd(s, start, MAX_BRACKET_VALUE);
      // Already redacted (only keys and placeholders inside): nothing in it to scan again.
      if (OWN_STRUCTURE_RE.test(s.slice(start, end))) {
        re.lastIndex = end;
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
    push(start, end, ctx.classRep(c, value, action, classLabel(c)));
    re.lastIndex = Math.max(re.lastIndex, end);
  }
}
function matchCliFlags(ctx: RuleContext, s: string, push: Push): void {
  for (const m of s.matchAll(CLI_FLAG_RE)) {
    const g = m.groups!;
    if (ctx.keys.classify(g['key']!) !== 'credential') continue;
    const group = g['dq'] !== undefined ? 'dq' : g['sq'] !== undefined ? 'sq' : 'bare';
    const [start, end] = m.indices!.groups![group]!;
    if (TEMPLATE_RE.test(s.slice(start, end))) continue;
    push(start, end, '[REDACTED:credential]');
  }
}
function matchDigitRuns(ctx: RuleContext, s: string, push: Push): void {
  const n = s.length;
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
      cardCandidates(ctx, s, segStarts, segEnds, usable, push);
    }
    i = j + 1;
  }
}
function cardCandidates(
  ctx: RuleContext,
  s: string,
  segStarts: readonly number[],
  segEnds: readonly number[],
  k: number,
  push: Push,
): void {
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
      push(segStarts[a]!, segEnds[found]!, ctx.paymentRep(text, 'payment-card'));
      a = found;
    }
  }
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

const CAMEL_WORDS_RE =
  /^(?:[A-Z][a-z]{1,}){1,4}$|^(?:[A-Z]+|[A-Z][a-z]+)(?:-(?:[A-Z]+|[A-Z][a-z]+)){1,4}$/;

export function classLabel(cls: KeyClass | undefined): string {
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
