// The leak test through the real export paths: every generated secret, in every position,
// must be absent from the bytes that reach the files, an OTLP receiver and the console.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSecurityLogging } from '@seclog/node';
import type { SecurityLogging } from '@seclog/node';
import {
  keyFixtures,
  valueFixtures,
} from '../../redacting-log-record-processor/test/fixtures/secrets.js';
import {
  KEY_FAMILIES,
  leakShapes,
} from '../../redacting-log-record-processor/test/fixtures/leak-shapes.js';
import {
  githubToken,
  randMixed,
} from '../../redacting-log-record-processor/test/fixtures/secrets.js';
import {
  escapedJsonShapes,
  tokenShapes,
} from '../../redacting-log-record-processor/test/fixtures/token-shapes.js';
import { startOtlpReceiver } from './support/otlp-receiver.js';
import type { OtlpReceiver } from './support/otlp-receiver.js';

let dir: string;
let receiver: OtlpReceiver;
let seclog: SecurityLogging | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seclog-leaks-'));
  receiver = await startOtlpReceiver();
});

afterEach(async () => {
  await seclog?.shutdown();
  seclog = undefined;
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What reached each export path, as bytes read back: the files, the OTLP receiver, the console. */
function exportedBytes(consoleOut: string[]): Record<'files' | 'otlp' | 'console', string> {
  return {
    files: readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'latin1'))
      .join('\n'),
    otlp: Buffer.concat(receiver.rawBodies).toString('latin1'),
    console: consoleOut.join(''),
  };
}

/** Emits `text` in every position a record can carry it. */
function emitEverywhere(s: SecurityLogging, text: string): void {
  const log = s.getLogger('leaks');
  const raw = s.loggerProvider.getLogger('leaks-raw');
  log.warn(`login rejected: ${text}`);
  raw.emit({ body: { request: { note: text, list: ['x', text] } } });
  s.security.authn.loginFail({
    userId: 'alice',
    reason: 'bad_password',
    attributes: {
      'deep.nested': { level1: { level2: [{ value: text }] } },
      'an.array': ['ok', text],
      'json.in.string': JSON.stringify({ detail: { note: text } }),
      'url.full': `https://api.example.test/v1/items?q=1&note=${encodeURIComponent(text)}`,
      'http.request.header.x-debug': [text],
    },
  });
  log.error('upstream failed', new Error(`request failed with ${text}`));
}

for (const protocol of ['http/json', 'http/protobuf'] as const) {
  describe(`startSecurityLogging with redaction (${protocol})`, () => {
    it('lets no generated secret reach the files, the OTLP receiver or the console, in any position', async () => {
      const consoleOut: string[] = [];
      seclog = startSecurityLogging({
        serviceName: 'leaks',
        handleExit: false,
        console: { format: 'json', stream: { write: (c: string) => consoleOut.push(c) } },
        file: { directory: dir },
        otlp: { url: receiver.url, protocol },
      });
      const values = [
        ...valueFixtures(),
        // The JSON past the parse cap is longer than the security logger's 8192-character cut.
        ...[
          ...leakShapes(),
          ...tokenShapes(),
          ...escapedJsonShapes(65_536).filter((shape) => shape.text.length < 8192),
        ].map((shape) => ({
          ruleId: shape.name,
          text: shape.text,
          forbidden: shape.forbidden,
        })),
      ];
      const keys = [
        ...keyFixtures(),
        ...KEY_FAMILIES.map((key) => {
          const value = randMixed(16);
          return { ruleId: `family ${key}`, key, value, forbidden: [value] };
        }),
      ];
      for (const fixture of values) emitEverywhere(seclog, fixture.text);
      for (const fixture of keys) {
        seclog.security.authn.loginFail({
          userId: 'alice',
          attributes: { [fixture.key]: fixture.value, nested: { [fixture.key]: fixture.value } },
        });
      }
      // A message the security logger cuts (8192 characters) right inside a token, and a URL body
      // given to a plain OTel logger.
      const cut = githubToken();
      seclog.getLogger('leaks').warn(`${'x '.repeat(4080)}${cut}`);
      const urlSecret = randMixed(16);
      seclog.loggerProvider.getLogger('leaks-raw').emit({
        body: new URL(`https://u:${urlSecret}@h.example.test/?access_token=${urlSecret}`) as never,
      });
      const extra = [
        { ruleId: 'cut by the security logger', forbidden: [cut.slice(0, 20)] },
        { ruleId: 'URL body', forbidden: [urlSecret] },
      ];
      await seclog.forceFlush();

      const emitted = values.length * 4 + keys.length + 2;
      // So many failed logins for alice also make detection alert once (and the alert is checked too).
      expect(receiver.records.filter((r) => r.eventName !== 'seclog.alert')).toHaveLength(emitted);
      expect(receiver.records.filter((r) => r.eventName === 'seclog.alert')).toHaveLength(1);
      const outputs = exportedBytes(consoleOut);
      const leaks: string[] = [];
      for (const fixture of [...values, ...keys, ...extra]) {
        // Short fragments (a 3-digit PIN) also occur by chance in timestamps and ids: search the long ones.
        for (const forbidden of fixture.forbidden.filter((f) => f.length >= 8)) {
          for (const [where, bytes] of Object.entries(outputs)) {
            if (
              bytes.includes(forbidden) ||
              bytes.includes(JSON.stringify(forbidden).slice(1, -1))
            ) {
              leaks.push(`${fixture.ruleId} leaked to ${where}: ${forbidden}`);
            }
          }
        }
      }
      expect(leaks).toEqual([]);
      // The events themselves are kept.
      expect(
        receiver.records.filter((r) => r.eventName === 'seclog.authn_login_fail'),
      ).toHaveLength(values.length + keys.length);
    });
  });
}

describe('startSecurityLogging with redaction, the command line in the resource', () => {
  it('redacts credentials in process.command_args and process.command_line before any exporter', async () => {
    const joined = randMixed(20);
    const separate = randMixed(20);
    const argv = process.argv;
    // The process detector reads process.argv when the resource is built.
    process.argv = [...argv, `--api-key=${joined}`, '--password', separate, '--port', '8080'];
    const consoleOut: string[] = [];
    try {
      seclog = startSecurityLogging({
        serviceName: 'argv',
        handleExit: false,
        console: { format: 'json', stream: { write: (c: string) => consoleOut.push(c) } },
        file: { directory: dir },
        otlp: { url: receiver.url, protocol: 'http/json' },
      });
    } finally {
      process.argv = argv;
    }
    seclog.getLogger('argv').info('started');
    await seclog.forceFlush();
    const outputs = exportedBytes(consoleOut);
    for (const [where, bytes] of Object.entries(outputs)) {
      expect(bytes, where).not.toContain(joined);
      expect(bytes, where).not.toContain(separate);
    }
    // The console view carries no resource; the files and OTLP do, readable where not a credential.
    for (const bytes of [outputs.files, outputs.otlp]) {
      expect(bytes).toContain('process.command_args');
      expect(bytes).toContain('--api-key=');
      expect(bytes).toContain('8080');
    }
  });
});
