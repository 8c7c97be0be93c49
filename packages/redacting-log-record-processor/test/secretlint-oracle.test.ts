// An outside oracle: secretlint's recommended preset reads the positive corpus as logged and as
// exported. Every secret it finds in a log-shaped value must be gone from what the processor
// exports, and it must find nothing at all in the exported records.
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import { leakShapes } from './fixtures/leak-shapes.js';
import { tokenShapes } from './fixtures/token-shapes.js';
import { B64, rand, randMixed, valueFixtures } from './fixtures/secrets.js';
import { setup } from './setup.js';

/** Spans secretlint reports in a text, as the substrings they cover. */
async function secretlintFinds(text: string): Promise<string[]> {
  const result = await lintSource({
    source: { filePath: '/log.txt', content: text, contentType: 'text' },
    options: {
      config: {
        rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }],
      },
      maskSecrets: false,
    },
  });
  return result.messages.map((m) => text.slice(m.range[0], m.range[1]));
}

/** Log lines in the shapes secretlint's rules know (its own rule fixtures use these forms). */
function oracleShapes(): string[] {
  const awsSecret = rand(B64, 40);
  const user = `app${randMixed(4)}`;
  return [
    `aws_secret_access_key = ${awsSecret}`,
    `AWS_SECRET_ACCESS_KEY="${awsSecret}"`,
    `connecting to mongodb+srv://${user}:${randMixed(14)}@cluster0.example.net/app`,
    `curl https://${user}:${randMixed(12)}@registry.example.com/v2/`,
    `postgres://${user}:${randMixed(14)}@db.internal:5432/app?sslmode=require`,
    `Authorization: Basic ${Buffer.from(`${user}:${randMixed(12)}`).toString('base64')}`,
  ];
}

describe('RedactingLogRecordProcessor', () => {
  describe('against secretlint (recommended preset)', () => {
    it('exports nothing secretlint finds, in any value where it finds a secret', async () => {
      const texts = [
        ...valueFixtures().map((f) => f.text),
        ...leakShapes().map((s) => s.text),
        ...tokenShapes().map((s) => s.text),
        ...oracleShapes(),
      ];
      const { emit } = setup();
      let found = 0;
      const misses: string[] = [];
      for (const text of texts) {
        const before = await secretlintFinds(text);
        found += before.length;
        const out = emit({ body: text, attributes: { 'app.line': text } });
        for (const exported of [out.body, out.attributes['app.line']] as string[]) {
          for (const span of before) {
            if (exported.includes(span)) misses.push(`kept what secretlint found: ${span}`);
          }
          for (const span of await secretlintFinds(exported)) {
            // Its connection-string rule reads any password, our placeholder too.
            if (span.includes('[REDACTED:')) continue;
            misses.push(`secretlint finds in the export: ${span} (${exported})`);
          }
        }
      }
      // The oracle must have something to say, or this test could not fail.
      expect(found).toBeGreaterThanOrEqual(20);
      expect(misses).toEqual([]);
    });
  });
});
