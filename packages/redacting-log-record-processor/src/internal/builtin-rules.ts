// The built-in value rules: vendor tokens with a fixed prefix (tiers A and A+), dispatched on the first
// two characters of a token so most strings never reach a regex; every quantifier is bounded.
import { isJwtHeader, isValidGithubToken } from './validators.js';

/** The docs columns of a rule: what it finds, its validator, its action, what it does not catch. */
export interface RuleDoc {
  readonly table: 'structural' | 'personal';
  readonly what: string;
  readonly validator: string;
  readonly action: string;
  readonly misses: string;
}

/**
 * A rule tried at the start of a token (a position not preceded by `[A-Za-z0-9_-]`). `re` is sticky
 * and bounded; a first capture group, when present, is a prefix that is kept.
 */
export interface PrefixRule {
  readonly id: string;
  /** Literal prefixes; the first two characters of each index the dispatch table. */
  readonly starts: readonly string[];
  readonly re: RegExp;
  /** Upper bound of a match length, charged to the work budget per attempt. */
  readonly maxLength: number;
  readonly validate?: (match: string, atEnd: boolean) => boolean;
  /** Docs row for a rule listed outside the vendor table (docs/redaction.md, checked by a test). */
  readonly doc?: RuleDoc;
  /** A matcher used instead of `re` (JWT): the end of the match at `i`, or -1; charges its work. */
  readonly matchAt?: (s: string, i: number, charge: (units: number) => void) => number;
  /** The prefix is matched in any case (`GHP_`, `Npm_`): dispatched on every case of its first two characters. */
  readonly anyCase?: boolean;
}

/** A rule that needs a substring somewhere in the string before its (global, bounded) regex runs. */
export interface KeywordRule {
  readonly id: string;
  readonly keyword: string;
  readonly re: RegExp;
  readonly maxLength: number;
}

// Right boundary: the token does not continue (the ⟨R⟩ of secrets-and-pii.md).
const R = '(?![A-Za-z0-9_-])';
const L = '(?<![A-Za-z0-9_-])';

/**
 * Fixed-length token: the full form must end at a boundary; a form cut by the SDK's attribute length
 * limit (running to the end of the string) is accepted from `truncMin` body characters on.
 */
function fixed(prefix: string, charset: string, length: number, truncMin = 8): string {
  return `(?:${prefix})(?:${charset}{${length}}${R}|${charset}{${truncMin},${length - 1}}$)`;
}

function prefixRule(
  id: string,
  starts: readonly string[],
  source: string,
  maxLength: number,
  validate?: PrefixRule['validate'],
  anyCase?: boolean,
): PrefixRule {
  const rule: PrefixRule = { id, starts, re: new RegExp(source, 'y'), maxLength };
  return { ...rule, ...(validate ? { validate } : {}), ...(anyCase ? { anyCase } : {}) };
}

/** A literal prefix in any case: `gh` becomes `[gG][hH]` (no `i` flag: it would widen the body too). */
function anyCase(literal: string): string {
  return literal.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/** Random-looking: a digit and both cases (`sk-` + 48 without a marker is otherwise a word run). */
function mixed(m: string): boolean {
  return /[0-9]/.test(m) && /[A-Z]/.test(m) && /[a-z]/.test(m);
}

const ALNUM = '[A-Za-z0-9]';
const B64URL = '[A-Za-z0-9_-]';
const HEX = '[0-9a-fA-F]';

const JWT_TRUNCATED_HEADER_RE = /^eyJ(?:hbGci|0eXAi|raWQi|lbmMi|jdHki|4NXUi|6aXAi)/;

function isB64Url(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45
  );
}

function runEnd(s: string, from: number, max: number): number {
  const limit = Math.min(s.length, from + max);
  let j = from;
  while (j < limit && isB64Url(s.charCodeAt(j))) j++;
  return j;
}

/** JWT (JWS/JWE compact) at `i` (which starts `eyJ`): end index, or -1. Linear in the token. */
function matchJwt(s: string, i: number, charge: (units: number) => void): number {
  const n = s.length;
  let j = runEnd(s, i, 4096);
  while (j < n && s.charCodeAt(j) === 61 && j - i < 4100) j++;
  charge(j - i);
  const header = s.slice(i, j).replace(/=+$/, '');
  if (j === n) return header.length >= 16 && JWT_TRUNCATED_HEADER_RE.test(header) ? n : -1;
  if (header.length < 10 || s.charCodeAt(j) !== 46) return -1;
  charge(2 * header.length); // base64 decode and JSON.parse
  if (!isJwtHeader(header)) return -1;
  let end = j + 1;
  for (let seg = 0; seg < 4; seg++) {
    const k = runEnd(s, end, 8192);
    charge(k - end);
    end = k;
    if (k >= n || s.charCodeAt(k) !== 46 || !isB64Url(s.charCodeAt(k + 1))) break;
    end = k + 1;
  }
  return end;
}

/** Vendor tokens with a literal prefix (secrets-and-pii.md S1 to S37). */
export const PREFIX_RULES: readonly PrefixRule[] = [
  prefixRule('github-token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], fixed(`${anyCase('gh')}[pousrPOUSR]_`, ALNUM, 36), 40,
    (m, atEnd) => (m.length === 40 ? isValidGithubToken(m) : atEnd), true),
  prefixRule('github-fine-grained-pat', ['github_pat_'], fixed(anyCase('github_pat_'), '[A-Za-z0-9_]', 82), 93, undefined, true),
  prefixRule('aws-access-key-id', ['AKIA', 'ASIA', 'ABIA', 'ACCA'], fixed('AKIA|ASIA|ABIA|ACCA', '[A-Z2-7]', 16), 20),
  prefixRule('aws-bedrock-api-key', ['ABSK'], 'ABSK(?:[A-Za-z0-9+/]{109,269}={0,2}|[A-Za-z0-9+/]{16,108}$)', 275),
  prefixRule('slack-token', ['xox', 'xapp'], '(?:xoxe\\.)?(?:xox[abposre]|xapp)-(?:[0-9]{1,2}-)?[A-Za-z0-9-]{10,250}', 270),
  prefixRule('slack-webhook', ['hooks.slack.com'], '(hooks\\.slack\\.com/(?:services|workflows|triggers)/)[A-Za-z0-9+/_]{8,120}', 160),
  prefixRule('stripe-key', ['sk_', 'rk_'], `[sSrR][kK]_(?:${anyCase('live')}|${anyCase('test')}|${anyCase('prod')})_[A-Za-z0-9]{10,120}`, 130, undefined, true),
  prefixRule('stripe-webhook-secret', ['whsec_'], `${anyCase('whsec_')}(?:[A-Za-z0-9+/]{32,88}={0,2}${R}|[A-Za-z0-9+/]{16,31}$)`, 92, undefined, true),
  prefixRule('google-api-key', ['AIza'], fixed('AIza', B64URL, 35), 39),
  prefixRule('google-oauth-client-secret', ['GOCSPX-'], fixed('GOCSPX-', B64URL, 28), 35),
  prefixRule('google-oauth-access-token', ['ya29.'], 'ya29\\.[A-Za-z0-9_-]{20,2048}', 2053),
  prefixRule('azure-storage-account-key', ['AccountKey='], '(AccountKey=)[A-Za-z0-9+/]{16,86}={0,2}', 100),
  prefixRule('azure-shared-access-key', ['SharedAccessKey='], '(SharedAccessKey=)[A-Za-z0-9+/]{16,88}={0,2}', 110),
  prefixRule('npm-token', ['npm_'], fixed(anyCase('npm_'), ALNUM, 36), 40, undefined, true),
  prefixRule('pypi-token', ['pypi-'], 'pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{8,1000}', 1030),
  // With the `T3BlbkFJ` marker, or without it: project, service-account and admin keys (`sk-proj-`
  // + 40 or more) and the legacy 48-character key, which must look random.
  prefixRule('openai-api-key', ['sk-'],
    `sk-(?:(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{8,74}|(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{40,200}${R}|[A-Za-z0-9_-]{20,200}$)|(?:[A-Za-z0-9]{48}${R}|[A-Za-z0-9]{24,47}$))`, 210,
    (m) => !/^sk-[A-Za-z0-9]{24,48}$/.test(m) || mixed(m)),
  prefixRule('anthropic-api-key', ['sk-ant-'], 'sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{8,128}', 150),
  prefixRule('twilio-api-key', ['SK'], fixed('SK', HEX, 32, 16), 34),
  prefixRule('sendgrid-api-key', ['SG.'], 'SG\\.[A-Za-z0-9_-]{16,22}(?:\\.[A-Za-z0-9_-]{0,43})?', 69),
  prefixRule('mailgun-api-key', ['key-', 'pubkey-'], `(?:key|pubkey)-(?:[0-9a-f]{32}${R}|[0-9a-f]{16,31}$)`, 39),
  prefixRule('shopify-token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], 'shp(?:at|ca|pa|ss)_[0-9a-fA-F]{8,32}', 38),
  prefixRule('gitlab-token',
    ['glpat-', 'gldt-', 'glrt-', 'glcbt-', 'glft-', 'glsoat-', 'gloas-', 'glagent-', 'glimt-', 'glptt-', 'GR1348941'],
    '(?:(?:glpat|gldt|glrt|glcbt|glft|glsoat|gloas|glagent|glimt|glptt)-[A-Za-z0-9_.-]{12,300}|GR1348941[A-Za-z0-9_-]{16,50})', 310),
  prefixRule('digitalocean-token', ['dop_v1_', 'doo_v1_', 'dor_v1_'], 'do[opr]_v1_[0-9a-f]{16,64}', 71),
  prefixRule('vault-token', ['hvs.', 'hvb.', 'hvr.'], 'hv[sbr]\\.[A-Za-z0-9_-]{24,300}', 304),
  prefixRule('databricks-token', ['dapi'], `dapi(?:[0-9a-f]{32}(?:-[0-9])?${R}|[0-9a-f]{16,31}$)`, 38),
  prefixRule('huggingface-token', ['hf_', 'api_org_'], fixed('hf_|api_org_', '[A-Za-z]', 34, 16), 42),
  prefixRule('atlassian-api-token', ['ATATT3'], 'ATATT3[A-Za-z0-9_=-]{16,186}', 192),
  prefixRule('grafana-token', ['glsa_', 'glc_', 'eyJrIjoi'],
    '(?:glsa_[A-Za-z0-9_]{16,41}|glc_[A-Za-z0-9+/]{16,400}={0,3}|eyJrIjoi[A-Za-z0-9+/]{24,300}={0,2})', 410),
  prefixRule('sentry-token', ['sntryu_', 'sntrys_'], '(?:sntryu_[0-9a-f]{16,64}|sntrys_eyJpYXQiO[A-Za-z0-9+/=_]{16,500})', 520),
  prefixRule('heroku-api-key', ['HRKU-AA'], 'HRKU-AA[A-Za-z0-9_-]{16,58}', 65),
  prefixRule('onepassword-token', ['ops_eyJ', 'A3-'],
    '(?:ops_eyJ[A-Za-z0-9+/_-]{40,4000}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})', 4010),
  prefixRule('age-secret-key', ['AGE-SECRET-KEY-1'], 'AGE-SECRET-KEY-1[0-9A-Z]{16,58}', 74),
  prefixRule('doppler-token', ['dp.pt.'], 'dp\\.pt\\.[A-Za-z0-9]{16,43}', 49),
  prefixRule('dynatrace-token', ['dt0c01.'], 'dt0c01\\.[A-Z0-9]{16,24}(?:\\.[A-Z0-9]{0,64})?', 96),
  prefixRule('postman-api-key', ['PMAK-'], 'PMAK-[0-9a-f]{16,24}(?:-[0-9a-f]{0,34})?', 64),
  prefixRule('newrelic-api-key', ['NRAK-'], 'NRAK-[A-Z0-9]{16,27}', 32),
  prefixRule('linear-api-key', ['lin_api_'], 'lin_api_[A-Za-z0-9]{16,40}', 48),
  prefixRule('notion-token', ['ntn_'], 'ntn_[0-9]{11}[A-Za-z0-9]{8,35}', 50),
  prefixRule('planetscale-token', ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'], 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{16,64}', 77),
  prefixRule('pulumi-token', ['pul-'], 'pul-[0-9a-f]{16,40}', 44),
  prefixRule('square-token', ['sq0atp-', 'sq0csp-', 'EAAA'], `(?:sq0(?:atp|csp)-[A-Za-z0-9_-]{16,64}|EAAA[A-Za-z0-9_-]{56,60}${R})`, 71),
  prefixRule('artifactory-api-key', ['AKCp'], 'AKCp[A-Za-z0-9]{16,69}', 73),
  prefixRule('openshift-token', ['sha256~'], 'sha256~[A-Za-z0-9_-]{16,43}', 50),
  prefixRule('flyio-token', ['fo1_', 'fm1a_', 'fm1r_', 'fm2_'], '(?:fo1_|fm1[ar]_|fm2_)[A-Za-z0-9+/=_-]{16,1000}', 1010),
  prefixRule('cloudflare-origin-ca-key', ['v1.0-'], 'v1\\.0-[0-9a-f]{24}-[0-9a-f]{16,146}', 176),
  prefixRule('docker-pat', ['dckr_pat_', 'dckr_oat_'], 'dckr_(?:pat|oat)_[A-Za-z0-9_-]{16,64}', 73),
  prefixRule('figma-token', ['figd_'], 'figd_[A-Za-z0-9_-]{16,80}', 85),
  prefixRule('circleci-token', ['CCIPAT_', 'CCIPRJ_'], 'CCIP(?:AT|RJ)_[A-Za-z0-9]{16,30}(?:_[0-9a-fA-F]{1,40})?', 78),
  // `LTAI` + 12 to 20: real ids hold a digit, an upper-case word after `LTAI` does not.
  prefixRule('alibaba-access-key-id', ['LTAI'], `LTAI[A-Za-z0-9]{12,20}${R}`, 24, (m) => /[0-9]/.test(m)),
  prefixRule('google-oauth-refresh-token', ['1//0'], '1//0[A-Za-z0-9_-]{35,512}', 516),
  // The secret `sk.` form only (public `pk.` tokens are meant to be shipped): a JWT-like body.
  prefixRule('mapbox-secret-token', ['sk.eyJ'], 'sk\\.eyJ[A-Za-z0-9_-]{16,300}(?:\\.[A-Za-z0-9_-]{8,40})?', 345),
  { id: 'jwt', starts: ['eyJ'], re: /(?!)/y, maxLength: 0, matchAt: matchJwt, doc: {
    table: 'structural',
    what: 'JWS/JWE compact tokens `eyJ...`',
    validator: '**header base64url-decodes to a JSON object with `alg`**; truncated tokens accepted',
    action: '`[REDACTED:jwt]`',
    misses: 'a JWT whose header was cut before 16 characters; a payload logged without its header',
  } },
  prefixRule('discord-bot-token', ['M', 'N', 'O'],
    `[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.(?:[A-Za-z0-9_-]{27}${R}|[A-Za-z0-9_-]{8,26}$)`, 60),
]; // prettier-ignore

/** Rules without a usable prefix, gated by a literal substring (secrets-and-pii.md S15, S23, S28, S35). */
export const KEYWORD_RULES: readonly KeywordRule[] = [
  { id: 'azure-entra-client-secret', keyword: 'Q~', maxLength: 44,
    re: new RegExp(`${L}[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{8,34}`, 'g') },
  { id: 'mailchimp-api-key', keyword: '-us', maxLength: 37,
    re: new RegExp(`${L}[0-9a-f]{32}-us[0-9]{1,2}${R}`, 'g') },
  { id: 'terraform-token', keyword: '.atlasv1.', maxLength: 94,
    re: new RegExp(`${L}[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{8,70}`, 'g') },
  { id: 'telegram-bot-token', keyword: ':A', maxLength: 52,
    re: new RegExp(`${L}[0-9]{5,16}:A(?:[A-Za-z0-9_-]{34}${R}|[A-Za-z0-9_-]{16,33}$)`, 'g') },
]; // prettier-ignore

/**
 * Dispatch table: the rules worth trying at a token starting with a given character pair. Index is
 * `c0 * 128 + c1` for ASCII pairs; single-character prefixes (Discord's `M`, `N`, `O`) fill every
 * second character.
 */
export function buildDispatch(
  rules: readonly PrefixRule[],
): ReadonlyArray<readonly PrefixRule[] | undefined> {
  const table: (PrefixRule[] | undefined)[] = new Array<PrefixRule[] | undefined>(128 * 128);
  const add = (index: number, rule: PrefixRule): void => {
    const list = (table[index] ??= []);
    if (!list.includes(rule)) list.push(rule);
  };
  const cases = (c: string, any: boolean): number[] =>
    any
      ? [...new Set([c.toLowerCase(), c.toUpperCase()])].map((x) => x.charCodeAt(0))
      : [c.charCodeAt(0)];
  for (const rule of rules) {
    const any = rule.anyCase === true;
    for (const start of rule.starts) {
      for (const c0 of cases(start.charAt(0), any)) {
        if (start.length === 1) for (let c1 = 0; c1 < 128; c1++) add(c0 * 128 + c1, rule);
        else for (const c1 of cases(start.charAt(1), any)) add(c0 * 128 + c1, rule);
      }
    }
  }
  return table;
}

/**
 * The rules also tried inside a word, right after `_` or a digit (`MY_ghp_...`, `1ghp_...`): those
 * whose every prefix has 3 or more characters, so a short prefix (`SK`, Discord's `M`) never fires
 * inside an identifier.
 */
export function midTokenRules(rules: readonly PrefixRule[]): PrefixRule[] {
  return rules.filter((r) => r.matchAt === undefined && r.starts.every((p) => p.length >= 3));
}
