// What an attacker controls (addresses, user names, key counts, alert volume) and what a careless
// handler does must not blind detection or crash the process: each test replays an intruder finding
// through a real LoggerProvider.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
  return { detection, provider, exporter, emit, alerts, records };
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
