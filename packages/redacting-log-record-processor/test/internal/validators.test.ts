// Validators against published test vectors and generated values.
import { describe, expect, it } from 'vitest';
import { findUnsafeQuantifier } from '../../src/internal/options.js';
import {
  base62,
  cardIinMatches,
  crc32,
  isJwtHeader,
  isValidCardNumber,
  isValidGithubToken,
  isValidIban,
  isValidSsn,
  luhnValid,
} from '../../src/internal/validators.js';
import { cardNumber, githubToken, githubTokenBadChecksum, iban, jwt } from '../fixtures/secrets.js';

describe('validators', () => {
  it('computes CRC32 (IEEE) of the standard check string', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(base62(61, 3)).toBe('00z');
  });

  it('accepts generated GitHub tokens and rejects a wrong checksum', () => {
    for (let i = 0; i < 50; i++) expect(isValidGithubToken(githubToken())).toBe(true);
    expect(isValidGithubToken(githubTokenBadChecksum())).toBe(false);
  });

  it('checks Luhn, IIN and length for card numbers', () => {
    for (const [iin, len] of [
      ['4', 16],
      ['51', 16],
      ['2221', 16],
      ['37', 15],
      ['6011', 16],
      ['3530', 16],
    ] as const) {
      expect(isValidCardNumber(cardNumber(iin, len))).toBe(true);
    }
    const card = cardNumber('4', 16);
    const wrong = card.slice(0, 15) + String((Number(card[15]) + 1) % 10);
    expect(luhnValid(wrong)).toBe(false);
    expect(cardIinMatches('1' + '0'.repeat(15))).toBe(false);
    expect(isValidCardNumber(cardNumber('4', 15))).toBe(false);
  });

  it('checks IBAN mod 97 and the country length', () => {
    const valid = iban('DE', 18);
    expect(isValidIban(valid)).toBe(true);
    expect(
      isValidIban(
        valid.slice(0, 2) +
          String((Number(valid.slice(2, 4)) + 1) % 100).padStart(2, '0') +
          valid.slice(4),
      ),
    ).toBe(false);
    expect(isValidIban(iban('DE', 17))).toBe(false);
  });

  it('rejects impossible SSN areas, groups and serials', () => {
    expect(isValidSsn('123', '45', '6780')).toBe(true);
    for (const [a, g, s] of [
      ['000', '12', '3456'],
      ['666', '12', '3456'],
      ['912', '12', '3456'],
      ['123', '00', '3456'],
      ['123', '45', '0000'],
    ] as const) {
      expect(isValidSsn(a, g, s)).toBe(false);
    }
  });

  it('parses JWT headers', () => {
    expect(isJwtHeader(jwt().split('.')[0]!)).toBe(true);
    expect(isJwtHeader(Buffer.from('{"x":1}').toString('base64url'))).toBe(false);
    expect(isJwtHeader('eyJ!!!')).toBe(false);
  });

  it('finds unbounded quantifiers outside character classes', () => {
    expect(findUnsafeQuantifier('a+')).toBe('+');
    expect(findUnsafeQuantifier('a*')).toBe('*');
    expect(findUnsafeQuantifier('a{2,}')).toBe('{2,}');
    expect(findUnsafeQuantifier('[+*]{1,3}\\+\\*')).toBeUndefined();
    expect(findUnsafeQuantifier('a{1,5}b?')).toBeUndefined();
    expect(findUnsafeQuantifier('(?:ab{1,3})?c{2}')).toBeUndefined();
    expect(findUnsafeQuantifier('(?<![A-Z])TCK-[0-9]{6,10}')).toBeUndefined();
  });

  it('finds repeated groups that contain a quantifier', () => {
    expect(findUnsafeQuantifier('(a{1,9}){1,9}')).toBe('nested {1,9}');
    expect(findUnsafeQuantifier('(?:x|y?){2,5}')).toBe('nested {2,5}');
    expect(findUnsafeQuantifier('(ab){1,9}')).toBeUndefined();
  });
});
