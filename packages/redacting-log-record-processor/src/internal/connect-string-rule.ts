// Credentials in connect strings and credential files that have no `key=value` shape: Oracle's
// `user/password@db` (JDBC thin URLs, `sqlplus`, `expdp userid=`), `.netrc` lines and `.pgpass`
// lines. Each runs only after its own context is found (a tool name, `machine`, a pgpass line).
import type { Push } from './rule-context.js';
import { TEMPLATE_RE } from './rule-context.js';

/** One scan for the Oracle and netrc contexts below (pgpass lines have their own hint). */
export const CONNECT_GATE_RE =
  /oracle|sqlplus|sqlldr|expdp|impdp|rman|dgmgrl|SQLPLUS|CONNECT |machine|default/;
/** Oracle tools and URLs: the context in which `user/password` is a login. */
const ORACLE_GATE_RE = /oracle|sqlplus|sqlldr|expdp|impdp|rman|dgmgrl|SQLPLUS|CONNECT /;
// `scott/tiger@orcl`, `jdbc:oracle:thin:scott/tiger@//h:1521/svc` (not a path: nothing before it).
const USER_PW_AT_RE =
  /(?<![\w/.@$#-])[A-Za-z][\w$#]{0,29}\/("[^"\r\n]{1,128}"|[^\s/@"',;]{1,128})@(?=[\w.[(/-])/dg;
// `sqlplus -s scott/tiger`, `expdp userid=scott/tiger`, `CONNECT scott/tiger`: no `@` needed.
const TOOL_USER_PW_RE =
  /\b(?:sqlplus|sqlldr|expdp|impdp|exp|imp|rman|dgmgrl|SQLPLUS|CONNECT|connect)(?:[ \t]{1,3}-{1,2}[A-Za-z]{1,12}){0,3}[ \t]{1,3}(?:(?:userid|USERID|target|auxiliary|catalog)=)?["']?[A-Za-z][\w$#]{0,29}\/("[^"\r\n]{1,128}"|[^\s/@"']{1,128})/dg;
const USERID_RE =
  /\b(?:userid|USERID)[ \t]{0,3}=[ \t]{0,3}["']?[A-Za-z][\w$#]{0,29}\/([^\s/@"']{1,128})/dg;

export function matchConnectStrings(s: string, push: Push): void {
  if (ORACLE_GATE_RE.test(s)) matchOracleLogins(s, push);
  if (s.includes('password') && NETRC_GATE_RE.test(s)) matchNetrc(s, push);
  if (mayHoldPgpass(s)) matchPgpass(s, push);
}

function matchOracleLogins(s: string, push: Push): void {
  for (const re of [USER_PW_AT_RE, TOOL_USER_PW_RE, USERID_RE]) {
    for (const m of s.matchAll(re)) {
      const [start, end] = m.indices![1]!;
      if (TEMPLATE_RE.test(m[1]!)) continue;
      push(start, end, '[REDACTED:credential]');
    }
  }
}

/** A `.netrc` text: `machine <host>` or `default` before the tokens. */
const NETRC_GATE_RE = /\bmachine[ \t\n]{1,8}\S|(?:^|\n)[ \t]{0,8}default[ \t\n]/;
const NETRC_PASSWORD_RE = /(?<!\S)password[ \t\n]{1,8}(\S{1,256})/dg;

function matchNetrc(s: string, push: Push): void {
  for (const m of s.matchAll(NETRC_PASSWORD_RE)) {
    const [start, end] = m.indices![1]!;
    push(start, end, '[REDACTED:credential]');
  }
}

// `host:port:database:user:password` ending a line (at its start, after whitespace: a quoted
// line, or after `=`: a query parameter), `:` and `\` escaped in the password.
// The port is digits or `*` and database and user start with a letter, `_` or `*`, so times,
// MAC addresses and most IPv6 addresses do not fit; an all-hex line is an address.
const PGPASS_LINE =
  '(?:^|(?<=[ \\t=]))(?:\\*|[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}|\\[[0-9A-Fa-f:.]{2,45}\\]):(?:[0-9]{1,5}|\\*):[A-Za-z_*][\\w.$*-]{0,62}:[A-Za-z_*][\\w.@$*-]{0,62}:((?:[^\\\\:\\r\\n]|\\\\.){1,256})\\r?$';
const PGPASS_RE = new RegExp(PGPASS_LINE, 'dgm');
/** The middle of a pgpass line (`:port:database:user:`), one scan before the line regex. */
const PGPASS_HINT_RE =
  /:(?:[0-9]{1,5}|\*):[A-Za-z_*][\w.$*-]{0,62}:[A-Za-z_*][\w.@$*-]{0,62}:[^:\s]/;
const HEX_LINE_RE = /^[0-9A-Fa-f:]{1,64}$/;

/** Whether `s` may hold a `.pgpass` line (at a line start or after whitespace, ending its line). */
export function mayHoldPgpass(s: string): boolean {
  return PGPASS_HINT_RE.test(s);
}

function matchPgpass(s: string, push: Push): void {
  for (const m of s.matchAll(PGPASS_RE)) {
    if (HEX_LINE_RE.test(m[0])) continue;
    const [start, end] = m.indices![1]!;
    push(start, end, '[REDACTED:credential]');
  }
}
