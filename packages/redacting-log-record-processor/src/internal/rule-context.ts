// What the value rules share: the pre-filter counts, the context a matcher reads, the character
// classes of the pre-filter pass, and the templates and schemes that are never values.
import type { RedactionAction, RedactionClass } from '../types.js';
import type { KeyClass, KeyClassifier } from './key-classifier.js';

/** What the pre-filter pass counted in a string (one table lookup per character). */
export interface Prefilter {
  readonly length: number;
  readonly flags: number;
  readonly digits: number;
  readonly uppers: number;
  /** Longest run of digits, spaces and dashes counted as digits only. */
  readonly maxDigitRun: number;
}

/** Records a replacement of `[start, end)`. */
export type Push = (start: number, end: number, rep: string) => void;

/** What a matcher may ask the engine: key classes and the replacement text of a class. */
export interface RuleContext {
  readonly keys: KeyClassifier;
  readonly actions: Readonly<Record<RedactionClass, RedactionAction>>;
  /** Stems of sensitive key names (built-in and the `keys` option): the key-value gate. */
  readonly kvGate: RegExp;
  /** `kvGate.test(s)`, computed once per string for the rules that share it. */
  kvGated(s: string): boolean;
  keyAction(cls: Exclude<KeyClass, 'allow'>): RedactionAction;
  /**
   * Charges work beyond the one pass per character the engine charges for a rule: a matcher calls
   * it per candidate it validates, so the per-record budget bounds the time a record can take.
   */
  charge(units: number): void;
  classRep(cls: RedactionClass, text: string, action: RedactionAction, label: string): string;
  paymentRep(text: string, label: string): string;
  ibanRep(text: string): string;
}

export const AUTH_SCHEMES = new Set([
  'bearer',
  'basic',
  'digest',
  'token',
  'negotiate',
  'ntlm',
  'aws4-hmac-sha256',
  'apikey',
  'dpop',
  'hoba',
  'mutual',
  'scram-sha-256',
]);

/** Templates and placeholders people log instead of a value (`${DB_PASSWORD}`, `<password>`). */
export const TEMPLATE_RE =
  /^(?:\$\{[^}]{1,128}\}|\{\{[^}]{0,128}\}\}|%[sdvqj]|\$[0-9]|%[A-Za-z_][A-Za-z0-9_]{0,63}%|<[A-Za-z_ -]{1,64}>|\*{1,64}|x{3,64}|null|undefined|true|false|none|nil)$/i;

// Character classes and flags computed by the pre-filter pass, one table lookup per character.
export const C_TOKEN = 1; // [A-Za-z0-9_-]
export const C_DIGIT = 2;
export const C_UPPER = 4;
export const F_AT = 8;
export const F_EQ = 16;
export const F_COLON = 32;
export const F_DOT = 64;
export const F_SPACE = 128;
export const F_TILDE = 256;
/** A character outside ASCII (a key may be spoofed or in another script: key-fold.ts). */
export const F_WIDE = 512;
export const CHAR_TABLE = ((): Uint16Array => {
  const t = new Uint16Array(128);
  for (let c = 48; c <= 57; c++) t[c] = C_TOKEN | C_DIGIT;
  for (let c = 65; c <= 90; c++) t[c] = C_TOKEN | C_UPPER;
  for (let c = 97; c <= 122; c++) t[c] = C_TOKEN;
  t[95] = C_TOKEN;
  t[45] = C_TOKEN;
  t[64] = F_AT;
  t[61] = F_EQ;
  t[58] = F_COLON;
  t[46] = F_DOT;
  t[32] = F_SPACE;
  t[9] = F_SPACE;
  t[10] = F_SPACE;
  t[126] = F_TILDE;
  return t;
})();

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
export function isB64Url(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45;
}

export function classLabel(cls: KeyClass | undefined): string {
  switch (cls) {
    case 'government-id':
      return 'ssn';
    case 'cookie':
    case 'credential':
    case undefined:
    case 'allow':
      return 'credential';
    default:
      return cls;
  }
}
