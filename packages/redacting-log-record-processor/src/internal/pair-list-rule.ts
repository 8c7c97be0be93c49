// Values named by a separate name in text: name/value objects (`{"name":"DB_PASSWORD","value":...}`,
// k8s env, AWS SSM, `util.inspect` output, NDJSON), lists of names and values (Node's `rawHeaders`,
// `[['x-api-key', v]]`) and multipart form fields (`Content-Disposition: form-data; name="password"`
// then the value after the blank line). The structured forms are read by the engine; these are the
// same shapes logged as text, or in a JSON string past the parse cap.
import type { RedactionClass } from '../types.js';
import type { Push, RuleContext } from './rule-context.js';
import { classLabel, TEMPLATE_RE } from './rule-context.js';

// A quote, optionally escaped (`\"` inside a JSON string); `(?:...)` keeps the groups numbered.
const Q = `(\\\\?["'])`;
/** `"name": "DB_PASSWORD"` (quoted or bare field name, as `util.inspect` prints it). */
const NAME_FIELD_RE = new RegExp(
  `(?<![A-Za-z0-9_])\\\\?["']?(?:name|key|Name|Key|NAME|KEY)\\\\?["']?[ \\t]{0,3}:[ \\t]{0,3}${Q}([A-Za-z_./:-][A-Za-z0-9_./:-]{0,127})\\1`,
  'g',
);
/** `"value": "..."` or `value: '...'` or a bare scalar. */
const VALUE_FIELD_RE =
  /(?<![A-Za-z0-9_])\\?["']?(?:value|Value|VALUE)\\?["']?[ \t]{0,3}:[ \t]{0,3}(?:(\\?["'])((?:(?!\1)[^\\\r\n]|\\[^"'\r\n]){0,1024})\1|([^\s,}\]"'\\]{1,256}))/g;
/** One string item of a list, then what follows it (`,` or the closing `]`). */
const ITEM_RE =
  /[ \t\r\n]{0,8}(\\?["'])((?:(?!\1)[^\\\r\n]|\\[^"'\r\n]){0,1024})\1[ \t\r\n]{0,8}([,\]])/y;
const PAIR_NAME_RE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
/** A list item of one lower-case word: a tag (`['secret', 'public']`), not a secret. */
const WORD_ITEM_RE = /^[a-z]{1,16}$/;
const MAX_ITEMS = 512;
const OBJECT_SPAN = 2048;
/** Work units per candidate read (a name field and its object, one list item). */
const CANDIDATE_COST = 32;

// Multipart: the part's headers, a blank line, the value up to the next line (the boundary).
const NL = '(?:\\r?\\n|\\\\r\\\\n|\\\\n)';
const MULTIPART_RE = new RegExp(
  `Content-Disposition:[ \\t]{0,3}form-data;[^\\r\\n\\\\]{0,256}?\\bname=(?:\\\\?"([^"\\r\\n\\\\]{1,128})\\\\?"|([^;\\s"\\\\]{1,128}))[^\\r\\n\\\\]{0,256}(?:${NL}[A-Za-z-]{1,64}:[^\\r\\n\\\\]{0,256}){0,8}${NL}${NL}`,
  'gi',
);
const MULTIPART_VALUE_RE = /(?:[^\r\n\\]|\\(?![rn])){1,4096}/y;

export function matchNamedValues(ctx: RuleContext, s: string, push: Push): void {
  if (s.includes('ame') || s.includes('ey') || s.includes('AME') || s.includes('EY')) {
    matchNameObjects(ctx, s, push);
  }
  if (s.includes('[')) matchNameLists(ctx, s, push);
  if (s.includes('orm-data') || s.includes('ORM-DATA')) matchMultipart(ctx, s, push);
}

/** The class a name gives its value, or undefined when it gives none (or its action keeps it). */
function nameClass(ctx: RuleContext, name: string): Exclude<RedactionClass, never> | undefined {
  const cls = ctx.keys.classify(name);
  if (cls === undefined || cls === 'allow' || ctx.keyAction(cls) === 'keep') return undefined;
  return cls === 'cookie' ? 'credential' : cls;
}

function pushValue(
  ctx: RuleContext,
  c: RedactionClass,
  s: string,
  start: number,
  end: number,
  push: Push,
): void {
  const value = s.slice(start, end);
  if (value.length === 0 || TEMPLATE_RE.test(value)) return;
  if (c === 'credential') push(start, end, '[REDACTED:credential]');
  else push(start, end, ctx.classRep(c, value, ctx.actions[c], classLabel(c)));
}

/** `{"name": "DB_PASSWORD", "value": "..."}` in either order, inside the same braces. */
function matchNameObjects(ctx: RuleContext, s: string, push: Push): void {
  const re = NAME_FIELD_RE;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    ctx.charge(CANDIDATE_COST);
    const c = nameClass(ctx, m[2]!);
    if (c === undefined) continue;
    // The enclosing object: back to its `{`, on to its `}` (bounded; no nested braces read).
    const open = s.lastIndexOf('{', m.index);
    const from =
      open < 0 || m.index - open > OBJECT_SPAN ? Math.max(0, m.index - OBJECT_SPAN) : open;
    let close = s.indexOf('}', m.index);
    if (close < 0 || close - m.index > OBJECT_SPAN)
      close = Math.min(s.length, m.index + OBJECT_SPAN);
    const inner = s.lastIndexOf('}', m.index);
    const start = inner > from ? inner : from;
    ctx.charge(close - start);
    const v = VALUE_FIELD_RE;
    v.lastIndex = start;
    for (let f = v.exec(s); f !== null && f.index < close; f = v.exec(s)) {
      const value = f[2] ?? f[3]!;
      const vEnd = f.index + f[0].length - (f[2] !== undefined ? f[1]!.length : 0);
      pushValue(ctx, c, s, vEnd - value.length, vEnd, push);
    }
  }
}

/**
 * `['authorization', 'Bearer x', 'x-api-key', y]` (rawHeaders) and `['x-api-key', y]` pairs: a list
 * of string items only; a pair, or an even number of items whose every even one is a name.
 */
function matchNameLists(ctx: RuleContext, s: string, push: Push): void {
  let from = 0;
  for (;;) {
    const open = s.indexOf('[', from);
    if (open < 0) return;
    from = open + 1;
    const items: [number, number][] = [];
    let pos = open + 1;
    let closed = false;
    while (items.length < MAX_ITEMS) {
      ITEM_RE.lastIndex = pos;
      const m = ITEM_RE.exec(s);
      if (m === null) break;
      ctx.charge(CANDIDATE_COST);
      const end = m.index + m[0].length;
      const close = end - 1 - (m[0].length - m[0].trimEnd().length);
      const valueEnd = s.lastIndexOf(m[1]!, close - 1);
      items.push([valueEnd - m[2]!.length, valueEnd]);
      pos = end;
      if (m[3] === ']') {
        closed = true;
        break;
      }
    }
    if (!closed || items.length < 2 || items.length % 2 === 1) continue;
    from = pos;
    const names = items.filter((_, i) => i % 2 === 0).map(([a, b]) => s.slice(a, b));
    if (!names.every((n) => PAIR_NAME_RE.test(n))) continue;
    for (let i = 0; i < items.length; i += 2) {
      const c = nameClass(ctx, names[i / 2]!);
      const [vStart, vEnd] = items[i + 1]!;
      if (c === undefined || WORD_ITEM_RE.test(s.slice(vStart, vEnd))) continue;
      pushValue(ctx, c, s, vStart, vEnd, push);
    }
  }
}

/** `Content-Disposition: form-data; name="password"`, blank line, the value. */
function matchMultipart(ctx: RuleContext, s: string, push: Push): void {
  for (const m of s.matchAll(MULTIPART_RE)) {
    ctx.charge(CANDIDATE_COST);
    const c = nameClass(ctx, m[1] ?? m[2]!);
    if (c === undefined) continue;
    MULTIPART_VALUE_RE.lastIndex = m.index + m[0].length;
    const v = MULTIPART_VALUE_RE.exec(s);
    if (v !== null) pushValue(ctx, c, s, v.index, v.index + v[0].length, push);
  }
}
