// The CLI's copy of seclog's one escaping policy: the same bytes as @seclog/security-logger's, and
// the same answers on the one table of cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeForLine, escapeJsonLine } from '../../src/internal/escape-for-line.js';
import { LINE_ESCAPE_CASES } from '../../../security-logger/test/fixtures/line-escape-cases.js';

const source = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('escape-for-line', () => {
  // The CLI loads no OpenTelemetry package (security-logger does), so the policy is a copy: this
  // keeps it one policy.
  it("is byte-identical to @seclog/security-logger's src/escape-for-line.ts", () => {
    expect(source('../../src/internal/escape-for-line.ts')).toBe(
      source('../../../security-logger/src/escape-for-line.ts'),
    );
  });

  it.each(LINE_ESCAPE_CASES.map((c) => [c.name, c]))('writes %s as the table says', (_n, c) => {
    expect(escapeForLine(c.raw)).toBe(c.text);
    expect(escapeJsonLine(JSON.stringify(c.raw))).toBe(c.json);
  });
});
