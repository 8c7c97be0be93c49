// docs/redaction.md documents every built-in rule id (and no id that does not exist).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULE_IDS } from '../../src/internal/options.js';

const doc = readFileSync(
  fileURLToPath(new URL('../../../../docs/redaction.md', import.meta.url)),
  'utf8',
);

describe('docs/redaction.md', () => {
  it('lists every built-in rule id in a rule table', () => {
    const tableIds = new Set([...doc.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map((m) => m[1]));
    expect(BUILTIN_RULE_IDS.filter((id) => !tableIds.has(id))).toEqual([]);
    expect([...tableIds].filter((id) => !BUILTIN_RULE_IDS.includes(id!))).toEqual([]);
  });
});
