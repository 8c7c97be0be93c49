// The key-value rule's matchers: `name=value` pairs in text classified by their name, and
// `--flag value` command-line arguments; bracketed values are read whole, bounded.
import type { RedactionClass } from '../types.js';
import type { Push, RuleContext } from './rule-context.js';
import { isWideKey } from './key-fold.js';
import { isAuthorizationKey, isAuthScheme, pushAuthCredential } from './authorization.js';
import { AUTH_SCHEMES, classLabel, TEMPLATE_RE } from './rule-context.js';

const STOPWORDS = new Set([
  'reset', 'changed', 'expired', 'required', 'invalid', 'updated', 'missing', 'incorrect', 'policy',
  'rotation', 'rotated', 'accepted', 'rejected', 'ok', 'set', 'unset', 'redacted', 'hidden',
  'present', 'provided', 'wrong', 'mismatch', 'empty', 'valid', 'revoked', 'refreshed', 'issued',
  'denied', 'failed', 'success', 'error', 'bucket', 'limit', 'exceeded', 'yes', 'no',
]); // prettier-ignore
// `key=value` in text: shell and JVM flags (`--password=`, `-Dx.keyStorePassword=`), env lines,
// bracketed form fields (`user[password]=`), npmrc (`//registry/:_password=`), quoted values with
// escapes, and an opening bracket.
// A quote that never closes (a cut string: `password="correct horse` at seclog's or the SDK's
// length limit) runs to the end of the line, bounded, instead of leaving the value unmatched.
const KV_RE =
  /(?<![A-Za-z0-9_.-])(?:--?)?(?<key>[A-Za-z_][A-Za-z0-9_.-]{0,63}(?:\[[A-Za-z0-9_.-]{0,63}\]){0,4})(?<q>\\?["']?)[ \t]{0,3}(?<op>=>|:=|==|=|:)[ \t]{0,3}(?:\\"(?<edq>[^"\\\r\n]{0,1024})\\"|"(?<dq>(?:[^"\\\r\n]|\\.){0,1024})"|'(?<sq>(?:[^'\\\r\n]|\\.){0,1024})'|\\?"(?<odq>(?:[^"\\\r\n]|\\.){1,1024})|'(?<osq>(?:[^'\\\r\n]|\\.){1,1024})|(?<bare>[^\s"'\\,;&<>{[][^\s"'\\,;&<>]{0,1023})|(?<open>[[{]))/dg;
/** `--password value` (a flag and the next argument), also as the value of a pair (`note=--token x`). */
const CLI_FLAG_RE =
  /(?<![^\s"'=])--?(?<key>[A-Za-z][A-Za-z0-9_.-]{0,63})[ \t]{1,3}(?:"(?<dq>[^"\r\n]{1,1024})"|'(?<sq>[^'\r\n]{1,1024})'|(?<bare>[^\s"'-][^\s"']{0,1023}))/dg;
const WIDE_KV_RE =
  /(?<![\p{L}\p{N}\p{M}\p{Cf}_.-])(?<key>[\p{L}\p{N}\p{M}\p{Cf}_.-]{1,64})["'\u201d]?[ \t\u3000]{0,3}(?:=|:|\uff1a|\uff1d)[ \t\u3000]{0,3}(?:"(?<dq>[^"\r\n]{1,1024})"|'(?<sq>[^'\r\n]{1,1024})'|(?<bare>[^\s"',;&<>\u3001\uff0c]{1,1024}))/dgu;
/** A bracketed value that holds only keys and this processor's placeholders (already redacted). */
const OWN_STRUCTURE_RE =
  /^(?:[\s[\]{},:]|\\?"[A-Za-z0-9_.-]{0,64}\\?"[ \t]{0,3}:|\\?"\[REDACTED:[a-z0-9-]{1,40}\]\\?")*$/;
const PHONE_TAIL_RE = /(?:[ .()-]{0,3}[0-9]){1,20}/y;
/** Work units per pair found (the regex's group indices, the key's class, the replacement). */
const PAIR_COST = 64;
const AUTH_FOLLOW_RE = /[ \t]{1,3}(?=[^\s"',;])/y;
/** `Splunk <token>` inside a quoted header value: the scheme, its spaces, the rest. */
const QUOTED_AUTH_RE = /^([A-Za-z][A-Za-z0-9-]{1,40})[ \t]{1,3}(?=\S)/;

export function matchKeyValues(ctx: RuleContext, s: string, push: Push): void {
  const re = KV_RE;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    ctx.charge(PAIR_COST);
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
            : g['odq'] !== undefined
              ? 'odq'
              : g['osq'] !== undefined
                ? 'osq'
                : g['bare'] !== undefined
                  ? 'bare'
                  : 'open';
    const start = m.indices!.groups![group]![0];
    let end = m.indices!.groups![group]![1];
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
      end = bracketEnd(s, start);
      // `password=[REDACTED:credential]hunter2`: what runs on after the brackets is value too.
      const rest = valueTailEnd(s, end);
      if (rest > end) {
        push(start, rest, '[REDACTED:credential]');
        re.lastIndex = rest;
        continue;
      }
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
    // `password=ab"cd ef"`: a quote opened inside a bare value belongs to it.
    if (group === 'bare') end = quotedTailEnd(s, end);
    let value = s.slice(start, end);
    if (value.length === 0 || TEMPLATE_RE.test(value)) continue;
    const quoted = group !== 'bare' || g['q']!.length > 0;
    const operator = g['op']!;
    // `password: |` opens a YAML block scalar: its lines are the value (markup-rule.ts).
    if (group === 'bare' && operator === ':' && BLOCK_INDICATOR_RE.test(value)) continue;
    // `auth=ok`, `session: expired`, `tokens=1500`: a state or a count, not a value of the class.
    if (
      !quoted &&
      (isStatusWord(value) || (cls === 'credential' && ctx.keys.describes(key, value)))
    ) {
      re.lastIndex = end;
      continue;
    }
    if (cls === 'credential' || cls === 'cookie') {
      const authKey = isAuthorizationKey(key);
      if (group === 'bare' && isAuthScheme(value, authKey)) {
        // `Authorization: SSWS <token>`, `Digest ..., response="..."`: the scheme stays.
        AUTH_FOLLOW_RE.lastIndex = end;
        const f = AUTH_FOLLOW_RE.exec(s);
        const lineEnd = s.indexOf('\n', end);
        const after = f === null ? -1 : pushAuthCredential(s, AUTH_FOLLOW_RE.lastIndex,
          lineEnd < 0 ? s.length : lineEnd, false, push); // prettier-ignore
        // A lone scheme word is a state (`auth=Bearer`); under an authorization key it may be the secret.
        if (after < 0 && authKey && !AUTH_SCHEMES.has(value.toLowerCase()))
          push(start, end, '[REDACTED:credential]');
        re.lastIndex = Math.max(end, after);
        continue;
      }
      if (group !== 'bare' && authKey) {
        const q = QUOTED_AUTH_RE.exec(value);
        if (q !== null && isAuthScheme(q[1]!, true)) {
          pushAuthCredential(s, start + q[0].length, end, true, push);
          re.lastIndex = end;
          continue;
        }
      }
      if (!quoted && operator === '=' && isEnvLine(s, m.index, key)) {
        // `DB_PASSWORD=correct horse battery` in an env dump: the value runs to the end of the line.
        const eol = s.indexOf('\n', end);
        end = Math.min(eol < 0 ? s.length : eol, start + 1024);
        if (s.charCodeAt(end - 1) === 13) end--;
        re.lastIndex = end;
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

/**
 * `name=value` whose name has characters outside ASCII (`пароль=`, `密码：`, a spoofed `pаssword=`,
 * `pass\u200bword=`), classified after folding (key-fold.ts); only for strings with such characters.
 */
export function matchWideKeys(ctx: RuleContext, s: string, push: Push): void {
  const re = WIDE_KV_RE;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const g = m.groups!;
    const key = g['key']!;
    const group = g['dq'] !== undefined ? 'dq' : g['sq'] !== undefined ? 'sq' : 'bare';
    const [start, end] = m.indices!.groups![group]!;
    const cls = isWideKey(key) ? ctx.keys.classify(key) : undefined;
    // Not a wide credential name: the value may hold the next pair (`rejected: пароль: ...`).
    if (cls === undefined || cls === 'allow' || ctx.keyAction(cls) === 'keep') {
      re.lastIndex = start;
      continue;
    }
    const value = s.slice(start, end);
    if (TEMPLATE_RE.test(value) || (group === 'bare' && isStatusWord(value))) continue;
    const c: RedactionClass = cls === 'cookie' ? 'credential' : cls;
    const rep =
      c === 'credential'
        ? '[REDACTED:credential]'
        : ctx.classRep(c, value, ctx.keyAction(cls), classLabel(c));
    push(start, end, rep);
  }
}

export function matchCliFlags(ctx: RuleContext, s: string, push: Push): void {
  for (const m of s.matchAll(CLI_FLAG_RE)) {
    ctx.charge(PAIR_COST);
    const g = m.groups!;
    if (ctx.keys.classify(g['key']!) !== 'credential') continue;
    const group = g['dq'] !== undefined ? 'dq' : g['sq'] !== undefined ? 'sq' : 'bare';
    const [start, end] = m.indices!.groups![group]!;
    if (TEMPLATE_RE.test(s.slice(start, end))) continue;
    push(start, end, '[REDACTED:credential]');
  }
}

function isStatusWord(value: string): boolean {
  return value.length <= 16 && STOPWORDS.has(value) && /^[a-z]{1,16}$/.test(value);
}

const BLOCK_INDICATOR_RE = /^[|>][+-]?[1-9]?[+-]?$/;
const VALUE_TAIL_RE = /[^\s"'\\,;&<>{}[\]()]{1,1024}/y;
/** End of a bare value that continues right after `at` (no separator between), or `at`. */
function valueTailEnd(s: string, at: number): number {
  VALUE_TAIL_RE.lastIndex = at;
  return VALUE_TAIL_RE.test(s) ? VALUE_TAIL_RE.lastIndex : at;
}

/**
 * A bare value followed at once by a quote (`ab"cd"`, `ab\\"cd\\"`) runs to that quote's close on the
 * same line (at most 1024 characters on) and on through what is attached after it. A quote that
 * closes the surrounding string (`"password=abc","n":1`, `password=abc"}`) is followed by a
 * separator and is not taken.
 */
function quotedTailEnd(s: string, end: number): number {
  let q = s.charCodeAt(end);
  const escaped = q === 92 && (s.charCodeAt(end + 1) === 34 || s.charCodeAt(end + 1) === 39);
  if (escaped) q = s.charCodeAt(end + 1);
  if (q !== 34 && q !== 39) return end;
  const open = end + (escaped ? 2 : 1);
  const first = s.charCodeAt(open);
  if (
    Number.isNaN(first) ||
    first <= 32 ||
    first === 44 ||
    first === 58 ||
    first === 125 ||
    first === 93
  ) {
    return end;
  }
  const limit = Math.min(s.length, open + 1024);
  for (let i = open; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    if (c !== q) continue;
    if (escaped && s.charCodeAt(i - 1) !== 92) continue;
    return valueTailEnd(s, i + 1);
  }
  return limit;
}

/**
 * End of the bracketed value opening at `open` (`[` or `{`), skipping brackets inside JSON strings;
 * an unclosed value (a cut string) runs to the end. Runs only under a credential key, and the scan
 * resumes after the value, so the values read never overlap: linear in the string.
 */
function bracketEnd(s: string, open: number): number {
  const limit = s.length;
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

/** `NAME=value` at the start of a line (or after `export `): a line of an env dump or `.env` file. */
function isEnvLine(s: string, at: number, key: string): boolean {
  if (!ENV_NAME_RE.test(key)) return false;
  const lineStart = at >= 7 && s.startsWith('export ', at - 7) ? at - 7 : at;
  return lineStart === 0 || s.charCodeAt(lineStart - 1) === 10;
}
const ENV_NAME_RE = /^[A-Z][A-Z0-9_]{0,63}$/;
