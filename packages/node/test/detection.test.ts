// Detection through startSecurityLogging: on by default, its alert a security record that passes
// redaction and reaches the files and a real OTLP receiver; `detection: false` turns it off.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSecurityLogging } from '@seclog/node';
import type { SecurityLogging, StartSecurityLoggingOptions } from '@seclog/node';
import { runWithRequestContext } from '@seclog/security-logger';
import { startOtlpReceiver } from './support/otlp-receiver.js';
import type { OtlpReceiver } from './support/otlp-receiver.js';

let receiver: OtlpReceiver;
let dir: string;
const started: SecurityLogging[] = [];

function setup(options: StartSecurityLoggingOptions = {}): SecurityLogging {
  const seclog = startSecurityLogging({
    serviceName: 'detection-test',
    console: false,
    file: { directory: dir },
    otlp: { url: receiver.url },
    handleExit: false,
    ...options,
  });
  started.push(seclog);
  return seclog;
}

function fileRecords(): any[] {
  const records: any[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.ndjson')) continue;
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      for (const rl of JSON.parse(line).resourceLogs ?? [])
        for (const sl of rl.scopeLogs) records.push(...sl.logRecords);
    }
  }
  return records;
}

const attr = (record: any, key: string): unknown => {
  const kv = record.attributes.find((a: any) => a.key === key);
  return kv === undefined ? undefined : Object.values(kv.value)[0];
};

/** An attribute of a file record (OTLP JSON key-values) or of a received one (an object). */
const valueOf = (record: any, key: string): unknown =>
  Array.isArray(record.attributes) ? attr(record, key) : record.attributes[key];

function bruteForce(seclog: SecurityLogging, userId: string, n = 10): void {
  for (let i = 1; i <= n; i += 1) {
    runWithRequestContext(
      {
        requestId: `req-${i}`,
        spanContext: {
          traceId: i.toString(16).padStart(32, '0'),
          spanId: 'b7ad6b7169203331',
          traceFlags: 1,
        },
      },
      () => seclog.security.authn.loginFail({ userId, reason: 'bad_password' }),
    );
  }
}

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'seclog-detection-'));
});

afterEach(async () => {
  for (const s of started.splice(0)) await s.shutdown();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('startSecurityLogging', () => {
  describe('detection', () => {
    it('alerts on ten failed logins of one user, in the files and at the OTLP receiver', async () => {
      const seclog = setup();
      bruteForce(seclog, 'alice', 9);
      await seclog.forceFlush();
      expect(receiver.records.filter((r) => r.eventName === 'seclog.alert')).toHaveLength(0);

      bruteForce(seclog, 'alice', 1);
      await seclog.forceFlush();
      const [received, ...more] = receiver.records.filter((r) => r.eventName === 'seclog.alert');
      expect(more).toHaveLength(0);
      expect(received?.severityNumber).toBe(18);
      expect(received?.scope).toBe('@seclog/detection');
      expect(received?.resource['service.name']).toBe('detection-test');
      expect(received?.attributes).toMatchObject({
        'seclog.alert.rule': 'ae2_login_failures_per_user',
        'user.id': 'alice',
        'seclog.alert.window_ms': 300_000,
        'seclog.alert.first_trace_id': '1'.padStart(32, '0'),
        'seclog.alert.last_trace_id': '1'.padStart(32, '0'),
        'seclog.alert.last_request_id': 'req-1',
      });
      expect(Number(received?.attributes['seclog.alert.count'])).toBe(10);
      // The alert belongs to no request: its ids are evidence, not its own context.
      expect(received?.attributes['seclog.request.id']).toBeUndefined();

      const inFile = fileRecords().filter((r) => r.eventName === 'seclog.alert');
      expect(inFile).toHaveLength(1);
      expect(inFile[0].severityNumber).toBe(18);
      expect(attr(inFile[0], 'seclog.alert.rule')).toBe('ae2_login_failures_per_user');
      expect(attr(inFile[0], 'user.id')).toBe('alice');
      expect(seclog.detectionStats()).toMatchObject({ alerts: 1, alertsDropped: 0 });
    });

    it('passes the alert through redaction like its evidence', async () => {
      const seclog = setup({
        redaction: {
          hmac: {
            key: ['pseudonym', 'key', 'for', 'detection', 'tests', 'only'].join('-'),
            keyId: 'k1',
          },
        },
      });
      // A long id too: the alert carries it whole, so it gets the same pseudonym, and a card
      // number past character 256 is not cut into a remainder redaction would not recognise.
      const long = `${'A'.repeat(240)} 4111 1111 1111 1111`;
      for (const userId of ['alice', long]) {
        receiver.records.length = 0;
        bruteForce(seclog, userId);
        await seclog.forceFlush();
        const failure = receiver.records.find((r) => r.eventName === 'seclog.authn_login_fail');
        const alert = receiver.records.find((r) => r.eventName === 'seclog.alert');
        expect(String(failure?.attributes['user.id'])).toMatch(/^hmac:k1:/);
        expect(alert?.attributes['user.id']).toBe(failure?.attributes['user.id']);
        expect(JSON.stringify(receiver.records)).not.toContain('alice');
        expect(JSON.stringify(receiver.records)).not.toContain('4111 1111');
      }
    });

    it('writes the alert of the last records before shutdown completes', async () => {
      const seclog = setup({ otlp: false });
      bruteForce(seclog, 'alice');
      await seclog.shutdown();
      expect(fileRecords().filter((r) => r.eventName === 'seclog.alert')).toHaveLength(1);
    });

    it('is off with detection: false', async () => {
      const seclog = setup({ detection: false });
      bruteForce(seclog, 'alice', 20);
      await seclog.forceFlush();
      expect(receiver.records).toHaveLength(20);
      expect(receiver.records.some((r) => r.eventName === 'seclog.alert')).toBe(false);
      expect(seclog.detectionStats()).toBeUndefined();
    });

    it('takes tuning and fails at setup on a bad option, naming the package and the option', async () => {
      expect(() => setup({ detection: { maxKeys: -1 } })).toThrow(
        '@seclog/node: detection.maxKeys',
      );
      expect(() => setup({ detection: { logger: {} } as never })).toThrow(
        '@seclog/node: detection.logger',
      );
      expect(() => setup({ detection: 'on' as never })).toThrow('@seclog/node: detection');
      expect(() =>
        setup({
          detection: {
            rules: [
              {
                id: 'typo',
                kind: 'event_count',
                description: 'd',
                match: { events: ['seclog.authn_login_fial'] },
                groupBy: ['user.id'],
                threshold: 3,
                windowMillis: 60_000,
              },
            ],
          },
        }),
      ).toThrow('@seclog/node: detection.rules[0].match.events[0] is not an event seclog emits');
      const seclog = setup({
        detection: { builtins: { ae2_login_failures_per_user: { threshold: 3 } } },
      });
      bruteForce(seclog, 'bob', 3);
      await seclog.forceFlush();
      expect(receiver.records.filter((r) => r.eventName === 'seclog.alert')).toHaveLength(1);
    });

    it('writes one seclog.alert.suppressed past the alert cap, and says when a key flood blinds detection', async () => {
      const seclog = setup({ detection: { maxAlertsPerWindow: 2, maxKeys: 20 } });
      for (let u = 0; u < 4; u += 1) bruteForce(seclog, `sprayed${u}`);
      for (let u = 0; u < 100; u += 1) seclog.security.authn.loginFail({ userId: `flood${u}` });
      await seclog.forceFlush();
      for (const records of [receiver.records, fileRecords()]) {
        const named = (name: string) => records.filter((r: any) => r.eventName === name);
        expect(named('seclog.alert')).toHaveLength(2);
        const [summary, ...more] = named('seclog.alert.suppressed');
        expect(more).toHaveLength(0);
        expect(summary.severityNumber).toBe(18);
        expect(Number(valueOf(summary, 'seclog.alert.suppressed_count'))).toBe(2);
        const [saturated] = named('seclog.alert.detection_saturated');
        expect(saturated.severityNumber).toBe(18);
        expect(valueOf(saturated, 'seclog.alert.group_by')).toBe('user.id');
      }
    });
  });
});
