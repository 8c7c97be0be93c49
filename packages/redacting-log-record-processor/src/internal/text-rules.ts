// The value rules that are not vendor prefixes, as data: one record per rule with its id, the literal
// keywords and pre-filter counts that gate it, its matcher (validators inside), and what the docs say
// it finds and misses. The engine walks TEXT_RULES in order after its one pre-filter pass.
import type { KeywordRule, RuleDoc } from './builtin-rules.js';
import { KEYWORD_RULES } from './builtin-rules.js';
import { matchDigitRuns } from './card-rule.js';
import { matchCliFlags, matchKeyValues } from './key-value-rule.js';
import type { Prefilter, RuleContext } from './rule-context.js';
import {
  F_AT,
  F_COLON,
  F_DOT,
  F_EQ,
  F_SPACE,
  F_TILDE,
  isB64Url,
  TEMPLATE_RE,
} from './rule-context.js';
import { isBasicCredential, isValidIban, isValidSsn } from './validators.js';

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

const COMMON_TLDS = new Set(
  (
    'com net org edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs cat io ai ' +
    'app dev co me tv xyz online site tech store cloud email shop blog page club live news top space ' +
    'website icu vip work life world today solutions services agency company digital network systems ' +
    'group global media studio design team center zone one inc llc ltd gmbh bank insurance health ' +
    'consulting software tools codes fyi wiki link click help support academy education school'
  ).split(' '),
);

// Armour lines with 3 to 6 dashes: hand-made and reformatted keys (`----BEGIN PRIVATE KEY----`).
const PEM_BEGIN_RE = /-{3,6}BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-{3,6}/y;
const PEM_END_RE = /-{3,6}END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-{3,6}/y;
// The password runs to the last `@` before the host (it may hold unencoded `@`, `#` or `?`), or to
// the end of a value cut by the SDK's length limit.
const USERINFO_RE =
  /([A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s/:@?#'"]{0,256}:)(?:([^\s/'"]{1,256})@(?=[A-Za-z0-9[])|([^\s/@?#'"]{1,256})$)/g;
const BEARER_RE =
  /(?<![A-Za-z0-9_-])(?:[Bb]earer|BEARER|[Bb]asic|BASIC)[ \t]{1,3}([A-Za-z0-9._~+/-]{8,4096}={0,2})/dg;
const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const USERINFO_TAIL_RE = /:\/\/[^\s/@]{0,256}:$/;
// After one `/` an address is a path segment (`/users/jane@example.com`); after `//` it is userinfo.
const EMAIL_RE =
  /(?<![A-Za-z0-9._%+-])(?<!\/\/)[A-Za-z0-9._%+-]{1,64}@((?:[A-Za-z0-9-]{1,63}\.){1,8}([A-Za-z]{2,24}))(?![A-Za-z0-9-]|\.[A-Za-z0-9]|:[A-Za-z0-9_.~-]{0,200}\/)/g;
const IPV4_RE =
  /(?<![0-9.])(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}(?![0-9]|\.[0-9])/g;

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
    keywords: ['---BEGIN'],
    gate: (p) => p.length >= 40,
    match: (s, _ctx, push) => matchPem(s, push),
    doc: {
      table: 'structural',
      what: '`-----BEGIN ... PRIVATE KEY-----` blocks (PKCS#1/#8, EC, DSA, OpenSSH, encrypted, PGP), with 3 to 6 dashes, also with literal `\\n` escapes',
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
      if (s.includes(' -') || s.charCodeAt(0) === 45) matchCliFlags(ctx, s, push);
    },
    doc: {
      table: 'structural',
      what: '`name=value`, `name: value`, `"name": "value"`, `name=>value`, escaped JSON, ADO.NET `Password=...;`, URL query parameters, `--password=...`, `--password value`, `-Dx.keyStorePassword=...`, `DB_PASSWORD=...`, `user[password]=...`; a value opening with `[` or `{` is redacted whole, to its closing bracket (one that never closes, to the end of the string); the name is classified like a key (below)',
      validator: 'name class; after `:` in free text, common words (`reset`, `expired`, ...) are not values',
      action: 'by class; credentials `[REDACTED:credential]`',
      misses: 'an unquoted value with spaces after `=` outside an env line (`NAME=...` at a line start runs to the end of the line; elsewhere only the first word is redacted); a flag and value separated by more than 3 spaces',
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
    const k = s.indexOf('---BEGIN', from);
    if (k < 0) return;
    let b = k;
    while (b > 0 && k - b < 3 && s.charCodeAt(b - 1) === 45) b--;
    PEM_BEGIN_RE.lastIndex = b;
    const begin = PEM_BEGIN_RE.exec(s);
    if (begin === null) {
      from = k + 8;
      continue;
    }
    const bodyStart = b + begin[0].length;
    const dashEnd = s.indexOf('---END', bodyStart);
    let e = dashEnd;
    while (e > bodyStart && dashEnd - e < 3 && s.charCodeAt(e - 1) === 45) e--;
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

const CAMEL_WORDS_RE =
  /^(?:[A-Z][a-z]{1,}){1,4}$|^(?:[A-Z]+|[A-Z][a-z]+)(?:-(?:[A-Z]+|[A-Z][a-z]+)){1,4}$/;
