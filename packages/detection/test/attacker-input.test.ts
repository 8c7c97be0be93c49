// What an attacker controls (addresses, user names, key counts, alert volume) and what a careless
// handler does must not blind detection or crash the process: each test replays an intruder finding
// through a real LoggerProvider.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { diag } from '@opentelemetry/api';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DetectionLogRecordProcessor } from '@seclog/detection';
import type { DetectionOptions } from '@seclog/detection';

function setup(options: DetectionOptions = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const detection: DetectionLogRecordProcessor = new DetectionLogRecordProcessor({
    ...options,
    logger: () => provider.getLogger('@seclog/detection'),
  });
  const provider: LoggerProvider = new LoggerProvider({
    processors: [detection, new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('app');
  const emit = (eventName: string | undefined, attributes: Record<string, unknown>): void => {
    logger.emit({ eventName, attributes } as never);
  };
  const records = async (eventName: string, rule?: string): Promise<ReadableLogRecord[]> => {
    await detection.forceFlush();
    return exporter
      .getFinishedLogRecords()
      .filter(
        (r) =>
          r.eventName === eventName &&
          (rule === undefined || r.attributes['seclog.alert.rule'] === rule),
      );
  };
  const alerts = (rule?: string) => records('seclog.alert', rule);
  /** The records of `eventName` emitted so far, without a flush (which reports what waits). */
  const emitted = async (eventName: string): Promise<ReadableLogRecord[]> => {
    await Promise.resolve(); // the microtask that emits the pending alerts runs first
    return exporter.getFinishedLogRecords().filter((r) => r.eventName === eventName);
  };
  return { detection, provider, exporter, emit, alerts, records, emitted };
}

const FAIL = 'seclog.authn_login_fail';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-07T10:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
  diag.disable();
});

function spyOnDiag() {
  const error = vi.fn();
  const warn = vi.fn();
  diag.setLogger({ error, warn, info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
  return { error, warn };
}

describe('DetectionLogRecordProcessor', () => {
  describe('group keys', () => {
    it('groups an IPv6 client by its /64, so rotating the low 64 bits per request evades no rule (#1)', async () => {
      const { emit, alerts } = setup();
      for (let i = 0; i < 50; i += 1) {
        emit(FAIL, {
          'user.id': `user-${i}`,
          'client.address': `2001:db8:1:2:${(i + 1).toString(16)}:0:0:1`,
        });
      }
      for (const rule of ['ae3_login_failures_per_address', 'ae1_users_per_address']) {
        const fired = await alerts(rule);
        expect(fired).toHaveLength(1);
        expect(fired[0]?.attributes['client.address']).toBe('2001:db8:1:2::/64');
      }
    });

    it('keeps IPv4 addresses apart and takes an IPv4-mapped IPv6 address as its IPv4 one (#1)', async () => {
      const { emit, alerts } = setup();
      for (let i = 0; i < 25; i += 1) {
        emit(FAIL, { 'user.id': `a${i}`, 'client.address': '192.0.2.1' });
        emit(FAIL, { 'user.id': `b${i}`, 'client.address': '::ffff:192.0.2.1' });
        emit(FAIL, { 'user.id': `c${i}`, 'client.address': `198.51.100.${i}` });
      }
      const fired = await alerts('ae3_login_failures_per_address');
      expect(fired.map((r) => r.attributes['client.address'])).toEqual(['192.0.2.1']);
    });

    it('groups user names by NFKC, trimmed and in lower case, for every rule on user.id (#1)', async () => {
      const { emit, alerts } = setup();
      const variants = ['Alice', 'alice ', ' ALICE', '\uff21\uff4c\uff49\uff43\uff45', 'aLiCe'];
      for (let i = 0; i < 10; i += 1) emit(FAIL, { 'user.id': variants[i % variants.length] });
      // The alert names the account as the record that fired logged it (its pseudonym, with a key).
      const [alert] = await alerts('ae2_login_failures_per_user');
      expect(alert?.attributes['user.id']).toBe('aLiCe');

      for (let i = 0; i < 5; i += 1) emit(FAIL, { 'user.id': variants[i] });
      emit('seclog.authn_login_success', { 'user.id': 'ALICE' });
      expect(await alerts('ae2_login_success_after_failures')).toHaveLength(1);
    });

    it('counts case variants of one user name as one distinct user for AE1 (#1)', async () => {
      const { emit, alerts } = setup();
      for (let i = 0; i < 40; i += 1) {
        const name = [...'bobby-tables'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c));
        emit(FAIL, { 'user.id': name.join(''), 'client.address': '203.0.113.5' });
      }
      expect(await alerts('ae1_users_per_address')).toHaveLength(0);
    });
  });

  describe('memory', () => {
    it('keeps no long user name alive through the key cut from it (#3)', () => {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const heapAfter = (length: number): number => {
        // Detection alone: an exporter would keep the records, and with them every name.
        const detection = new DetectionLogRecordProcessor({
          logger: () => provider.getLogger('d'),
        });
        const provider: LoggerProvider = new LoggerProvider({ processors: [detection] });
        const logger = provider.getLogger('app');
        gc();
        const before = process.memoryUsage().heapUsed;
        for (let i = 0; i < 10_000; i += 1) {
          const name = randomBytes(length / 2).toString('hex');
          logger.emit({ eventName: FAIL, attributes: { 'user.id': name } });
        }
        gc();
        const grown = process.memoryUsage().heapUsed - before;
        expect(detection.getStats().rules.ae2_login_failures_per_user?.trackedKeys).toBe(10_000);
        return grown;
      };
      const short = heapAfter(32);
      const long = heapAfter(8192);
      // Pinned, the 10,000 names of 8 KiB would hold 80 MB; cut and copied, about what 32 do.
      expect(long).toBeLessThan(short + 16 * 1024 * 1024);
    });
  });

  describe('forged pseudonyms', () => {
    it('marks a group value logged in the shape of a pseudonym, so redaction does not pass it on (#6)', async () => {
      const seen: unknown[] = [];
      const { emit, alerts } = setup({ onAlert: (a) => void seen.push(a.key) });
      const copied = ['hmac', 'k1', 'Q'.repeat(20) + '_-' + 'z'.repeat(21)].join(':');
      for (let i = 0; i < 10; i += 1) emit(FAIL, { 'user.id': copied });
      const [alert] = await alerts('ae2_login_failures_per_user');
      expect(alert?.attributes['user.id']).toBe(`forged:${copied}`);
      expect(alert?.attributes['seclog.alert.forged_key']).toBe('user.id');
      // The application's handler gets the key as logged, with nothing added.
      expect(seen).toEqual([{ 'user.id': copied }]);
    });
  });

  describe('forged request ids', () => {
    it("marks a request id shaped like a pseudonym in first and last request ids (X-Request-Id is the client's)", async () => {
      const { emit, alerts } = setup();
      const copied = ['hmac', 'k1', 'R'.repeat(43)].join(':');
      for (let i = 0; i < 10; i += 1) {
        emit(FAIL, { 'user.id': 'alice', 'seclog.request.id': i === 9 ? copied : `req-${i}` });
      }
      const [alert] = await alerts('ae2_login_failures_per_user');
      expect(alert?.attributes).toMatchObject({
        'user.id': 'alice',
        'seclog.alert.first_request_id': 'req-0',
        'seclog.alert.last_request_id': `forged:${copied}`,
        'seclog.alert.forged_key': 'seclog.alert.last_request_id',
      });
    });
  });

  describe('alert storm', () => {
    it('emits at most maxAlertsPerWindow alerts per rule and window, then one seclog.alert.suppressed counting the rest', async () => {
      vi.useFakeTimers({
        toFake: ['Date', 'setTimeout', 'clearTimeout'],
        now: new Date('2026-12-07T10:00:00Z'),
      });
      const handed: string[] = [];
      const { emit, emitted, records, detection } = setup({
        onAlert: (a) => void handed.push(String(a.key['user.id'])),
      });
      // 150 sprayed accounts, each crossing AE2 (10 failures, no address).
      for (let u = 0; u < 150; u += 1) {
        for (let i = 0; i < 10; i += 1) emit(FAIL, { 'user.id': `victim${u}` });
      }
      expect(await emitted('seclog.alert')).toHaveLength(100);
      // The application's response is not blinded: every alert reaches onAlert.
      expect(handed).toHaveLength(150);
      expect(await emitted('seclog.alert.suppressed')).toHaveLength(0);

      // The cap's window (the rule's, 5 minutes) closes: one summary for the 50 not emitted.
      vi.advanceTimersByTime(300_000);
      const [summary, ...more] = await emitted('seclog.alert.suppressed');
      expect(more).toHaveLength(0);
      expect(summary?.severityNumber).toBe(18);
      expect(summary?.attributes).toEqual({
        'seclog.alert.rule': 'ae2_login_failures_per_user',
        'seclog.alert.suppressed_count': 50,
        'seclog.alert.max_alerts': 100,
        'seclog.alert.window_ms': 300_000,
        'seclog.outcome': 'unknown',
      });
      expect(detection.getStats().rules.ae2_login_failures_per_user).toMatchObject({
        alerts: 100,
        alertsCapped: 50,
      });

      // A new window: alerts are emitted again.
      for (let i = 0; i < 10; i += 1) emit(FAIL, { 'user.id': 'late' });
      const late = (await emitted('seclog.alert')).filter(
        (r) => r.attributes['user.id'] === 'late',
      );
      expect(late).toHaveLength(1);
      expect(await records('seclog.alert.suppressed')).toHaveLength(1);
      await detection.shutdown();
    });

    it('takes its cap from maxAlertsPerWindow, and reports what the cap held back at flush', async () => {
      const { emit, alerts, records } = setup({ maxAlertsPerWindow: 3 });
      for (let u = 0; u < 5; u += 1) {
        for (let i = 0; i < 10; i += 1) emit(FAIL, { 'user.id': `u${u}` });
      }
      expect(await alerts('ae2_login_failures_per_user')).toHaveLength(3);
      // `records` flushes: the summary of the window so far is written now, not lost at exit.
      const summaries = await records('seclog.alert.suppressed');
      expect(summaries.map((r) => r.attributes['seclog.alert.suppressed_count'])).toEqual([2]);
      expect(summaries[0]?.attributes['seclog.alert.max_alerts']).toBe(3);
    });
  });

  describe('saturation', () => {
    it('says once per window, CRITICAL, that a flood of keys pushed live state out (detection went blind)', async () => {
      vi.useFakeTimers({
        toFake: ['Date', 'setTimeout', 'clearTimeout'],
        now: new Date('2026-12-07T10:00:00Z'),
      });
      const { emit, emitted, records, detection } = setup({ maxKeys: 100 });
      // The victim's run of failures, then a flood of attacker-chosen user names.
      for (let i = 0; i < 9; i += 1) emit(FAIL, { 'user.id': 'alice' });
      for (let u = 0; u < 1000; u += 1) emit(FAIL, { 'user.id': `flood${u}` });
      emit(FAIL, { 'user.id': 'alice' });
      // Alice's tenth failure fires nothing: her nine were pushed out...
      expect(await emitted('seclog.alert')).toHaveLength(0);
      // ...and the analyst is told, once for the window however long the flood goes on.
      const saturated = await emitted('seclog.alert.detection_saturated');
      expect(saturated).toHaveLength(1);
      expect(saturated[0]?.severityNumber).toBe(18);
      expect(saturated[0]?.attributes).toMatchObject({
        'seclog.alert.group_by': 'user.id',
        'seclog.alert.rules': 'ae2_login_failures_per_user,ae2_login_success_after_failures',
        'seclog.alert.max_keys': 100,
        'seclog.alert.window_ms': 300_000,
      });
      expect(saturated[0]?.attributes['seclog.alert.evicted_keys']).toBeGreaterThan(0);
      // The flood goes on within the window: no second record until it closes, then one counting all.
      for (let u = 0; u < 1000; u += 1) emit(FAIL, { 'user.id': `more${u}` });
      expect(await emitted('seclog.alert.detection_saturated')).toHaveLength(1);
      vi.advanceTimersByTime(300_000);
      const all = await emitted('seclog.alert.detection_saturated');
      expect(all).toHaveLength(2);
      // Nothing lost since: a flush has nothing more to say.
      expect(await records('seclog.alert.detection_saturated')).toHaveLength(2);
      const reported = all.reduce(
        (n, r) => n + Number(r.attributes['seclog.alert.evicted_keys']),
        0,
      );
      expect(reported).toBe(detection.getStats().rules.ae2_login_failures_per_user?.evictedKeys);
      await detection.shutdown();
    });

    it('says nothing when the keys dropped had nothing left in their windows', async () => {
      const { emit, records, detection } = setup({ maxKeys: 100 });
      for (let u = 0; u < 1000; u += 1) {
        emit(FAIL, { 'user.id': `quiet${u}` });
        vi.setSystemTime(Date.now() + 301_000);
      }
      expect(detection.getStats().rules.ae2_login_failures_per_user?.expiredKeys).toBeGreaterThan(
        0,
      );
      expect(await records('seclog.alert.detection_saturated')).toHaveLength(0);
    });
  });

  describe('onAlert', () => {
    it('reports the rejection of an async onAlert instead of leaving it unhandled', async () => {
      const { error } = spyOnDiag();
      const unhandled = vi.fn();
      process.on('unhandledRejection', unhandled);
      try {
        const { emit, alerts } = setup({
          onAlert: () => Promise.reject(new Error('pager down')),
        });
        for (let i = 0; i < 10; i += 1) emit(FAIL, { 'user.id': 'alice' });
        expect(await alerts('ae2_login_failures_per_user')).toHaveLength(1);
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).not.toHaveBeenCalled();
        expect(String(error.mock.calls[0]?.[0])).toContain('pager down');
      } finally {
        process.off('unhandledRejection', unhandled);
      }
    });
  });

  describe('pending alerts', () => {
    it('does not hold a key back for an alert dropped at the pending cap, and counts the drop apart', async () => {
      const { emit, alerts, detection } = setup({
        // One synchronous burst of 1100 alerts: more than the 1024 that may be pending at once.
        builtins: { ae2_login_failures_per_user: { threshold: 1, windowMillis: 300_000 } },
        maxAlertsPerWindow: 10_000,
      });
      for (let u = 0; u < 1100; u += 1) emit(FAIL, { 'user.id': `p${u}` });
      expect(await alerts('ae2_login_failures_per_user')).toHaveLength(1024);
      const stats = detection.getStats().rules.ae2_login_failures_per_user;
      expect(stats).toMatchObject({ alerts: 1024, alertsDropped: 76 });

      // The victim whose alert was dropped alerts at its next failure, not five minutes later.
      emit(FAIL, { 'user.id': 'p1099' });
      const fired = await alerts('ae2_login_failures_per_user');
      expect(fired.filter((r) => r.attributes['user.id'] === 'p1099')).toHaveLength(1);
    });
  });
});
