// Offline validators that keep false positives down: GitHub CRC32 checksum, Luhn + IIN + length,
// IBAN mod 97, SSN area rules, JWT header parse, base64 checks.

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32 (IEEE) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base62 (alphabet 0-9A-Za-z) of a non-negative integer, left-padded with '0' to `width`. */
export function base62(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/** GitHub classic token (`gh?_` + 30 random + 6 checksum): the checksum is base62(CRC32(random)). */
export function isValidGithubToken(token: string): boolean {
  if (token.length !== 40) return false;
  const body = token.slice(4, 34);
  return base62(crc32(body), 6) === token.slice(34);
}

/** Luhn mod 10 over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Whether a digit string has the IIN prefix and length of a known card network (braintree table). */
export function cardIinMatches(digits: string): boolean {
  const n = digits.length;
  const p1 = digits.charCodeAt(0) - 48;
  const p2 = p1 * 10 + (digits.charCodeAt(1) - 48);
  const p3 = p2 * 10 + (digits.charCodeAt(2) - 48);
  const p4 = p3 * 10 + (digits.charCodeAt(3) - 48);
  if (p1 === 4) return n === 13 || n === 16 || n === 18 || n === 19; // Visa
  if (p2 >= 51 && p2 <= 55) return n === 16; // Mastercard
  if (p4 >= 2221 && p4 <= 2720) return n === 16; // Mastercard 2-series
  if (p4 >= 2200 && p4 <= 2204) return n >= 16 && n <= 19; // Mir
  if (p2 === 34 || p2 === 37) return n === 15; // Amex
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) {
    return n === 14 || n === 16 || n === 19; // Diners
  }
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) return n === 16 || n === 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p2 === 62 || p2 === 81) return n >= 14 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 59) || p2 === 63 || p2 === 67) return n >= 12 && n <= 19; // Maestro
  return false;
}

/** Card number check: 12 to 19 digits, known IIN and length, Luhn. */
export function isValidCardNumber(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && cardIinMatches(digits) && luhnValid(digits);
}

/** IBAN lengths per country (ISO 13616 registry, common countries). Unknown countries: 15 to 34. */
// prettier-ignore
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22,
  GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31,
  MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SE: 24,
  SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** IBAN check (spaces already removed): country length table, then ISO 7064 mod 97-10 equals 1. */
export function isValidIban(iban: string): boolean {
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined ? iban.length !== expected : iban.length < 15 || iban.length > 34) {
    return false;
  }
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** US SSN `AAA-GG-SSSS` area/group/serial rules (SSA): no 000, 666, 9xx areas, 00 group, 0000 serial. */
export function isValidSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.charCodeAt(0) === 57) return false;
  if (group === '00' || serial === '0000') return false;
  const all = area + group + serial;
  if (all === '078051120' || all === '219099999' || all === '123456789') return false;
  return !/^(\d)\1{8}$/.test(all);
}

/** Decodes base64url or base64 text to a UTF-8 string; `undefined` when it is not valid base64. */
function decodeBase64Text(text: string): string | undefined {
  if (!/^[A-Za-z0-9_\-+/]{2,8192}={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
}

/** JWT header check: base64url-decodes to a JSON object with a string `alg`. */
export function isJwtHeader(segment: string): boolean {
  const json = decodeBase64Text(segment);
  // A cut or made-up header (`eyJhbGciOiJ` alone) is no object: reject it without a thrown parse.
  if (json === undefined || !/^\s*\{[^]*\}\s*$/.test(json) || !json.includes('"alg"')) return false;
  try {
    const header: unknown = JSON.parse(json);
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}

/** Basic credentials: base64 text that decodes to printable `user:password`. */
export function isBasicCredential(value: string): boolean {
  const decoded = decodeBase64Text(value);
  return decoded !== undefined && /^[\x20-\x7e]{1,256}:[\x20-\x7e]{1,256}$/.test(decoded);
}
