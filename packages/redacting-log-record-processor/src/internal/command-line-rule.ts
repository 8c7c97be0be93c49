// Command lines of tools whose password follows a short flag without `=` (`mysql -pSECRET`,
// `redis-cli -a SECRET`, `curl -u user:SECRET`). A flag counts only after its tool's name, in the
// same command (up to a newline, `;`, `|` or `&`), so `-p 8080` elsewhere is left alone.
import type { Push } from './rule-context.js';
import { TEMPLATE_RE } from './rule-context.js';

/** One tool family: where its command starts, and its password arguments after that. */
interface ToolRule {
  /** A literal the tool name holds (indexOf before any regex). */
  readonly keyword: string;
  /** The tool name (and subcommand); global. */
  readonly tool: RegExp;
  /** The password argument inside the rest of the command; global, with `d`; first set group. */
  readonly arg: RegExp;
}

// A flag's value: quoted, or a bare word; always the first capture group that matched.
const V = `(?:'([^'\\r\\n]{1,256})'|"([^"\\r\\n]{1,256})"|([^\\s'"]{1,256}))`;
const AFTER_SPACE = '(?<=\\s)';
const rule = (keyword: string, tool: string, arg: string): ToolRule => ({
  keyword,
  tool: new RegExp(tool, 'g'),
  arg: new RegExp(arg, 'dg'),
});

/** The tools, in the data's order (docs/redaction.md `command-line-credential`). */
const TOOL_RULES: readonly ToolRule[] = [
  // `-p` attached only: `mysql -p db` prompts for the password and `db` is the database.
  rule('-p', '\\b(?:mysql[a-z]{0,8}|mariadb[a-z-]{0,8})\\b', `${AFTER_SPACE}-p${V}`),
  rule('-cli', '\\b(?:redis|keydb|valkey)-cli\\b', `${AFTER_SPACE}-a[ \\t]{1,3}${V}`),
  rule('sshpass', '\\bsshpass\\b', `${AFTER_SPACE}-p[ \\t]{0,3}${V}`),
  rule(
    'login',
    '\\b(?:docker|podman|nerdctl|buildah|skopeo|helm|oras|crane|regctl|cf|oc|az)(?:[ \\t]{1,3}[a-z-]{1,12}){0,2}?[ \\t]{1,3}login\\b',
    `${AFTER_SPACE}-p(?:=|[ \\t]{1,3})${V}`,
  ),
  rule('mongo', '\\bmongo(?:sh|dump|restore|export|import|stat|top|files)?\\b', `${AFTER_SPACE}-p(?:=|[ \\t]{1,3})${V}`),
  rule('-P', '\\b(?:sqlcmd|bcp|osql)\\b', `${AFTER_SPACE}-P[ \\t]{0,3}${V}`),
  rule('ldap', '\\bldap(?:search|modify|add|delete|whoami|passwd|compare|modrdn|exop)\\b', `${AFTER_SPACE}-w[ \\t]{0,3}${V}`),
  // `-u user:password` (attached too); without `:` curl prompts.
  rule(
    'curl',
    '\\bcurl\\b',
    `${AFTER_SPACE}(?:-[uU][ \\t]{0,3}|--(?:proxy-)?user(?:[ \\t]{1,3}|=))['"]?[^\\s'":]{0,128}:([^\\s'"]{1,256})`,
  ),
  rule('%', '\\b(?:smbclient|rpcclient|smbmap|smbcacls|smbget)\\b', `${AFTER_SPACE}(?:-U|--user=?)[ \\t]{0,3}['"]?[^\\s'"%]{1,128}%([^\\s'"]{1,256})`),
  rule('openssl', '\\bopenssl\\b', `${AFTER_SPACE}-pass(?:in|out|word)?[ \\t]{1,3}['"]?pass:([^\\s'"]{1,256})`),
  // zip and unzip `-P password`; 7-Zip and RAR `-ppassword`.
  rule(' -', '\\b(?:zip|unzip|7z|7za|7zr|rar|unrar)\\b', `${AFTER_SPACE}(?:-P[ \\t]{1,3}|-p)${V}`),
  rule('net', '\\bnet[ \\t]{1,3}user\\b', `^[ \\t]{1,3}[^\\s/*'"]{1,64}[ \\t]{1,3}(?![/*])${V}`),
  rule('rabbitmqctl', '\\brabbitmqctl[ \\t]{1,3}(?:add_user|change_password)\\b', `^[ \\t]{1,3}[^\\s'"]{1,64}[ \\t]{1,3}${V}`),
]; // prettier-ignore

/** Any tool name of the table: the rule's one-regex gate. */
export const TOOL_GATE_RE =
  /mysql|mariadb|-cli |sshpass|login|mongo|sqlcmd|bcp|osql|ldap|curl|smb|rpcclient|openssl|zip|7z|rar|net user|rabbitmqctl/;
/** The rest of a command: up to a newline, `;`, a pipe or `&`, at most 4096 characters. */
const COMMAND_RE = /[^\n;|&]{0,4096}/y;

export function matchCommandLines(s: string, push: Push): void {
  for (const r of TOOL_RULES) {
    if (!s.includes(r.keyword)) continue;
    r.tool.lastIndex = 0;
    for (let m = r.tool.exec(s); m !== null; m = r.tool.exec(s)) {
      const from = m.index + m[0].length;
      COMMAND_RE.lastIndex = from;
      const command = COMMAND_RE.exec(s)![0];
      const to = from + command.length;
      for (const a of command.matchAll(r.arg)) {
        const i = a.findIndex((g, k) => k > 0 && g !== undefined);
        const [start, end] = a.indices![i]!;
        if (TEMPLATE_RE.test(a[i]!)) continue;
        push(from + start, from + end, '[REDACTED:credential]');
      }
      r.tool.lastIndex = Math.max(r.tool.lastIndex, to);
    }
  }
}
