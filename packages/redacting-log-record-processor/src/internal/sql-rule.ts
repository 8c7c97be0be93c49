// Passwords in SQL statements: `IDENTIFIED BY`, `PASSWORD '...'` (CREATE/ALTER USER/ROLE/LOGIN,
// SET PASSWORD), and the values of credential columns in `INSERT INTO t (cols) VALUES (...)`,
// mapped by column position with a bounded tokenizer.
import type { Push, RuleContext } from './rule-context.js';

// A quoted SQL literal ('' and \' escapes) or an Oracle bare word; the first set group is the value.
const LITERAL = `(?:'((?:[^'\\\\\\r\\n]|''|\\\\.){1,256})'|"((?:[^"\\\\\\r\\n]|""|\\\\.){1,256})"`;
const IDENTIFIED_RE = new RegExp(
  `\\bIDENTIFIED[ \\t\\r\\n]{1,8}(?:WITH[ \\t]{1,8}['"\`]?[\\w-]{1,64}['"\`]?[ \\t\\r\\n]{1,8})?(?:BY|AS)[ \\t\\r\\n]{1,8}(?:PASSWORD[ \\t]{1,8})?(?:${LITERAL}|([^\\s;'"]{1,256})))`,
  'dgi',
);
// `PASSWORD 'x'`, `PASSWORD = 'x'`, `SET PASSWORD FOR u = PASSWORD('x')`: single quotes only (a
// double-quoted word after `password` is JSON, not SQL).
const PASSWORD_RE =
  /\bPASSWORD(?:[ \t]{1,8}FOR[ \t]{1,8}[^\s=]{1,128})?(?:[ \t]{1,8}|[ \t]{0,8}=[ \t]{0,8})(?:PASSWORD[ \t]{0,8}\([ \t]{0,8})?'((?:[^'\\\r\n]|''|\\.){1,256})'/dgi;
const INSERT_RE =
  /\bINSERT[ \t]{1,8}(?:IGNORE[ \t]{1,8})?INTO[ \t]{1,8}[\w."`[\]]{1,128}[ \t]{0,8}\(([^()]{1,2048})\)[ \t\r\n]{0,8}VALUES[ \t\r\n]{0,8}/gi;
const MAX_VALUES = 8192;

function firstGroup(m: RegExpMatchArray): number {
  for (let i = 1; i < m.length; i++) if (m[i] !== undefined) return i;
  return -1;
}

/** The gate (one scan, before the rule is charged): a statement that may set or insert a password. */
export const SQL_GATE_RE =
  /identified[ \t\r\n]|set[ \t]{1,8}password|password[ \t]{0,8}=?[ \t]{0,8}'|insert[ \t]/i;

export function matchSql(ctx: RuleContext, s: string, push: Push): void {
  for (const re of [IDENTIFIED_RE, PASSWORD_RE]) {
    for (const m of s.matchAll(re)) {
      const i = firstGroup(m);
      if (i < 0) continue;
      const [start, end] = m.indices![i]!;
      push(start, end, '[REDACTED:credential]');
    }
  }
  const re = INSERT_RE;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const columns = m[1]!.split(',').map((c) => c.trim().replace(/^["`[]|["`\]]$/g, ''));
    const secret = columns.map((c) => {
      const cls = ctx.keys.classify(c);
      return cls === 'credential' || cls === 'cookie';
    });
    if (!secret.includes(true)) continue;
    re.lastIndex = Math.max(re.lastIndex, redactTuples(s, m.index + m[0].length, secret, push));
  }
}

/**
 * Walks `(v, v, ...), (...)` from `at`: literals, numbers and calls are values, separated by commas
 * at depth 1; the values at the credential columns' positions are redacted. Bounded; returns
 * where it stopped.
 */
function redactTuples(s: string, at: number, secret: readonly boolean[], push: Push): number {
  const limit = Math.min(s.length, at + MAX_VALUES);
  let depth = 0;
  let column = 0;
  let start = -1;
  for (let i = at; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c === 39 || c === 34) {
      // A quoted literal: to its closing quote ('' and backslash escapes inside).
      let j = i + 1;
      while (j < limit) {
        const d = s.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === c && s.charCodeAt(j + 1) === c) j += 2;
        else if (d === c) break;
        else j++;
      }
      if (depth === 1 && secret[column] === true)
        push(i + 1, Math.min(j, limit), '[REDACTED:credential]');
      i = j;
      continue;
    }
    if (c === 40) {
      if (++depth === 1) {
        column = 0;
        start = i + 1;
      }
    } else if (c === 41) {
      if (depth === 1) endValue(s, start, i, secret[column] === true, push);
      if (--depth < 0) return i;
    } else if (c === 44 && depth === 1) {
      endValue(s, start, i, secret[column] === true, push);
      column++;
      start = i + 1;
    } else if (c === 59 || (depth === 0 && c !== 44 && c > 32)) return i;
  }
  return limit;
}

/** An unquoted value at a credential column (`0x...`, a function call, a bare word). */
function endValue(s: string, start: number, end: number, secret: boolean, push: Push): void {
  if (!secret || start < 0) return;
  const v = s.slice(start, end).trim();
  if (v.length === 0 || v.charCodeAt(0) === 39 || v.charCodeAt(0) === 34) return;
  if (/^(?:NULL|DEFAULT|\?|\$[0-9]{1,3}|:[A-Za-z_]\w{0,63}|@[A-Za-z_]\w{0,63})$/i.test(v)) return;
  const from = s.indexOf(v, start);
  push(from, from + v.length, '[REDACTED:credential]');
}
