// Credentials in markup: an XML or HTML element named like a credential key (`<password>`,
// `<wsse:Password Type="...">`, `<apiKey>`, `<пароль>`), a name given by an attribute (.NET `<add
// key="..." value="..."/>`, `<property name="..." value="...">`, `<input type="password">`), and
// YAML block values under a credential key (a list, a literal or folded block scalar).
import type { RedactionClass } from '../types.js';
import type { Push, RuleContext } from './rule-context.js';
import { classLabel, TEMPLATE_RE } from './rule-context.js';

// The element's text up to the first `<`, or one CDATA section; the closing tag names the same
// element. Attributes are bounded, so a `<` that opens no element costs at most one short scan.
const ELEMENT_RE =
  /<(?:([A-Za-z_][\w.-]{0,30}):)?([\p{L}_][\p{L}\p{N}\p{M}_.-]{0,63})(?:[ \t\r\n][^<>]{0,512})?>(?:<!\[CDATA\[([^\]]{1,4096})\]\]>|([^<]{1,4096}))<\/(?:\1:)?\2[ \t\r\n]{0,8}>/dgu;
/** A start tag with attributes (`<add key="Password" value="..."/>`, `<input type="password" ...>`). */
const TAG_RE = /<([A-Za-z][\w:.-]{0,63})[ \t\r\n]([^<>]{1,1024})>/g;
const ATTR_RE =
  /([A-Za-z_][\w:.-]{0,63})[ \t\r\n]{0,3}=[ \t\r\n]{0,3}(?:"([^"\r\n]{0,1024})"|'([^'\r\n]{0,1024})')/dg;
/** Attributes that name the value beside them or the element's text. */
const NAME_ATTRS = new Set(['name', 'key', 'property']);
/** Work units per start tag read. */
const TAG_COST = 32;

export function matchElements(ctx: RuleContext, s: string, push: Push): void {
  for (const m of s.matchAll(ELEMENT_RE)) {
    const group = m[3] !== undefined ? 3 : 4;
    const text = m[group]!;
    if (text.trim().length === 0) continue;
    const [start, end] = m.indices![group]!;
    const lead = text.length - text.trimStart().length;
    const trail = text.length - text.trimEnd().length;
    redactAs(ctx, m[2]!, s, start + lead, end - trail, push);
  }
  if (s.includes('=')) matchAttributes(ctx, s, push);
}

/**
 * A name given by an attribute: `<property name="db.password" value="..."/>`, `<add key="ApiKey"
 * value="..."/>`, `<input type="password" value="...">`, or, with no `value` attribute, the
 * element's text (`<entry key="db.password">...</entry>`, Android `<string name="api_key">`).
 */
function matchAttributes(ctx: RuleContext, s: string, push: Push): void {
  for (const t of s.matchAll(TAG_RE)) {
    ctx.charge(TAG_COST);
    const attrsAt = t.index + 1 + t[1]!.length + 1;
    let name: string | undefined;
    let password = false;
    let value: [number, number] | undefined;
    for (const a of t[2]!.matchAll(ATTR_RE)) {
      const attr = a[1]!.toLowerCase();
      const g = a[2] !== undefined ? 2 : 3;
      const text = a[g]!;
      if (attr === 'value') {
        const [vs, ve] = a.indices![g]!;
        value = [attrsAt + vs, attrsAt + ve];
      } else if (attr === 'type' && text.toLowerCase() === 'password') password = true;
      else if (NAME_ATTRS.has(attr) && name === undefined) name = text;
    }
    if (value !== undefined) {
      if (value[1] === value[0]) continue;
      if (password) redactAs(ctx, 'password', s, value[0], value[1], push);
      else if (name !== undefined) redactAs(ctx, name, s, value[0], value[1], push);
      continue;
    }
    if (name === undefined || t[0].endsWith('/>')) continue;
    // The element's text, up to its closing tag (a child element or other text: nothing).
    const from = t.index + t[0].length;
    const close = s.indexOf('<', from);
    if (close <= from || close - from > 4096 || !s.startsWith(`</${t[1]!}`, close)) continue;
    const text = s.slice(from, close);
    const lead = text.length - text.trimStart().length;
    const trail = text.length - text.trimEnd().length;
    if (lead + trail >= text.length) continue;
    redactAs(ctx, name, s, from + lead, close - trail, push);
  }
}

/** Redacts `s[start, end)` as the value of a key named `name`, when the name has a class. */
function redactAs(
  ctx: RuleContext,
  name: string,
  s: string,
  start: number,
  end: number,
  push: Push,
): void {
  const cls = ctx.keys.classify(name);
  if (cls === undefined || cls === 'allow' || ctx.keyAction(cls) === 'keep') return;
  const value = s.slice(start, end);
  if (TEMPLATE_RE.test(value)) return;
  const c: RedactionClass = cls === 'cookie' ? 'credential' : cls;
  if (c === 'credential') push(start, end, '[REDACTED:credential]');
  else push(start, end, ctx.classRep(c, value, ctx.keyAction(cls), classLabel(c)));
}

// A key ending its line (an optional block indicator and comment after the colon), at the line's
// start or after whitespace or `=` (a quoted line: `login rejected: passwords:`).
const YAML_KEY_RE =
  /(?:^[ \t]{0,32}|(?<=[ \t=]))(?:- )?["']?([A-Za-z_][\w.-]{0,63})["']?[ \t]{0,3}:[ \t]{0,3}([|>][+-]?[1-9]?[+-]?)?[ \t]{0,8}(?:#[^\n]{0,256})?\r?$/gm;
const ITEM_RE = /[ \t]{0,32}- /y;
const MAX_BLOCK = 4096;
const MAX_LINES = 64;

/**
 * `passwords:\n  - a\n  - b`, `password: |\n  line`: a key with nothing after it on its line owns the
 * lines below that are indented deeper (or list items at its own indentation); each line's text
 * is redacted, bounded at 64 lines and 4096 characters.
 */
export function matchYamlBlocks(ctx: RuleContext, s: string, push: Push): void {
  const re = YAML_KEY_RE;
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const cls = ctx.keys.classify(m[1]!);
    if (cls !== 'credential' && cls !== 'cookie') continue;
    if (ctx.keyAction(cls) === 'keep') continue;
    const lineStart = s.lastIndexOf('\n', m.index) + 1;
    let indent = 0;
    while (s.charCodeAt(lineStart + indent) === 32 || s.charCodeAt(lineStart + indent) === 9)
      indent++;
    // After other text on its line, a key owns a block only with an indicator or a list below it.
    if (m.index > lineStart + indent && m[2] === undefined) {
      ITEM_RE.lastIndex = m.index + m[0].length + 1;
      if (!ITEM_RE.test(s)) continue;
    }
    const limit = Math.min(s.length, m.index + m[0].length + MAX_BLOCK);
    let pos = m.index + m[0].length + 1;
    for (let lines = 0; pos < limit && lines < MAX_LINES; lines++) {
      let eol = s.indexOf('\n', pos);
      if (eol < 0 || eol > limit) eol = limit;
      let i = pos;
      while (i < eol && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
      const blank = i === eol || (i === eol - 1 && s.charCodeAt(i) === 13);
      const item = s.startsWith('- ', i) || (s.charCodeAt(i) === 45 && i + 1 === eol);
      if (!blank && i - pos <= indent && !(item && i - pos === indent)) break;
      if (!blank) {
        if (item) i += 2;
        const end = s.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
        if (end > i) push(i, end, '[REDACTED:credential]');
      }
      pos = eol + 1;
    }
    // The block's lines are its value, not keys of their own: go on after it.
    re.lastIndex = Math.max(re.lastIndex, pos - 1);
  }
}
