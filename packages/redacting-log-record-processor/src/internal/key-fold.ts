// The slow path of key classification, for keys with non-ASCII characters only: spoofed spellings
// (`pаssword` with a Cyrillic `а`, fullwidth `ｐａｓｓｗｏｒｄ`, `pass\u200bword`) fold to the ASCII key
// they imitate, and credential words of other scripts (`пароль`, `密码`) are recognized as such.

/** Credential words written in a non-Latin script, looked for inside the folded key. */
const NATIVE_CREDENTIAL_WORDS = [
  'пароль', '密码', '密碼', '口令', 'パスワード', '暗証番号', '비밀번호', '암호', 'סיסמה', 'סיסמא',
  'كلمةالمرور', 'كلمةالسر', 'رمزعبور', 'รหัสผ่าน', 'पासवर्ड', 'κωδικόςπρόσβασης',
]; // prettier-ignore

// Cyrillic and Greek letters that look like Latin ones, and Latin letters without a decomposition.
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ь: 'b',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  ω: 'w', ς: 's', ł: 'l', ı: 'i', ø: 'o', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ɑ: 'a', ɡ: 'g',
}; // prettier-ignore
const WIDE_CHAR_RE = /[\u0080-\uffff]/g;
/** Format characters (zero-width space and joiners, bidi marks, soft hyphen) hide inside words. */
const FORMAT_RE = /[\p{Cf}\u180e]/gu;
const MARK_RE = /\p{M}/gu;
const NOT_WORD_RE = /[^\p{L}\p{N}]/gu;

/** Whether a key needs folding (has a character outside ASCII). */
export function isWideKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 127) return true;
  return false;
}

/**
 * The key a non-ASCII key imitates: NFKC (fullwidth to ASCII), format characters removed, a
 * credential word of another script replaced by `password`, diacritics dropped (`contraseña`,
 * `şifre`), then look-alike Cyrillic and Greek letters mapped to Latin (case kept).
 */
export function foldKey(key: string): string {
  const k = key.normalize('NFKC').replace(FORMAT_RE, '');
  const letters = k.toLowerCase().replace(NOT_WORD_RE, '');
  for (const w of NATIVE_CREDENTIAL_WORDS) if (letters.includes(w)) return 'password';
  return k.normalize('NFD').replace(MARK_RE, '').replace(WIDE_CHAR_RE, latin);
}

/** The Latin letter a character imitates, in its case; the character itself when none. */
function latin(c: string): string {
  const lower = CONFUSABLES[c];
  if (lower !== undefined) return lower;
  const upper = CONFUSABLES[c.toLowerCase()];
  return upper === undefined ? c : upper.toUpperCase();
}
