// docs/redaction.md documents every built-in rule id (and no id that does not exist), and its
// structural and personal-data tables are the rule records' own docs, row for row.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RuleDoc } from '../../src/internal/builtin-rules.js';
import { PREFIX_RULES } from '../../src/internal/builtin-rules.js';
import { BUILTIN_RULE_IDS } from '../../src/internal/options.js';
import { TEXT_RULES } from '../../src/internal/text-rules.js';

const doc = readFileSync(
  fileURLToPath(new URL('../../../../docs/redaction.md', import.meta.url)),
  'utf8',
);

/** The rows of the table under a heading, as trimmed cells (header and rule lines left out). */
function tableRows(heading: string): string[][] {
  const start = doc.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const lines = doc.slice(start + heading.length + 2).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** The table the data says a docs section holds, as a markdown table to paste when it differs. */
function expectedRows(table: RuleDoc['table']): string[][] {
  const documented = [...PREFIX_RULES, ...TEXT_RULES].filter((r) => r.doc?.table === table);
  return documented.map((r) => [
    `\`${r.id}\``,
    r.doc!.what,
    r.doc!.validator,
    r.doc!.action,
    r.doc!.misses,
  ]);
}

function markdown(rows: string[][]): string {
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

describe('docs/redaction.md', () => {
  it('lists every built-in rule id in a rule table', () => {
    const tableIds = new Set([...doc.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map((m) => m[1]));
    expect(BUILTIN_RULE_IDS.filter((id) => !tableIds.has(id))).toEqual([]);
    expect([...tableIds].filter((id) => !BUILTIN_RULE_IDS.includes(id!))).toEqual([]);
  });

  for (const [table, heading] of [
    ['structural', '### Structural secrets (tier B) and context (tier C)'],
    ['personal', '### Personal data'],
  ] as const) {
    it(`holds the ${table} rule records' docs as its "${heading.slice(4)}" table`, () => {
      const expected = expectedRows(table);
      expect(tableRows(heading), `expected rows:\n${markdown(expected)}`).toEqual(expected);
    });
  }
});
