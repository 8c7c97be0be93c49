// The loop that lets hex ids skip the rules, against the regular expression it replaced.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isLowerHexId } from '../../src/internal/redaction-engine.js';

const REFERENCE = /^(?=[0-9-]{0,127}[a-f])[0-9a-f-]{16,128}$/;

describe('isLowerHexId', () => {
  it('agrees with /^(?=[0-9-]{0,127}[a-f])[0-9a-f-]{16,128}$/ on strings of 16 to 128 characters', () => {
    const char = fc.constantFrom(...'0123456789abcdefABCDEFgz-_ \u00e9');
    fc.assert(
      fc.property(fc.array(char, { minLength: 16, maxLength: 128 }), (chars) => {
        const s = chars.join('');
        expect(isLowerHexId(s)).toBe(REFERENCE.test(s));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['a UUID', '3f2c9a1e-8b7d-4c6e-9f10-2a3b4c5d6e7f', true],
    ['a trace id', '4bf92f3577b34da6a3ce929d0e0e4736', true],
    ['digits and dashes only', '1234-5678-9012-3456', false],
    ['an upper-case UUID', '3F2C9A1E-8B7D-4C6E-9F10-2A3B4C5D6E7F', false],
  ])('%s → %s', (_name, s, expected) => {
    expect(isLowerHexId(s)).toBe(expected);
  });
});
