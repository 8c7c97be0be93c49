// Credentials in markup: an XML or HTML element named like a credential key (`<password>`,
// `<wsse:Password Type="...">`, `<apiKey>`, `<пароль>`), .NET `<add key="..." value="..."/>`, and
// YAML block values under a credential key (a list, a literal or folded block scalar).
import type { RedactionClass } from '../types.js';
import type { Push, RuleContext } from './rule-context.js';
import { classLabel, TEMPLATE_RE } from './rule-context.js';

// The element's text up to the first `<`, or one CDATA section; the closing tag names the same
// element. Attributes are bounded, so a `<` that opens no element costs at most one short scan.
const ELEMENT_RE =
  /<(?:([A-Za-z_][\w.-]{0,30}):)?([\p{L}_][\p{L}\p{N}\p{M}_.-]{0,63})(?:[ \t\r\n][^<>]{0,512})?>(?:<!\[CDATA\[([^\]]{1,4096})\]\]>|([^<]{1,4096}))<\/(?:\1:)?\2[ \t\r\n]{0,8}>/dgu;
const ADD_KEY_RE = /\bkey=(["'])([\w.:-]{1,64})\1[ \t\r\n]{1,8}value=(["'])([^"'\r\n]{1,1024})\3/dg;

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
  if (!s.includes('value=')) return;
  for (const m of s.matchAll(ADD_KEY_RE)) {
    const [start, end] = m.indices![4]!;
    redactAs(ctx, m[2]!, s, start, end, push);
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
