// `seclog tail` on a terminal prints, for each record read back from a file, the very line the
// pretty console printed for it: same fields, same quoting, same escaping, one line.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPretty } from '@seclog/cli';
import { startSecurityLogging, type SecurityLogging } from '@seclog/node';
import {
  hostileRecord,
  LINE_ESCAPE_CASES,
  lineProblem,
  type HostileRecord,
} from '../../security-logger/test/fixtures/line-escape-cases.js';

/** Runs `emit` with console (pretty) and files (`format`) on; returns both outputs' lines. */
async function bothOutputs(
  format: 'otlp-json' | 'ecs-json',
  emit: (seclog: SecurityLogging) => void,
  resourceAttributes: Record<string, string> = {},
  keepAnchors = false,
) {
  const dir = mkdtempSync(join(tmpdir(), 'seclog-cli-pretty-'));
  let consoleText = '';
  const seclog = startSecurityLogging({
    handleExit: false,
    registerGlobal: false,
    redaction: false,
    resourceAttributes,
    console: { format: 'pretty', stream: { write: (c: string) => (consoleText += c) } },
    file: { directory: dir, format },
  });
  try {
    emit(seclog);
    await seclog.shutdown();
    const fileLines = readdirSync(dir)
      .filter((f) => f.endsWith('.ndjson'))
      .sort()
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1));
    const tailText = fileLines.map((l) => `${formatPretty(l)}\n`).join('');
    if (keepAnchors) return { consoleText, tailText, fileLines };
    // The chain anchor at shutdown is a record of its own, not one of the test's.
    const withoutAnchor = (text: string): string =>
      text
        .split('\n')
        .filter((l) => !l.includes(' seclog.chain.anchor "Log chain anchor'))
        .join('\n');
    return {
      consoleText: withoutAnchor(consoleText),
      tailText: withoutAnchor(tailText),
      fileLines,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function emitHostile(seclog: SecurityLogging, r: HostileRecord): void {
  seclog.loggerProvider.getLogger(r.scopeName, r.scopeVersion).emit({
    severityNumber: 13,
    severityText: r.severityText,
    eventName: r.eventName,
    body: r.body,
    attributes: r.attributes as Record<string, string>,
  });
}

describe('formatPretty', () => {
  it('prints the line the pretty console printed for the same record (otlp-json files)', async () => {
    const { consoleText, tailText } = await bothOutputs(
      'otlp-json',
      (seclog) => {
        seclog.security.authn.loginFail({ userId: 'alice', reason: 'bad password' });
        seclog.getLogger('billing').info('refund "issued"', {
          'order.id': 'o-1',
          amount: 12.5,
          count: 3,
          ok: true,
          tags: ['a b', 'c'],
          detail: { nested: { deep: [1, 'x'] } },
        });
        seclog.loggerProvider.getLogger('plain').emit({ severityNumber: 17, body: { k: 'v' } });
      },
      {},
      true,
    );
    // Three records, the chain anchor at shutdown (its attributes shown alike), and the final newline.
    expect(consoleText.split('\n')).toHaveLength(5);
    expect(tailText).toBe(consoleText);
  });

  it.each(LINE_ESCAPE_CASES.filter((c) => c.raw !== '').map((c) => [c.name, c]))(
    'prints %s in every field as the console does',
    async (_n, c) => {
      const { consoleText, tailText } = await bothOutputs('otlp-json', (seclog) =>
        emitHostile(seclog, {
          body: c.raw,
          severityText: c.raw,
          eventName: c.raw,
          scopeName: c.raw,
          scopeVersion: c.raw,
          attributes: { 'user.id': c.raw, [`k${c.raw}`]: { [c.raw]: [c.raw] } },
          resource: {},
        }),
      );
      expect(consoleText).toContain(` user.id=${c.pretty} ${c.pretty} `);
      expect(tailText).toBe(consoleText);
    },
  );

  it('prints one safe line per record, the same as the console, for any hostile record', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRecord, async (r) => {
        const { consoleText, tailText } = await bothOutputs(
          'otlp-json',
          (seclog) => emitHostile(seclog, r),
          r.resource,
        );
        expect(lineProblem(tailText, 1)).toBeUndefined();
        expect(tailText).toBe(consoleText);
      }),
      { numRuns: 30 },
    );
  });

  it('prints one safe line per ecs-json record, its resource fields among the attributes', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRecord, async (r) => {
        const { consoleText, tailText } = await bothOutputs(
          'ecs-json',
          (seclog) => emitHostile(seclog, r),
          r.resource,
        );
        expect(lineProblem(tailText, 1)).toBeUndefined();
        // Up to the attributes the line is the console's; ECS mixes resource fields in after.
        const lead = consoleText.slice(0, consoleText.indexOf(' user.id='));
        expect(tailText.startsWith(lead)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('prints one line per record of a format v2 line, which holds a batch sharing resource and scope', async () => {
    const { consoleText, tailText, fileLines } = await bothOutputs('otlp-json', (seclog) => {
      const logger = seclog.getLogger('billing');
      for (let i = 0; i < 5; i++) logger.info(`refund ${i}`, { 'order.id': `o-${i}` });
    });
    // The five records share one line; the anchor at shutdown comes in a batch of its own.
    expect(fileLines.filter((l) => !l.includes('"seclog.chain.anchor"'))).toHaveLength(1);
    expect(consoleText.split('\n')).toHaveLength(6);
    expect(tailText).toBe(consoleText);
  });

  it('escapes a line that is not JSON', () => {
    expect(formatPretty('not json\u0007\u202e')).toBe('not json\\u0007\\u202e');
  });
});
