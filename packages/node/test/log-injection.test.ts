// No input can forge a second record in any line-oriented output (console text, console
// JSON, the files), whichever line terminator a reader splits on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSecurityLogging } from '@seclog/node';

const HOSTILE = [
  'alice\n{"event":"forged"}',
  'alice\r\n2026-01-01T00:00:00.000Z INFO     seclog.authn_login_success "forged"',
  'alice\u001b[2K\u001b[1Gforged',
  'alice\u009b2Kforged',
  'alice\u2028forged',
  'alice\u2029forged',
  'alice\u0085forged',
  'alice\u000bforged\u000cforged',
  'alice\u202eforged',
];
// Everything any common reader treats as the end of a line.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKS = /\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seclog-injection-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('startSecurityLogging', () => {
  for (const format of ['pretty', 'json'] as const) {
    it(`writes exactly one line per record for hostile user ids to the console (${format}), and whole lines to the files`, async () => {
      let out = '';
      const seclog = startSecurityLogging({
        handleExit: false,
        redaction: false,
        console: { format, stream: { write: (c: string) => (out += c) } },
        file: { directory: dir },
      });
      for (const userId of HOSTILE) seclog.security.authn.loginFail({ userId, reason: userId });
      await seclog.shutdown();

      // The chain anchor at shutdown is a line of its own, not the application's.
      const notAnchor = (l: string): boolean => !l.includes('seclog.chain.anchor');
      const consoleLines = out.slice(0, -1).split(LINE_BREAKS).filter(notAnchor);
      expect(consoleLines).toHaveLength(HOSTILE.length);
      // eslint-disable-next-line no-control-regex
      for (const line of consoleLines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      if (format === 'json') {
        expect(
          consoleLines.map(
            (l) => (JSON.parse(l) as { attributes: Record<string, string> }).attributes['user.id'],
          ),
        ).toEqual(HOSTILE);
      }

      const fileText = readdirSync(dir)
        .filter((f) => f.endsWith('.ndjson'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('');
      // Every piece between line breaks is a whole line, one ExportLogsServiceRequest holding a
      // batch's records (format v2), so no value broke a line.
      const fileLines = fileText.slice(0, -1).split(LINE_BREAKS);
      expect(fileLines).toHaveLength(fileText.split('\n').length - 1);
      const userIds = fileLines.flatMap((l) =>
        JSON.parse(l).resourceLogs.flatMap((rl: any) =>
          rl.scopeLogs.flatMap((sl: any) =>
            sl.logRecords
              .filter((lr: any) => lr.eventName !== 'seclog.chain.anchor')
              .map(
                (lr: any) =>
                  lr.attributes.find((a: { key: string }) => a.key === 'user.id').value
                    .stringValue as string,
              ),
          ),
        ),
      );
      expect(userIds).toEqual(HOSTILE);
    });
  }
});
