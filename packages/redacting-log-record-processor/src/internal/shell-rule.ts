// A credential name, a space, the value: configuration commands (`aws configure set
// aws_secret_access_key X`, `npm config set //registry/:_authToken X`, Redis `CONFIG SET
// requirepass X`), Redis `AUTH [user] pw` at a prompt or in MONITOR output, redis.conf lines
// (`requirepass X`, `masterauth X`), and the Mongo shell's `changeUserPassword("u", "pw")`.
import type { Push, RuleContext } from './rule-context.js';
import { TEMPLATE_RE } from './rule-context.js';

const V = `(?:"([^"\\r\\n]{1,1024})"|'([^'\\r\\n]{1,1024})'|([^\\s"']{1,1024}))`;
/** `... set <name> <value>` after a tool that sets configuration. */
const CONFIG_SET_RE = new RegExp(
  `\\b(?:aws[ \\t]{1,3}configure|(?:npm|yarn|pnpm)[ \\t]{1,3}config|config|git[ \\t]{1,3}config(?:[ \\t]{1,3}--[a-z]{1,12})?|gh[ \\t]{1,3}secret|heroku[ \\t]{1,3}config:?)[ \\t]{1,3}(?:set[ \\t]{1,3})?["']?([A-Za-z_/@.:-][A-Za-z0-9_/@.:-]{0,127})["']?[ \\t]{1,3}${V}`,
  'dgi',
);
/** Redis names that hold a password but are not named like one. */
const REDIS_PASSWORD_NAMES = new Set(['requirepass', 'masterauth', 'masteruser']);
/** redis.conf: `requirepass X`, `masterauth X` at a line start. */
const REDIS_CONF_RE = new RegExp(
  `(?:^|\\n)[ \\t]{0,8}(?:requirepass|masterauth)[ \\t]{1,8}${V}`,
  'dgi',
);
/** `AUTH [user] pw` at a line start or after a prompt (`redis>`, `127.0.0.1:6379>`). */
const AUTH_RE = new RegExp(
  `(?:^|\\n|>[ \\t]{0,3})AUTH[ \\t]{1,3}${V}(?:[ \\t]{1,3}${V})?[ \\t]{0,8}(?=\\r?\\n|$)`,
  'dg',
);
/** MONITOR: `"AUTH" "pw"` or `"auth" "user" "pw"`. */
const MONITOR_AUTH_RE =
  /"(?:AUTH|auth)"[ \t]{1,3}"((?:[^"\\\r\n]|\\.){1,1024})"(?:[ \t]{1,3}"((?:[^"\\\r\n]|\\.){1,1024})")?/dg;
/** `changeUserPassword("u", "pw")`, `db.auth("u", "pw")`. */
const MONGO_RE =
  /\b(?:changeUserPassword|auth)\([ \t]{0,3}(["'])[^"'\r\n]{0,128}\1[ \t]{0,3},[ \t]{0,3}(["'])([^"'\r\n]{1,1024})\2/dg;
const STATES = new Set(['ok', 'failed', 'error', 'required', 'denied', 'invalid']);

export const SHELL_GATE_RE = /config|AUTH|auth\(|ChangeUserPassword|requirepass|masterauth|secret/i;

/** The first capture group in [from, to) that matched, as [start, end]. */
function firstGroup(m: RegExpExecArray, from: number, to: number): [number, number] | undefined {
  for (let g = from; g < to; g++) if (m[g] !== undefined) return m.indices![g]!;
  return undefined;
}

function pushSpan(s: string, span: [number, number] | undefined, push: Push): void {
  if (span === undefined) return;
  const value = s.slice(span[0], span[1]);
  if (TEMPLATE_RE.test(value) || STATES.has(value.toLowerCase())) return;
  push(span[0], span[1], '[REDACTED:credential]');
}

export function matchShellCredentials(ctx: RuleContext, s: string, push: Push): void {
  for (const m of s.matchAll(CONFIG_SET_RE)) {
    ctx.charge(32);
    const name = m[1]!;
    const last = name.slice(Math.max(name.lastIndexOf(':'), name.lastIndexOf('/')) + 1);
    const cls = ctx.keys.classify(name) ?? ctx.keys.classify(last);
    if (cls !== 'credential' && cls !== 'cookie' && !REDIS_PASSWORD_NAMES.has(last.toLowerCase()))
      continue;
    pushSpan(s, firstGroup(m, 2, 5), push);
  }
  for (const m of s.matchAll(REDIS_CONF_RE)) pushSpan(s, firstGroup(m, 1, 4), push);
  for (const m of s.matchAll(AUTH_RE))
    pushSpan(s, firstGroup(m, 4, 7) ?? firstGroup(m, 1, 4), push);
  for (const m of s.matchAll(MONITOR_AUTH_RE)) pushSpan(s, m.indices![2] ?? m.indices![1], push);
  for (const m of s.matchAll(MONGO_RE)) pushSpan(s, m.indices![3], push);
}
