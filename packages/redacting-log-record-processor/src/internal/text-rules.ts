// The value rules that are not vendor prefixes, as data: one record per rule with its id, the literal
// keywords and pre-filter counts that gate it, its matcher (validators inside), and what the docs say
// it finds and misses. The engine walks TEXT_RULES in order after its one pre-filter pass.
import type { KeywordRule, RuleDoc } from './builtin-rules.js';
import { KEYWORD_RULES } from './builtin-rules.js';
import { matchDigitRuns } from './card-rule.js';
import { matchCommandLines, TOOL_GATE_RE } from './command-line-rule.js';
import { CONNECT_GATE_RE, matchConnectStrings, mayHoldPgpass } from './connect-string-rule.js';
import { matchCliFlags, matchKeyValues, matchWideKeys } from './key-value-rule.js';
import { matchElements, matchYamlBlocks } from './markup-rule.js';
import { matchProse, PROSE_GATE_RE } from './prose-rule.js';
import { matchSql, SQL_GATE_RE } from './sql-rule.js';
import { matchNamedValues } from './pair-list-rule.js';
import { matchShellCredentials, SHELL_GATE_RE } from './shell-rule.js';
import type { Prefilter, RuleContext } from './rule-context.js';
import {
  F_AT,
  F_COLON,
  F_DOT,
  F_EQ,
  F_SPACE,
  F_TILDE,
  F_WIDE,
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
    pre: Prefilter,
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
    gate: (p, ctx, s) =>
      (p.flags & F_WIDE) !== 0 || ((p.flags & (F_EQ | F_COLON | F_SPACE)) !== 0 && ctx.kvGated(s)),
    match: (s, ctx, push, p) => {
      const wide = (p.flags & F_WIDE) !== 0;
      if (wide) matchWideKeys(ctx, s, push);
      if (wide && !ctx.kvGated(s)) return;
      if (s.includes('=') || s.includes(':')) matchKeyValues(ctx, s, push);
      if (s.includes(' -') || s.charCodeAt(0) === 45) matchCliFlags(ctx, s, push);
    },
    doc: {
      table: 'structural',
      what: '`name=value`, `name: value`, `"name": "value"`, `name=>value`, escaped JSON, ADO.NET `Password=...;`, URL query parameters, `--password=...`, `--password value`, `-Dx.keyStorePassword=...`, `DB_PASSWORD=...`, `user[password]=...`, npmrc `//registry/:_password=...`; under an `Authorization` or `Proxy-Authorization` key any scheme (`SSWS`, `Splunk`, `GenieKey`, `SharedKey`, a custom `X-Acme-Auth`) keeps its scheme and loses its credential, and a parameter scheme (`Digest`, `AWS4-HMAC-SHA256`, `Token token=`) every parameter but the public ones (`realm`, `nonce`, `uri`, `SignedHeaders`, ...); a value opening with `[` or `{` is redacted whole, to its closing bracket (one that never closes, to the end of the string), with anything attached after it (`[REDACTED:credential]hunter2`); a quote opened inside a bare value (`ab"cd"`) belongs to it; names with characters outside ASCII (`пароль=`, `密码：`, `pаssword=` with a Cyrillic `а`, fullwidth, zero-width inside) are classified after folding; the name is classified like a key (below)',
      validator: 'name class; an unquoted status word (`ok`, `reset`, `expired`, ...) is not a value (`auth=ok`, `session: expired`), nor a number under a plural (`tokens=1500`) or a header name under a header key',
      action: 'by class; credentials `[REDACTED:credential]`',
      misses: 'an unquoted value with spaces after `=` outside an env line (`NAME=...` at a line start runs to the end of the line; elsewhere only the first word is redacted); a flag and value separated by more than 3 spaces; a lone word after an `Authorization` key is taken as its scheme (`Authorization: sunshine from bob` keeps `sunshine`)',
    },
  },
  {
    id: 'command-line-credential',
    keywords: [],
    gate: (p, _ctx, s) => (p.flags & F_SPACE) !== 0 && TOOL_GATE_RE.test(s),
    match: (s, _ctx, push) => matchCommandLines(s, push),
    doc: {
      table: 'structural',
      what: 'the password argument of common tools, after the tool name in the same command: `mysql -p<pw>` (attached), `redis-cli -a <pw>`, `sshpass -p <pw>`, `docker`/`podman`/`helm registry`/`oc`/`az`/`cf ... login -p <pw>`, `mongosh -p <pw>`, `sqlcmd -P <pw>`, `ldapsearch -w <pw>`, `curl -u user:<pw>` and `--user`/`--proxy-user`, `smbclient -U user%<pw>`, `openssl -passin pass:<pw>`, `zip -P <pw>`, `7z -p<pw>`, `net user name <pw>`, `rabbitmqctl add_user name <pw>` (`--password <pw>` of any tool is `key-value-credential`)',
      validator: 'the tool name before the flag, in the same command (up to a newline, `;`, a pipe or `&`), so `-p 8080` elsewhere is kept',
      action: '`[REDACTED:credential]`',
      misses: 'other tools with short password flags; a password read from a file or stdin (`--password-stdin`) is not in the log anyway; a tool name more than 4096 characters before the flag',
    },
  },
  {
    id: 'connect-string-credential',
    keywords: [],
    gate: (p, _ctx, s) =>
      ((p.flags & (F_SPACE | F_COLON)) !== 0 && CONNECT_GATE_RE.test(s)) ||
      ((p.flags & F_COLON) !== 0 && mayHoldPgpass(s)),
    match: (s, _ctx, push) => matchConnectStrings(s, push),
    doc: {
      table: 'structural',
      what: 'Oracle `user/<pw>@db` (`jdbc:oracle:thin:scott/<pw>@h:1521:orcl`, `sqlplus scott/<pw>@orcl`, `expdp userid=scott/<pw>`, `CONNECT scott/<pw>`); `.netrc` `machine h login bob password <pw>`; `.pgpass` lines `host:port:db:user:<pw>`',
      validator: 'Oracle: an Oracle tool or URL in the value; netrc: a `machine` or `default` entry; pgpass: five fields ending a line, at its start or after whitespace or `=` (port digits or `*`, database and user start with a letter, `:` escaped in the password), not all hex (IPv6)',
      action: '`[REDACTED:credential]`',
      misses: '`user/password@host` without an Oracle context (`alice/pw@host` alone is a path); a pgpass line glued to a word before it',
    },
  },
  {
    id: 'prose-credential',
    keywords: [],
    gate: (p, ctx, s) =>
      (p.flags & F_SPACE) !== 0 &&
      ((p.flags & F_WIDE) !== 0 || ctx.kvGated(s)) &&
      PROSE_GATE_RE.test(s),
    match: (s, _ctx, push) => matchProse(s, push),
    doc: {
      table: 'structural',
      what: 'a secret after a credential word and whitespace, or prose: `password\\t<pw>`, `the password is <pw>`, `password for bob is <pw>`, `api key <pw>`, `token: <pw>`, also `Passwort ist`, `contraseña es`, `пароль`, `密码`, `パスワード`, `비밀번호`; a quoted value after the word is taken as is',
      validator: '**looks like a secret**: 8 or more characters of three classes (lower, upper, digit, other), or of two with a digit from 12 on; not a URL, path, `key=value`, date or version, so `password is required`, `password reset sent` stay',
      action: '`[REDACTED:credential]`',
      misses: 'a password of one or two character classes in prose (`the password is sunshine`, `password 12345678`); a word other than the listed ones before it',
    },
  },
  {
    id: 'markup-credential',
    keywords: ['</', 'value=', 'value ='],
    gate: (p, ctx, s) => (p.flags & F_WIDE) !== 0 || ctx.kvGated(s),
    match: (s, ctx, push) => matchElements(ctx, s, push),
    doc: {
      table: 'structural',
      what: 'the text of an XML or HTML element whose name is classified like a key: `<password>`, `<wsse:Password Type=...>`, `<secret>`, `<apiKey>`, `<client_secret>`, CDATA too; a name given by a `name`, `key` or `property` attribute, for the `value` attribute beside it (.NET `<add key="Password" value="..."/>`, `<property name="db.password" value="..."/>`, `<param name=...>`) or else the element\'s text (`<entry key="db.password">...</entry>`, Android `<string name="api_key">`); the `value` of `<input type="password">`; other classes (`<email>`, `<phone>`) get their action',
      validator: 'the closing tag names the same element; the element name, or the naming attribute, by class',
      action: 'by class; credentials `[REDACTED:credential]`',
      misses: 'an element holding child elements (only text up to the first `<` is read); HTML-escaped markup (`&lt;password&gt;`); a credential in an attribute is `key-value-credential` (`password="..."`)',
    },
  },
  {
    id: 'yaml-block-credential',
    keywords: ['\n'],
    gate: (p, ctx, s) => (p.flags & F_COLON) !== 0 && ctx.kvGated(s),
    match: (s, ctx, push) => matchYamlBlocks(ctx, s, push),
    doc: {
      table: 'structural',
      what: 'YAML values below a credential key that ends its line: a list (`passwords:` then `- <pw>` items) or a literal or folded block scalar (`password:` with a block indicator, then indented lines); each line is redacted',
      validator: 'the key by class; the lines indented deeper than the key (list items also at its own indentation)',
      action: '`[REDACTED:credential]` per line',
      misses: 'more than 64 lines or 4096 characters of block; a flow value on the key line is `key-value-credential`',
    },
  },
  {
    id: 'named-value-credential',
    keywords: [],
    gate: (p, ctx, s) => (p.flags & F_WIDE) !== 0 || ctx.kvGated(s),
    match: (s, ctx, push) => matchNamedValues(ctx, s, push),
    doc: {
      table: 'structural',
      what: 'a value named by a separate name in text (the structured forms are read as structures, see above): name/value objects `{"name":"DB_PASSWORD","value":"..."}` in either order (k8s env, AWS SSM `{"Name":"/prod/db/password","Value":...}`, `util.inspect` output `{ name: \'x\', value: \'...\' }`, NDJSON lines, escaped JSON); lists of string names and values (`rawHeaders: [\'authorization\', \'Bearer ...\', \'x-api-key\', \'...\']`, `[[\'x-api-key\', \'...\']]`); multipart form fields `Content-Disposition: form-data; name="password"` then the value after the blank line',
      validator: 'the name classified like a key; objects: the `value` field inside the same braces (2048 characters either side at most); lists: only quoted strings, an even number, every even one name-shaped; multipart: the part headers then a blank line',
      action: 'by class; credentials `[REDACTED:credential]`',
      misses: 'a name/value object whose value is itself an object or holds braces; a list with non-string items (`[\'x-api-key\', 42]`); a list value of one lower-case word (`[\'password\', \'sunshine\']`: such lists are mostly tags, `[\'secret\', \'public\']`); a multipart value spanning several lines (only its first line is redacted)',
    },
  },
  {
    id: 'shell-credential',
    keywords: [],
    gate: (p, _ctx, s) => (p.flags & F_SPACE) !== 0 && SHELL_GATE_RE.test(s),
    match: (s, ctx, push) => matchShellCredentials(ctx, s, push),
    doc: {
      table: 'structural',
      what: 'a credential name, a space, the value: `aws configure set aws_secret_access_key <v>`, `npm config set //registry/:_authToken <v>`, `git config`, `gh secret set`, Redis `CONFIG SET requirepass <v>` / `masterauth`, redis.conf lines `requirepass <v>`, Redis `AUTH [user] <pw>` at a line start or a prompt and in MONITOR output (`"AUTH" "<pw>"`), Mongo `changeUserPassword("u", "<pw>")` and `db.auth("u", "<pw>")`',
      validator: 'the command words before the name; the name classified like a key (or a Redis password setting); a state word (`ok`, `failed`) is not a value',
      action: '`[REDACTED:credential]`',
      misses: '`AUTH <pw>` inside other text on its line; other tools that set configuration with a space; `set password <v>` without a tool before it',
    },
  },
  {
    id: 'sql-credential',
    keywords: [],
    gate: (p, ctx, s) => (p.flags & F_SPACE) !== 0 && ctx.kvGated(s) && SQL_GATE_RE.test(s),
    match: (s, ctx, push) => matchSql(ctx, s, push),
    doc: {
      table: 'structural',
      what: 'SQL: `IDENTIFIED BY <pw>` (quoted or bare, `IDENTIFIED WITH plugin BY`), `PASSWORD \'<pw>\'` (CREATE/ALTER USER/ROLE/LOGIN `WITH PASSWORD`, `SET PASSWORD FOR u = \'<pw>\'`), and the values of credential columns in `INSERT INTO t (..., password, ...) VALUES (...), (...)`',
      validator: 'INSERT: the column list names a credential column (classified like a key); values mapped by position with a bounded tokenizer (quotes, doubled quotes, nested calls), 8192 characters at most',
      action: '`[REDACTED:credential]`',
      misses: '`INSERT` without a column list or with `SELECT`; a password assembled by a function call of several arguments; `UPDATE ... SET password = ...` is `key-value-credential`',
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
      misses: 'a card right after an id word with no card word near (`order 4111...`); a card split across two values; groups separated by dots (`4111.1111.1111.1111`) or by mixed separators',
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
      misses: 'nine bare digits without the dashes (only under an `ssn` key); groups separated by spaces or dots (`234 56 7891`)',
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
