// Tests seclog's one escaping policy against the one table of cases: nothing that could end a
// line, fake a record or drive a terminal survives.
import { escapeForLine, escapeJsonLine } from '@seclog/security-logger';
import { describe, expect, it } from 'vitest';
import { LINE_ESCAPE_CASES } from './fixtures/line-escape-cases.js';

// eslint-disable-next-line no-control-regex -- asserting their absence
const LINE_BREAK = /[\n\r\u000b\u000c\u0085\u2028\u2029]/;

describe('escapeForLine', () => {
  it.each(LINE_ESCAPE_CASES.map((c) => [c.name, c]))('writes %s as the table says', (_n, c) => {
    expect(escapeForLine(c.raw)).toBe(c.text);
  });

  it('keeps printable text, emoji and other scripts as they are', () => {
    const text = 'Grüße 👋 日本語 "quoted" {json: 1}';
    expect(escapeForLine(text)).toBe(text);
  });

  it('turns a forged second record into part of one line', () => {
    const escaped = escapeForLine('alice\n{"event":"forged"}\r\n2026-01-01 INFO root logged in');
    expect(escaped).not.toMatch(LINE_BREAK);
    expect(escaped).toBe('alice\\n{"event":"forged"}\\r\\n2026-01-01 INFO root logged in');
  });

  it('never outputs a line break or control character for any code unit', () => {
    let all = '';
    for (let c = 0; c < 0x10000; c += 1) all += String.fromCharCode(c);
    const escaped = escapeForLine(all);
    expect(escaped).not.toMatch(LINE_BREAK);
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(escaped).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('converts a non-string without throwing', () => {
    expect(escapeForLine(42 as unknown as string)).toBe('42');
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(escapeForLine(hostile as unknown as string)).toBe('[unserializable]');
  });
});

describe('escapeJsonLine', () => {
  it.each(LINE_ESCAPE_CASES.map((c) => [c.name, c]))(
    'writes %s in JSON as the table says, parsing back to the value',
    (_n, c) => {
      const line = escapeJsonLine(JSON.stringify(c.raw));
      expect(line).toBe(c.json);
      expect(JSON.parse(line)).toBe(c.raw);
    },
  );

  it('escapes the line separators JSON.stringify leaves raw, keeping the parsed value', () => {
    const value = { user: 'alice\u2028\u2029\u0085\u202e\n\u001b[31m' };
    const raw = JSON.stringify(value);
    expect(raw).toMatch(/[\u2028\u2029\u0085]/);
    const line = escapeJsonLine(raw);
    expect(line).not.toMatch(LINE_BREAK);
    expect(line).not.toMatch(/[\u2028\u2029\u0085\u202e]/);
    expect(JSON.parse(line)).toEqual(value);
  });

  it('leaves ordinary JSON untouched', () => {
    const json = JSON.stringify({ a: 'Grüße 👋', b: [1, null] });
    expect(escapeJsonLine(json)).toBe(json);
  });
});
