// docs/detection.md documents every built-in rule with its threshold (and no rule that does not exist).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTION_RULES } from '@seclog/detection';

const doc = readFileSync(
  fileURLToPath(new URL('../../../docs/detection.md', import.meta.url)),
  'utf8',
);

describe('docs/detection.md', () => {
  it('lists every built-in rule with its kind, threshold and window', () => {
    const rows = new Map(
      [...doc.matchAll(/^\| `([a-z0-9_]+)` +\| (\w+) +\|.*\| (\d+) +\| (\d+) min +\|$/gm)].map(
        (m) => [m[1], { kind: m[2], threshold: Number(m[3]), minutes: Number(m[4]) }],
      ),
    );
    expect([...rows.keys()]).toEqual(BUILTIN_DETECTION_RULES.map((r) => r.id));
    for (const rule of BUILTIN_DETECTION_RULES) {
      expect(rows.get(rule.id)).toEqual({
        kind: rule.kind,
        threshold: rule.threshold,
        minutes: rule.windowMillis / 60_000,
      });
    }
  });
});
