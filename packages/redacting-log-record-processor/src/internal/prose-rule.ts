// A password in prose or after whitespace (`the password is Xy7!kQ2p`, `password\tXy7!kQ2p`,
// `Passwort ist ...`): taken only when the word after the credential word looks like a secret,
// so `password is required`, `password reset sent` and `token bucket refilled` stay intact.
import type { Push } from './rule-context.js';
import { TEMPLATE_RE } from './rule-context.js';

const PROSE_RE = new RegExp(
  '(?<![\\p{L}\\p{N}_-])(?:password|passwd|passphrase|passcode|pwd|secret|api[ _-]?key|token|' +
    'passwort|kennwort|contraseña|contrasena|senha|mot de passe|wachtwoord|hasło|haslo|şifre|sifre|' +
    'пароль|密码|密碼|パスワード|비밀번호)' +
    '(?:[ \\t]{1,3}(?:is|was|is now|was set to|set to|changed to|reset to|ist|es|est|é|=|:|is:|' +
    '(?:for|of|für|de|van|para)[ \\t]{1,3}[\\p{L}\\p{N}_.@-]{1,64}[ \\t]{1,3}(?:is|was|ist|est|es|é)|' +
    '(?:for|of|für|de|van|para)[ \\t]{1,3}[\\p{L}\\p{N}_.@-]{1,64}:))?' +
    '[ \\t]{1,3}("[^"\\r\\n]{1,256}"|\'[^\'\\r\\n]{1,256}\'|[^\\s"\'<>]{8,256})',
  'dgiu',
);

/** The gate (one scan, before the rule is charged): a credential word, then whitespace. */
export const PROSE_GATE_RE =
  /(?:pass(?:word|wd|phrase|code)|pwd|secret|api[ _-]?key|token|wort|senha|contrase(?:ñ|n)a|woord|mot de passe|has(?:ł|l)o|(?:ş|s)ifre|пароль|密码|密碼|パスワード|비밀번호)[ \t]/i;

const TRAILING_PUNCT_RE = /[.,;:!?)\]]+$/;

export function matchProse(s: string, push: Push): void {
  for (const m of s.matchAll(PROSE_RE)) {
    let [start, end] = m.indices![1]!;
    let value = m[1]!;
    const quoted = value.charCodeAt(0) === 34 || value.charCodeAt(0) === 39;
    if (quoted) {
      start++;
      end--;
      value = value.slice(1, -1);
      if (value.length < 4 || /^[a-z ]{1,32}$/.test(value)) continue;
    } else {
      const trimmed = value.replace(TRAILING_PUNCT_RE, '');
      end -= value.length - trimmed.length;
      value = trimmed;
      if (!looksLikeSecret(value)) continue;
    }
    if (TEMPLATE_RE.test(value)) continue;
    push(start, end, '[REDACTED:credential]');
  }
}

/**
 * A secret-looking word: 8 or more characters of three character classes (lower, upper, digit,
 * other), or of two with a digit from 12 on; not a URL, a path, a `key=value`, a placeholder, a
 * date or a version.
 */
function looksLikeSecret(v: string): boolean {
  if (v.length < 8 || v.length > 256) return false;
  const c0 = v.charCodeAt(0);
  if (c0 === 47 || c0 === 91 || v.includes('://') || v.includes('=')) return false;
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}|^v?[0-9]{1,4}(?:\.[0-9]{1,6}){1,3}(?:[-+]|$)/.test(v))
    return false;
  const lower = /[a-z]/.test(v) ? 1 : 0;
  const upper = /[A-Z]/.test(v) ? 1 : 0;
  const digit = /[0-9]/.test(v) ? 1 : 0;
  const other = /[^A-Za-z0-9]/.test(v) ? 1 : 0;
  const classes = lower + upper + digit + other;
  return classes >= 3 || (classes === 2 && digit === 1 && v.length >= 12);
}
