// `seclog tail` prints the console's readable line with the console's own code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const source = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('format-pretty-line', () => {
  // @seclog/node (the console) and @seclog/cli cannot depend on each other, so the formatter is a
  // copy: this keeps it one function.
  it("is byte-identical to @seclog/node's src/internal/format-pretty-line.ts", () => {
    expect(source('../../src/internal/format-pretty-line.ts')).toBe(
      source('../../../node/src/internal/format-pretty-line.ts'),
    );
  });
});
