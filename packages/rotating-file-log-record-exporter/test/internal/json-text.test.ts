// jsonText: the JSON of every value a file line holds, under the one escaping policy, with its
// printable-ASCII fast path giving the same text as the slow path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeJsonLine } from '../../src/internal/escape-for-line.js';
import { jsonText } from '../../src/internal/json-text.js';
import {
  hostileString,
  LINE_ESCAPE_CASES,
} from '../../../security-logger/test/fixtures/line-escape-cases.js';

describe('jsonText', () => {
  it.each(LINE_ESCAPE_CASES.map((c) => [c.name, c]))('writes %s as the table says', (_n, c) => {
    expect(jsonText(c.raw)).toBe(c.json);
  });

  it('escapes bidi and C1 controls a file line once wrote raw', () => {
    expect(jsonText('a\u202eb\u009bc')).toBe('"a\\u202eb\\u009bc"');
    expect(jsonText({ 'k\u2066': ['\u0085'] })).toBe('{"k\\u2066":["\\u0085"]}');
  });

  it('gives the slow path text for every printable ASCII character on the fast path', () => {
    let all = '';
    for (let c = 0x20; c < 0x7f; c++) {
      const s = String.fromCharCode(c);
      all += s;
      expect(jsonText(s)).toBe(escapeJsonLine(JSON.stringify(s)));
    }
    expect(jsonText(all)).toBe(JSON.stringify(all));
  });

  it('parses back to any hostile string, nested or not', () => {
    fc.assert(
      fc.property(hostileString, hostileString, (key, value) => {
        expect(JSON.parse(jsonText(value))).toBe(value);
        const nested = { [key]: [value, { [key]: value }] };
        expect(JSON.parse(jsonText(nested))).toEqual(nested);
      }),
    );
  });
});
