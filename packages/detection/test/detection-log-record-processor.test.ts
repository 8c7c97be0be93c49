// DetectionLogRecordProcessor through a real LoggerProvider: every built-in rule fires once at its
// threshold and not below, windows slide (fake clock), alerts follow their evidence, memory is capped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diag, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BUILTIN_DETECTION_RULES, DetectionLogRecordProcessor } from '@seclog/detection';
import type {
  DetectionOptions,
  DetectionRule,
  DetectionMatch,
  EventCountRule,
} from '@seclog/detection';

interface Emitted {
  eventName?: string;
  attributes?: Record<string, unknown>;
  traceId?: string;
}

function setup(options: DetectionOptions = {}, withExporter = true) {
  const exporter = new InMemoryLogRecordExporter();
  const detection: DetectionLogRecordProcessor = new DetectionLogRecordProcessor({
    ...options,
    logger: () => provider.getLogger('@seclog/detection'),
  });
  const provider: LoggerProvider = new LoggerProvider({
    processors: withExporter
      ? [detection, new SimpleLogRecordProcessor({ exporter })]
      : [detection],
  });
  const logger = provider.getLogger('app');
  const emit = (record: Emitted): void => {
    const context =
      record.traceId === undefined
        ? ROOT_CONTEXT
        : trace.setSpanContext(ROOT_CONTEXT, {
            traceId: record.traceId,
            spanId: '1'.repeat(16),
            traceFlags: TraceFlags.SAMPLED,
          });
    logger.emit({ eventName: record.eventName, attributes: record.attributes, context } as never);
  };
  const alerts = async (rule?: string): Promise<ReadableLogRecord[]> => {
    await detection.forceFlush();
    return exporter
      .getFinishedLogRecords()
      .filter(
        (r) =>
          r.eventName === 'seclog.alert' &&
          (rule === undefined || r.attributes['seclog.alert.rule'] === rule),
      );
  };
  return { detection, provider, exporter, emit, alerts };
}

/** The n-th key value of `rule`: one its `where` allows when it groups by a constrained attribute. */
function keyOf(rule: DetectionRule, n: number): string {
  const match = rule.kind === 'sequence' ? rule.first : rule.match;
  const allowed = match.where?.[rule.groupBy[0]!];
  return Array.isArray(allowed) ? String(allowed[n]) : `k${n}`;
}

/** A record that `match` matches, for the key `key` of `rule`. */
function recordFor(
  rule: DetectionRule,
  match: DetectionMatch,
  key: string,
  value?: string,
): Emitted {
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(match.where ?? {}))
    attributes[k] = Array.isArray(v) ? v[0] : v;
  for (const k of rule.groupBy) attributes[k] = key;
  if (rule.kind === 'value_count') attributes[rule.field] = value ?? 'v';
  return { ...(match.events && { eventName: match.events[0] }), attributes };
}

/** Feeds `n` contributing records (a sequence rule's `first` records, distinct values for a value count). */
function feed(
  emit: (r: Emitted) => void,
  rule: DetectionRule,
  key: string,
  n: number,
  from = 0,
): void {
  for (let i = from; i < from + n; i += 1) {
    const match = rule.kind === 'sequence' ? rule.first : rule.match;
    emit(recordFor(rule, match, key, `value-${i}`));
  }
}

/** What completes the pattern after the contributing records: the `then` record of a sequence. */
function close(emit: (r: Emitted) => void, rule: DetectionRule, key: string): void {
  if (rule.kind === 'sequence') emit(recordFor(rule, rule.then, key));
}

/** A valid custom rule, to break one field of. */
function custom(): DetectionRule {
  return {
    id: 'resets_per_address',
    kind: 'event_count',
    description: 'password resets from one address',
    match: { events: ['com.acme.password_reset'] },
    groupBy: ['client.address'],
    threshold: 3,
    windowMillis: 60_000,
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-07T10:00:00Z') });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('DetectionLogRecordProcessor', () => {
  describe('built-in rules', () => {
    it.each(BUILTIN_DETECTION_RULES.map((r) => [r.id, r] as const))(
      '%s fires once at its threshold and not below',
      async (id, rule) => {
        const { emit, alerts } = setup();
        const [below, at] = [keyOf(rule, 0), keyOf(rule, 1)];
        feed(emit, rule, below, rule.threshold - 1);
        close(emit, rule, below);
        expect(await alerts(id)).toHaveLength(0);

        feed(emit, rule, at, rule.threshold);
        close(emit, rule, at);
        const fired = await alerts(id);
        expect(fired).toHaveLength(1);
        expect(fired[0]?.attributes['seclog.alert.count']).toBe(rule.threshold);
        for (const k of rule.groupBy) expect(fired[0]?.attributes[k]).toBe(at);

        // Within the window the key does not alert again, however often the threshold is reached.
        feed(emit, rule, at, rule.threshold * 2, rule.threshold);
        close(emit, rule, at);
        expect(await alerts(id)).toHaveLength(1);
      },
    );

    it.each(BUILTIN_DETECTION_RULES.filter((r) => r.threshold > 1).map((r) => [r.id, r] as const))(
      '%s forgets records older than its window',
      async (id, rule) => {
        const { emit, alerts } = setup();
        feed(emit, rule, 'k', rule.threshold - 1);
        vi.advanceTimersByTime(rule.windowMillis);
        feed(emit, rule, 'k', 1, rule.threshold);
        close(emit, rule, 'k');
        expect(await alerts(id)).toHaveLength(0);
      },
    );

    it('alerts again for a key once the window of its last alert has passed', async () => {
      const { emit, alerts } = setup();
      const rule = BUILTIN_DETECTION_RULES.find((r) => r.id === 'ae2_login_failures_per_user')!;
      feed(emit, rule, 'alice', 10);
      vi.advanceTimersByTime(rule.windowMillis);
      feed(emit, rule, 'alice', 10);
      expect(await alerts(rule.id)).toHaveLength(2);
    });

    it('counts login failures of one user from many addresses under AE2 and each address under AE3', async () => {
      const { emit, alerts } = setup();
      for (let i = 0; i < 50; i += 1) {
        emit({
          eventName: 'seclog.authn_login_fail',
          attributes: { 'user.id': `user-${i % 25}`, 'client.address': '203.0.113.9' },
        });
      }
      expect(await alerts('ae3_login_failures_per_address')).toHaveLength(1);
      expect(await alerts('ae1_users_per_address')).toHaveLength(1);
      expect(await alerts('ae2_login_failures_per_user')).toHaveLength(0);
    });
  });

  describe('rule kinds', () => {
    it('ends a run of failures at a success, so failures on either side do not add up', async () => {
      const { emit, alerts } = setup();
      const fail = () =>
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': 'alice' } });
      const succeed = () =>
        emit({ eventName: 'seclog.authn_login_success', attributes: { 'user.id': 'alice' } });
      for (let i = 0; i < 4; i += 1) fail();
      succeed();
      for (let i = 0; i < 4; i += 1) fail();
      succeed();
      expect(await alerts('ae2_login_success_after_failures')).toHaveLength(0);
    });

    it('dates a distinct value by its latest record, so a value seen again stays in the window', async () => {
      const { emit, alerts } = setup();
      const from = (address: string): Emitted => ({
        attributes: { 'session.id': 's1', 'client.address': address },
      });
      emit(from('198.51.100.1'));
      vi.advanceTimersByTime(50 * 60_000);
      emit(from('198.51.100.1'));
      vi.advanceTimersByTime(20 * 60_000);
      // 70 minutes after its first record, 20 after its latest: the first address still counts.
      emit(from('198.51.100.2'));
      const fired = await alerts('se5_session_address_change');
      expect(fired).toHaveLength(1);
      expect(fired[0]?.attributes['seclog.alert.count']).toBe(2);
    });

    it('counts long distinct values apart even when they share a long prefix', async () => {
      const { emit, alerts } = setup();
      const prefix = 'u'.repeat(200);
      for (let i = 0; i < 20; i += 1) {
        emit({
          eventName: 'seclog.authn_login_fail',
          attributes: { 'user.id': `${prefix}${i}`, 'client.address': '198.51.100.7' },
        });
      }
      const [alert] = await alerts('ae1_users_per_address');
      expect(alert?.attributes['seclog.alert.count']).toBe(20);
    });

    it('skips records whose group-by attribute is missing or not a scalar', () => {
      const { emit, detection } = setup();
      for (let i = 0; i < 20; i += 1) {
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': ['a', 'b'] } });
        emit({ eventName: 'seclog.authn_login_fail', attributes: {} });
      }
      expect(detection.getStats().rules.ae2_login_failures_per_user?.trackedKeys).toBe(0);
    });
  });

  describe('alert record', () => {
    it('is a CRITICAL seclog.alert with the rule, the key, the count, the window and the first and last trace ids', async () => {
      const { emit, alerts } = setup();
      for (let i = 1; i <= 10; i += 1) {
        emit({
          eventName: 'seclog.authn_login_fail',
          attributes: { 'user.id': 'alice', 'seclog.request.id': `req-${i}` },
          traceId: i.toString(16).padStart(32, '0'),
        });
      }
      const [alert] = await alerts();
      expect(alert?.eventName).toBe('seclog.alert');
      expect(alert?.severityNumber).toBeGreaterThanOrEqual(18);
      expect(alert?.severityText).toBe('CRITICAL');
      expect(alert?.instrumentationScope.name).toBe('@seclog/detection');
      expect(alert?.attributes).toEqual({
        'seclog.alert.rule': 'ae2_login_failures_per_user',
        'user.id': 'alice',
        'seclog.alert.count': 10,
        'seclog.alert.window_ms': 300_000,
        'seclog.alert.first_trace_id': '1'.padStart(32, '0'),
        'seclog.alert.last_trace_id': 'a'.padStart(32, '0'),
        'seclog.alert.first_request_id': 'req-1',
        'seclog.alert.last_request_id': 'req-10',
        'seclog.outcome': 'unknown',
      });
      expect(JSON.stringify(alert?.body)).not.toContain('alice');
    });

    it('follows the record that made the rule fire, after it has passed every processor', async () => {
      const { emit, exporter, detection } = setup();
      for (let i = 0; i < 10; i += 1)
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': 'alice' } });
      expect(exporter.getFinishedLogRecords()).toHaveLength(10);
      await detection.forceFlush();
      const names = exporter.getFinishedLogRecords().map((r) => r.eventName);
      expect(names).toEqual([...Array(10).fill('seclog.authn_login_fail'), 'seclog.alert']);
    });

    it('is emitted in a microtask without forceFlush', async () => {
      const { emit, exporter } = setup();
      for (let i = 0; i < 10; i += 1)
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': 'alice' } });
      await Promise.resolve();
      expect(exporter.getFinishedLogRecords().at(-1)?.eventName).toBe('seclog.alert');
    });

    it('never feeds detection again, even for a rule that matches every record', async () => {
      const { emit, alerts, detection } = setup({
        rules: [
          {
            id: 'every_record',
            kind: 'event_count',
            description: 'fires on any record carrying seclog.alert.rule',
            match: {},
            groupBy: ['seclog.alert.rule'],
            threshold: 1,
            windowMillis: 1000,
          },
        ],
      });
      for (let i = 0; i < 10; i += 1)
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': 'alice' } });
      expect(await alerts()).toHaveLength(1);
      expect(detection.getStats().rules.every_record?.trackedKeys).toBe(0);
    });

    it('is counted as dropped when the provider has shut down', async () => {
      const { emit, provider, detection } = setup();
      for (let i = 0; i < 10; i += 1)
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': 'alice' } });
      const warn = vi.spyOn(diag, 'warn');
      // The SDK marks itself shut down before it shuts the processors down.
      await provider.shutdown();
      expect(detection.getStats()).toMatchObject({ alerts: 0, alertsDropped: 1 });
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('@seclog/detection: alert dropped'),
      );
      warn.mockRestore();
    });
  });

  describe('onAlert', () => {
    it('hands each alert, with its key as logged, to the application, once per alert', async () => {
      const seen: unknown[] = [];
      const { emit, alerts } = setup({ rules: [custom()], onAlert: (a) => void seen.push(a) });
      for (let i = 0; i < 3; i++)
        emit({
          eventName: 'com.acme.password_reset',
          attributes: { 'client.address': '192.0.2.7' },
        });
      expect(await alerts('resets_per_address')).toHaveLength(1);
      expect(seen).toEqual([
        {
          rule: 'resets_per_address',
          key: { 'client.address': '192.0.2.7' },
          attributes: expect.objectContaining({ 'seclog.alert.rule': 'resets_per_address' }),
        },
      ]);
    });

    it('reports a throwing onAlert and still emits the alert', async () => {
      const error = vi.fn();
      diag.setLogger({ error, warn: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
      const { emit, alerts } = setup({
        rules: [custom()],
        onAlert: () => {
          throw new Error('pager down');
        },
      });
      for (let i = 0; i < 3; i++)
        emit({
          eventName: 'com.acme.password_reset',
          attributes: { 'client.address': '192.0.2.8' },
        });
      expect(await alerts('resets_per_address')).toHaveLength(1);
      expect(String(error.mock.calls[0]?.[0])).toContain('pager down');
      diag.disable();
    });
  });

  describe('memory', () => {
    it('keeps 1,000,000 distinct attacker-chosen user names at the key cap, counting the evictions', () => {
      const { emit, detection } = setup({}, false);
      for (let i = 0; i < 1_000_000; i += 1) {
        emit({
          eventName: 'seclog.authn_login_fail',
          attributes: { 'user.id': `attacker-${i}-${'x'.repeat(i % 300)}` },
        });
      }
      for (const stats of Object.values(detection.getStats().rules)) {
        expect(stats.trackedKeys).toBeLessThanOrEqual(10_000);
        if (stats.trackedKeys === 0) continue;
        // Every name is tracked or counted as it left, and at least the newest half is still there.
        expect(stats.trackedKeys).toBeGreaterThanOrEqual(5_000);
        expect(stats.evictedKeys + stats.expiredKeys + stats.trackedKeys).toBe(1_000_000);
        expect(stats.alerts).toBe(0);
      }
      const rules = detection.getStats().rules;
      expect(rules.ae2_login_failures_per_user?.trackedKeys).toBeGreaterThan(0);
      // The two login rules on user.id share one table of at most 10,000 keys, not one each.
      expect(rules.ae2_login_success_after_failures?.trackedKeys).toBe(
        rules.ae2_login_failures_per_user?.trackedKeys,
      );
      // A million emits on a shared 2-core machine: room to finish, not a speed assertion.
    }, 180_000);

    it('drops the older generation of keys when the younger is full, telling expired keys from live ones', () => {
      const { emit, detection } = setup({ maxKeys: 4 });
      emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': 'old' } });
      vi.advanceTimersByTime(300_000);
      for (const user of ['a', 'b', 'c', 'd'])
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': user } });
      // Two generations of 2: the older one (old, a) went when the younger one filled up again.
      expect(detection.getStats().rules.ae2_login_failures_per_user).toMatchObject({
        trackedKeys: 3,
        expiredKeys: 1,
        evictedKeys: 1,
      });
    });

    it('drops a key for every rule that groups by its attribute, each rule counting its loss', () => {
      const { emit, detection } = setup({ maxKeys: 4 });
      emit({ eventName: 'seclog.authz_fail', attributes: { 'user.id': 'alice' } });
      // New user names through another event push alice out of the user.id table.
      for (const user of ['a', 'b', 'c', 'd'])
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': user } });
      const rules = detection.getStats().rules;
      expect(rules.ace_authz_failures_per_user).toMatchObject({ trackedKeys: 0, evictedKeys: 1 });
      expect(rules.ae2_login_failures_per_user).toMatchObject({ trackedKeys: 3, evictedKeys: 1 });
    });
  });

  describe('constructor', () => {
    it.each([
      [{ maxKeys: 0 }, '@seclog/detection: maxKeys must be an integer from 1'],
      [
        { builtins: { ae9_nope: false } },
        '@seclog/detection: builtins.ae9_nope is not a built-in rule',
      ],
      [
        { builtins: { ae2_login_failures_per_user: { threshold: -1 } } },
        '@seclog/detection: builtins.ae2_login_failures_per_user.threshold must be an integer',
      ],
      [{ rules: [{ id: 'Bad Id' }] }, '@seclog/detection: rules[0].id must match'],
      [
        {
          rules: [
            {
              id: 'loop',
              kind: 'event_count',
              description: 'd',
              match: { events: ['seclog.alert'] },
              groupBy: ['user.id'],
              threshold: 1,
              windowMillis: 1000,
            },
          ],
        },
        '@seclog/detection: rules[0].match.events[0] must not name a seclog.alert event',
      ],
      [{ colour: 'red' }, '@seclog/detection: colour is not an option'],
      [
        { rules: [{ ...custom(), match: { events: ['authn_login_fail'] } }] },
        '@seclog/detection: rules[0].match.events[0] must be an event name as records carry it (seclog.authn_login_fail',
      ],
      [
        { rules: [{ ...custom(), groupBy: ['userId'] }] },
        '@seclog/detection: rules[0].groupBy[0] must be an attribute key: records carry userId as user.id',
      ],
      [{ onAlert: 'page me' }, '@seclog/detection: onAlert must be a function'],
      [
        { maxAlertsPerWindow: 0 },
        '@seclog/detection: maxAlertsPerWindow must be an integer from 1',
      ],
      // A typo in a seclog name would never match: refused, where the application's names pass.
      [
        {
          rules: [
            { ...custom(), id: 'a' },
            { ...custom(), id: 'b' },
            {
              ...custom(),
              id: 'typo',
              match: { events: ['com.acme.password_reset', 'seclog.authn_login_fial'] },
            },
          ],
        },
        '@seclog/detection: rules[2].match.events[1] is not an event seclog emits ("seclog.authn_login_fial"; a typo?)',
      ],
      [
        { rules: [{ ...custom(), groupBy: ['seclog.request_id'] }] },
        '@seclog/detection: rules[0].groupBy[0] is not an attribute seclog emits',
      ],
      [
        { rules: [{ ...custom(), groupBy: ['client.address', 'client.address'] }] },
        '@seclog/detection: rules[0].groupBy[1] repeats client.address',
      ],
      [
        { rules: [{ ...custom(), groupBy: 'client.address' }] },
        '@seclog/detection: rules[0].groupBy must be an array of 1 to 4 attribute keys',
      ],
      [
        { rules: [{ ...custom(), match: { where: 'status=404' } }] },
        '@seclog/detection: rules[0].match.where must be an object of attribute values',
      ],
      [
        {
          rules: [{ ...custom(), match: { where: { 'http.response.status_code': { eq: 404 } } } }],
        },
        '@seclog/detection: rules[0].match.where.http.response.status_code must be a string, finite number or boolean',
      ],
      [
        { rules: [{ ...custom(), match: { where: { 'http.response.status_code': [] } } }] },
        '@seclog/detection: rules[0].match.where.http.response.status_code must be a string',
      ],
      [
        { rules: [{ ...custom(), match: { where: { 'seclog.outcom': 'failure' } } }] },
        '@seclog/detection: rules[0].match.where.seclog.outcom is not an attribute seclog emits',
      ],
      [
        { rules: [{ ...custom(), match: { events: 'seclog.authn_login_fail' } }] },
        '@seclog/detection: rules[0].match.events must be a non-empty array of event names',
      ],
      [
        { rules: [{ ...custom(), match: { events: ['seclog.authn_login_fail', 7] } }] },
        '@seclog/detection: rules[0].match.events[1] must be a non-empty string',
      ],
      [
        { rules: [{ ...custom(), threshold: 0 }] },
        '@seclog/detection: rules[0].threshold must be an integer from 1',
      ],
      [
        { rules: [{ ...custom(), threshold: 2.5 }] },
        '@seclog/detection: rules[0].threshold must be an integer from 1',
      ],
      [
        { rules: [{ ...custom(), windowMillis: -60_000 }] },
        '@seclog/detection: rules[0].windowMillis must be an integer from 1000',
      ],
      [
        { rules: [{ ...custom(), windowMillis: 0 }] },
        '@seclog/detection: rules[0].windowMillis must be an integer from 1000',
      ],
      [
        { builtins: { ae2_login_failures_per_user: { windowMillis: 0 } } },
        '@seclog/detection: builtins.ae2_login_failures_per_user.windowMillis must be an integer from 1000',
      ],
      [
        {
          rules: [
            {
              ...custom(),
              kind: 'value_count',
              field: 'client.address',
            },
          ],
        },
        '@seclog/detection: rules[0].field must not be in groupBy',
      ],
      [
        {
          rules: [
            {
              id: 'seq',
              kind: 'sequence',
              description: 'd',
              first: { events: ['seclog.authn_login_fail'] },
              then: { events: ['seclog.authn_login_sucess'] },
              groupBy: ['user.id'],
              threshold: 3,
              windowMillis: 60_000,
            },
          ],
        },
        '@seclog/detection: rules[0].then.events[0] is not an event seclog emits',
      ],
    ])('fails on %j naming the package and the option', (options, message) => {
      expect(() => setup(options as DetectionOptions)).toThrow(message);
    });

    it("takes the application's own event names and attributes, and every seclog event name", () => {
      const rule = (id: string, events: string[], groupBy: string[]): DetectionRule => ({
        ...(custom() as EventCountRule),
        id,
        match: { events, where: { 'com.acme.tenant': 'blue' } },
        groupBy,
      });
      expect(() =>
        setup({
          rules: [
            rule('app', ['com.acme.password_reset', 'password_reset.v2'], ['com.acme.account']),
            rule(
              'own',
              ['seclog.log.integrity_violation', 'seclog.chain.anchor'],
              ['seclog.reason'],
            ),
            rule('vocabulary', ['seclog.sys_config_change'], ['seclog.target_user.id']),
          ],
        }),
      ).not.toThrow();
    });

    it('turns a built-in rule off and tunes another', async () => {
      const { emit, alerts, detection } = setup({
        builtins: {
          ae3_login_failures_per_address: false,
          ae2_login_failures_per_user: { threshold: 3, windowMillis: 60_000 },
        },
      });
      expect(Object.keys(detection.getStats().rules)).not.toContain(
        'ae3_login_failures_per_address',
      );
      for (let i = 0; i < 3; i += 1)
        emit({ eventName: 'seclog.authn_login_fail', attributes: { 'user.id': 'alice' } });
      const [alert] = await alerts();
      expect(alert?.attributes).toMatchObject({
        'seclog.alert.count': 3,
        'seclog.alert.window_ms': 60_000,
      });
    });
  });
});
