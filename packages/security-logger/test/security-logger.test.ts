// End-to-end tests of SecurityLogger through a real LoggerProvider: every vocabulary event via its
// typed method, correlation, custom events, log injection, and never throwing.
import { context, diag, trace, TraceFlags } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { setGlobalErrorHandler, loggingErrorHandler } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  SECURITY_EVENT_PARAMETERS,
  SECURITY_EVENTS,
  SEVERITY_NUMBER_BY_LEVEL,
  getSecurityEvent,
} from '@seclog/semconv';
import type { SecurityEventParameterName } from '@seclog/semconv';
import {
  INVALID_CUSTOM_EVENT_NAME,
  SecurityLogger,
  escapeForLine,
  escapeJsonLine,
  runWithRequestContext,
} from '@seclog/security-logger';
import type { SecurityLoggerOptions } from '@seclog/security-logger';
import { afterEach, describe, expect, it, vi } from 'vitest';

function setup(options: Partial<SecurityLoggerOptions> = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const security = new SecurityLogger({
    logger: provider.getLogger('@seclog/security'),
    ...options,
  });
  return { exporter, provider, security, records: () => exporter.getFinishedLogRecords() };
}

function sampleValue(name: SecurityEventParameterName): unknown {
  switch (SECURITY_EVENT_PARAMETERS[name].type) {
    case 'int':
      return 7;
    case 'string[]':
      return [`${name}-1`, `${name}-2`];
    default:
      return `${name}-value`;
  }
}

function spanContext(traceId: string, spanId: string): SpanContext {
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

afterEach(() => {
  vi.restoreAllMocks();
  setGlobalErrorHandler(loggingErrorHandler());
  diag.disable();
  context.disable();
});

describe('SecurityLogger', () => {
  describe('constructor', () => {
    it('rejects a missing logger, naming the option', () => {
      expect(() => new SecurityLogger({} as SecurityLoggerOptions)).toThrow(
        /^security-logger: logger must be/,
      );
    });

    it('rejects an invalid component name', () => {
      const { provider } = setup();
      expect(
        () => new SecurityLogger({ logger: provider.getLogger('x'), component: 'bad name\n' }),
      ).toThrow(/^security-logger: component must be/);
    });

    it('accepts the SDK logger of the installed OTel line', () => {
      const { provider } = setup();
      const options: SecurityLoggerOptions = { logger: provider.getLogger('typed') };
      expect(new SecurityLogger(options)).toBeInstanceOf(SecurityLogger);
    });
  });

  describe('typed event methods', () => {
    it('has exactly one method per vocabulary event in each group', () => {
      const { security } = setup();
      const groups = new Set(SECURITY_EVENTS.map((e) => e.group));
      for (const group of groups) {
        const api = security[group] as unknown as Record<string, unknown>;
        const expected = SECURITY_EVENTS.filter((e) => e.group === group).map((e) => e.method);
        expect(Object.keys(api).sort()).toEqual([...expected].sort());
        for (const method of expected) expect(typeof api[method]).toBe('function');
      }
    });

    describe.each(SECURITY_EVENTS.map((e) => [e.token, e] as const))('%s', (token, definition) => {
      it('emits its event name, severity, body, parameters and outcome', () => {
        const { security, records } = setup();
        const fields: Record<string, unknown> = {};
        for (const name of definition.parameters) fields[name] = sampleValue(name);
        const method = (
          security[definition.group] as unknown as Record<string, (f: unknown) => void>
        )[definition.method];
        method?.(fields);

        expect(records()).toHaveLength(1);
        const record = records()[0]!;
        expect(record.eventName).toBe(`seclog.${token}`);
        expect(record.severityNumber).toBe(SEVERITY_NUMBER_BY_LEVEL[definition.level]);
        expect(record.severityText).toBe(definition.level);
        expect(record.body).toBe(definition.description);
        for (const name of definition.parameters) {
          expect(record.attributes[SECURITY_EVENT_PARAMETERS[name].attribute], name).toEqual(
            sampleValue(name),
          );
        }
        expect(record.attributes['seclog.outcome']).toBe(definition.ecs.outcome);
        expect(Object.keys(record.attributes).sort()).toEqual(
          [
            ...definition.parameters.map((n) => SECURITY_EVENT_PARAMETERS[n].attribute),
            'seclog.outcome',
          ].sort(),
        );
        // The ECS/OCSF mapping the exporters need is present in semconv for this event.
        const mapped = getSecurityEvent(record.eventName ?? '');
        expect(mapped?.ecs.category.length).toBeGreaterThan(0);
        expect(mapped?.ocsf.typeUid).toBe(
          definition.ocsf.classUid * 100 + definition.ocsf.activityId,
        );
      });
    });

    it('records the issue example with OTel attribute names', () => {
      const { security, records } = setup();
      security.authn.loginFail({
        userId: 'alice',
        reason: 'bad_password',
        clientAddress: '203.0.113.7',
        userAgent: 'curl/8',
        userRoles: ['admin'],
        sessionId: 'h:abc',
      });
      expect(records()[0]?.attributes).toEqual({
        'user.id': 'alice',
        'seclog.reason': 'bad_password',
        'client.address': '203.0.113.7',
        'user_agent.original': 'curl/8',
        'user.roles': ['admin'],
        'session.id': 'h:abc',
        'seclog.outcome': 'failure',
      });
    });

    it('lets message override the body and outcome override the default', () => {
      const { security, records } = setup();
      security.sys.configChange({
        userId: 'ops',
        setting: 'firewall.rule',
        from: 'deny',
        to: 'allow',
        outcome: 'failure',
        message: 'Saving the firewall rule failed',
      });
      const record = records()[0]!;
      expect(record.body).toBe('Saving the firewall rule failed');
      expect(record.attributes['seclog.outcome']).toBe('failure');
      expect(record.attributes['seclog.config.setting']).toBe('firewall.rule');
    });

    it('puts an error into exception.* and error.type', () => {
      const { security, records } = setup();
      const error = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      security.sys.configChange({ userId: 'ops', setting: 'fw', error });
      const attributes = records()[0]!.attributes;
      expect(attributes['error.type']).toBe('ENOSPC');
      expect(attributes['exception.type']).toBe('ENOSPC');
      expect(attributes['exception.message']).toBe('disk full');
      expect(attributes['exception.stacktrace'] as string).toContain('disk full');
    });

    it('raises a failed upload validation to CRITICAL with outcome failure', () => {
      const { security, records } = setup();
      security.upload.validation({
        fileName: 'a.pdf',
        validator: 'virusscan',
        validationResult: 'FAILED',
      });
      security.upload.validation({
        fileName: 'b.pdf',
        validator: 'virusscan',
        validationResult: 'passed',
      });
      security.upload.validation({ fileName: 'c.pdf', level: 'CRITICAL' });
      security.upload.validation({ fileName: 'd.pdf', validationResult: 'incomplete' });
      security.upload.validation({ fileName: 'e.pdf', validationResult: 'constructor' });
      expect(
        records().map((r) => [r.severityNumber, r.severityText, r.attributes['seclog.outcome']]),
      ).toEqual([
        [18, 'CRITICAL', 'failure'],
        [9, 'INFO', 'success'],
        [18, 'CRITICAL', 'success'],
        [9, 'INFO', 'failure'],
        [9, 'INFO', 'success'],
      ]);
    });

    it('wraps a single string for a string[] parameter and coerces ints', () => {
      const { security, records } = setup();
      security.malicious.cors({ referer: 'https://evil.example/' });
      security.authn.loginFailMax({ limit: 5.9 });
      expect(records()[0]?.attributes['http.request.header.referer']).toEqual([
        'https://evil.example/',
      ]);
      expect(records()[1]?.attributes['seclog.limit']).toBe(5);
    });

    it('adds validated extra attributes, explicit fields winning', () => {
      const warn = vi.fn();
      diag.setLogger({ warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
      const { security, records } = setup();
      security.authz.fail({
        userId: 'alice',
        resource: '/admin',
        attributes: { 'user.id': 'mallory', 'app.tenant': 'acme', 'bad key': 1, nested: { a: 1n } },
      });
      const attributes = records()[0]!.attributes;
      expect(attributes['user.id']).toBe('alice');
      expect(attributes['app.tenant']).toBe('acme');
      expect(attributes.nested).toEqual({ a: '1' });
      expect(attributes['bad key']).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('invalid attribute key'));
    });

    it('warns once per event and field about a field nothing reads, naming it but not its value', () => {
      const warn = vi.fn();
      diag.setLogger({ warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
      const { security, records } = setup();
      // A unique field name per run: the warned pairs are remembered process-wide.
      const field = `passw0rd${Math.random().toString(36).slice(2, 8)}`;
      const secret = ['hunter', '2', '-', 'x'.repeat(8)].join('');
      const fields = { userId: 'alice', [field]: secret } as never;
      security.authn.loginFail(fields);
      security.authn.loginFail(fields);
      security.authz.fail(fields);
      // Not unread: a catalogued parameter of another event, the common fields, level on upload.
      security.authn.loginFail({
        resource: '/x',
        reason: 'r',
        outcome: 'failure',
        message: 'm',
      } as never);
      security.upload.validation({ validationResult: 'FAILED', level: 'INFO' });
      const messages = warn.mock.calls.map((c) => String(c[0]));
      expect(messages).toEqual([
        `security-logger: seclog.authn_login_fail has no field "${field}"; it was dropped (put extra attributes under attributes: { ... })`,
        `security-logger: seclog.authz_fail has no field "${field}"; it was dropped (put extra attributes under attributes: { ... })`,
      ]);
      expect(messages.join('\n')).not.toContain(secret);
      expect(JSON.stringify(records().map((r) => r.attributes))).not.toContain(secret);
    });

    it('shows only the name-like start of an unread field whose name may be data', () => {
      const warn = vi.fn();
      diag.setLogger({ warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
      const { security } = setup();
      const token = ['gh', 'p_', 'x'.repeat(30), Math.random().toString(36).slice(2, 8)].join('');
      security.authn.loginSuccess({ [token]: 1 });
      const message = String(warn.mock.calls[0]?.[0]);
      expect(message).toContain('seclog.authn_login_success has no field "ghp_xxxx');
      expect(message).not.toContain(token);
    });

    it('warns about level on a typed event that does not take one', () => {
      const warn = vi.fn();
      diag.setLogger({ warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
      const { security } = setup();
      security.sys.monitorDisabled({ level: 'CRITICAL' } as never);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining('seclog.sys_monitor_disabled has no field "level"'),
      );
    });

    it('records the component and the caller code location when asked', () => {
      const { security, records } = setup({ component: 'auth', captureCodeLocation: true });
      security.authn.loginSuccess({ userId: 'alice' });
      const attributes = records()[0]!.attributes;
      expect(attributes['seclog.component']).toBe('auth');
      expect(attributes['code.file.path']).toMatch(/security-logger\.test\.ts$/);
      expect(attributes['code.line.number']).toBeGreaterThan(0);
    });

    it('adds no code location by default', () => {
      const { security, records } = setup();
      security.authn.loginSuccess({ userId: 'alice' });
      expect(records()[0]?.attributes['code.file.path']).toBeUndefined();
    });
  });

  describe('event', () => {
    it('emits a custom event under its own name', () => {
      const { security, records } = setup();
      security.event('com.acme.payment_refused', { userId: 'bob', level: 'WARN', limit: 3 });
      const record = records()[0]!;
      expect(record.eventName).toBe('com.acme.payment_refused');
      expect(record.severityNumber).toBe(13);
      expect(record.severityText).toBe('WARN');
      expect(record.body).toBe('com.acme.payment_refused');
      expect(record.attributes).toMatchObject({
        'user.id': 'bob',
        'seclog.limit': 3,
        'seclog.outcome': 'unknown',
      });
    });

    it.each([
      ['breaks the naming rules', 'Payment Refused:bob'],
      ['uses the seclog namespace', 'seclog.custom'],
      ['collides with the vocabulary', 'authn_login_fail'],
      ['is not a string', 42 as unknown as string],
    ])('logs a name that %s under the fallback name and warns', (_why, name) => {
      const warn = vi.fn();
      diag.setLogger({ warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
      const { security, records } = setup();
      security.event(name, { userId: 'bob' });
      expect(records()).toHaveLength(1);
      expect(records()[0]?.eventName).toBe(INVALID_CUSTOM_EVENT_NAME);
      expect(records()[0]?.attributes['seclog.event.rejected_name']).toBe(
        escapeForLine(String(name)),
      );
      expect(warn).toHaveBeenCalledTimes(1);
    });

    // Warnings go to stderr, which redaction never sees: a rejected name shows only its name-like
    // start and its length.
    it('keeps what follows the name-like start of a rejected name out of the warning', () => {
      const warn = vi.fn();
      diag.setLogger({ warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() });
      const { security } = setup();
      const secret = ['s3', 'cr', 'et', 'Val', 'ue9'].join('') + Date.now().toString(36);
      security.event(`Com.Acme.Token ${secret}`, { userId: 'bob' });
      security.authn.loginFail({
        userId: 'bob',
        attributes: { [`bad key password=${secret}`]: 1 },
      });
      const said = warn.mock.calls.map((c) => String(c[0])).join('\n');
      expect(said).toContain('"Com.Acme.Token"... (');
      expect(said).toContain('"bad"... (');
      expect(said).not.toContain(secret);
    });
  });

  describe('correlation', () => {
    const REQUEST_TRACE = '0af7651916cd43dd8448eb211c80319c';
    const REQUEST_SPAN = 'b7ad6b7169203331';

    it('carries the request id, request attributes and the request trace', () => {
      const { security, records } = setup();
      runWithRequestContext(
        {
          requestId: 'req-1',
          spanContext: spanContext(REQUEST_TRACE, REQUEST_SPAN),
          attributes: {
            'http.request.method': 'POST',
            'url.path': '/login',
            'client.address': '10.0.0.1',
          },
        },
        () => security.authn.loginFail({ userId: 'alice', clientAddress: '203.0.113.9' }),
      );
      const record = records()[0]!;
      expect(record.attributes['seclog.request.id']).toBe('req-1');
      expect(record.attributes['http.request.method']).toBe('POST');
      expect(record.attributes['url.path']).toBe('/login');
      expect(record.attributes['client.address']).toBe('203.0.113.9');
      expect(record.spanContext?.traceId).toBe(REQUEST_TRACE);
      expect(record.spanContext?.spanId).toBe(REQUEST_SPAN);
    });

    it('holds across await inside the request', async () => {
      const { security, records } = setup();
      await runWithRequestContext(
        { requestId: 'req-2', spanContext: spanContext(REQUEST_TRACE, REQUEST_SPAN) },
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          security.session.created({ userId: 'alice' });
        },
      );
      expect(records()[0]?.attributes['seclog.request.id']).toBe('req-2');
      expect(records()[0]?.spanContext?.traceId).toBe(REQUEST_TRACE);
    });

    it('lets a valid active span win over the request trace', () => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const { security, records } = setup();
      const active = spanContext('11111111111111111111111111111111', '2222222222222222');
      context.with(trace.setSpanContext(context.active(), active), () =>
        runWithRequestContext(
          { requestId: 'req-3', spanContext: spanContext(REQUEST_TRACE, REQUEST_SPAN) },
          () => security.authz.fail({ userId: 'alice' }),
        ),
      );
      expect(records()[0]?.spanContext?.traceId).toBe(active.traceId);
      expect(records()[0]?.attributes['seclog.request.id']).toBe('req-3');
    });

    it('adds no request attributes outside a request', () => {
      const { security, records } = setup();
      security.authn.loginSuccess({ userId: 'alice' });
      expect(records()[0]?.attributes['seclog.request.id']).toBeUndefined();
      expect(records()[0]?.spanContext).toBeUndefined();
    });
  });

  describe('log injection', () => {
    // Every line terminator any common reader splits on (Python's splitlines included).
    // eslint-disable-next-line no-control-regex -- asserting their absence
    const ANY_LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;
    const forged = 'alice\n{"event":"forged"}';
    const ansi = 'alice\u001b[2K\u001b[1G\u001b[31mroot logged in\u001b[0m\r\u2028\u0085';

    it.each([
      ['a newline and a forged JSON record', forged],
      ['ANSI escapes and every line terminator', ansi],
    ])('keeps a user id with %s in one record and one line', (_what, userId) => {
      const { security, records } = setup();
      security.authn.loginFail({ userId, message: `login of ${userId}` });
      expect(records()).toHaveLength(1);
      const record = records()[0]!;
      expect(record.attributes['user.id']).toBe(userId);
      const json = escapeJsonLine(
        JSON.stringify({ body: record.body, attributes: record.attributes }),
      );
      expect(json.split(ANY_LINE_BREAK)).toHaveLength(1);
      expect(JSON.parse(json).attributes['user.id']).toBe(userId);
      const line = `${escapeForLine(record.body as string)} user.id=${escapeForLine(record.attributes['user.id'] as string)}`;
      expect(line.split(ANY_LINE_BREAK)).toHaveLength(1);
      expect(line).not.toContain('\u001b');
    });
  });

  describe('failure handling', () => {
    it('never throws when the logger throws, and reports to the global error handler', () => {
      const handler = vi.fn();
      setGlobalErrorHandler(handler);
      const security = new SecurityLogger({
        logger: {
          emit() {
            throw new Error('exporter down');
          },
        },
      });
      expect(() => security.authn.loginFail({ userId: 'alice' })).not.toThrow();
      expect(() => security.event('com.acme.x')).not.toThrow();
      expect(handler).toHaveBeenCalledTimes(2);
      expect(handler.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    });

    it('emits hostile field values converted, without throwing', () => {
      const { security, records } = setup();
      const hostile = new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap');
          },
        },
      );
      const cyclic: Record<string, unknown> = { name: 'c' };
      cyclic.self = cyclic;
      security.authz.fail({
        userId: hostile as unknown as string,
        resource: cyclic as unknown as string,
        attributes: { big: 10n ** 30n, fn: () => 1, cyclic },
        error: hostile,
      });
      const attributes = records()[0]!.attributes;
      expect(attributes['user.id']).toBe('[unserializable]');
      expect(attributes['seclog.resource']).toBe('{"name":"c","self":"[Circular]"}');
      expect(attributes.big).toBe('1000000000000000000000000000000');
      expect(attributes.fn).toBe('[Function fn]');
      expect(attributes['error.type']).toBe('_OTHER');
    });

    it('keeps the readable fields of an object whose getters throw', () => {
      const { security, records } = setup();
      const fields = {
        userId: 'alice',
        get resource(): string {
          throw new Error('getter');
        },
      };
      security.authz.fail(fields);
      expect(records()[0]?.attributes['user.id']).toBe('alice');
      expect(records()[0]?.attributes['seclog.resource']).toBe('[unserializable]');
    });

    it('still emits the event when the fields object is a throwing Proxy', () => {
      const handler = vi.fn();
      setGlobalErrorHandler(handler);
      const { security, records } = setup();
      const trap = () => {
        throw new Error('trap');
      };
      security.authn.loginFail(new Proxy({}, { ownKeys: trap, get: trap }));
      expect(records()).toHaveLength(1);
      expect(records()[0]?.eventName).toBe('seclog.authn_login_fail');
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it('skips building a record the logger says it would drop', () => {
      const emit = vi.fn();
      const security = new SecurityLogger({ logger: { emit, enabled: () => false } });
      security.authn.loginFail({ userId: 'alice' });
      expect(emit).not.toHaveBeenCalled();
    });
  });
});

describe('SecurityLogger prototype safety', () => {
  it('drops a __proto__ attribute or field instead of letting it replace the prototype of the record attributes', () => {
    const { security, exporter } = setup();
    const hostile = JSON.parse(
      '{"__proto__": {"error.type": "smuggled", "user.id": "mallory"}}',
    ) as Record<string, unknown>;
    security.authn.loginFail({
      ...(JSON.parse('{"__proto__": {"userId": "mallory"}}') as object),
      userId: 'alice',
      error: new Error('boom'),
      attributes: hostile,
    });
    const [record] = exporter.getFinishedLogRecords();
    expect(Object.getPrototypeOf(record!.attributes)).toBe(Object.prototype);
    expect(Object.hasOwn(record!.attributes, '__proto__')).toBe(false);
    expect(record!.attributes['user.id']).toBe('alice');
    expect(record!.attributes['error.type']).toBe('Error');
  });
});

describe('runWithRequestContext', () => {
  it('runs the function without a request instead of throwing when given no context object', () => {
    const warn = vi.spyOn(diag, 'warn');
    expect(runWithRequestContext(null as never, () => 'ran')).toBe('ran');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('runWithRequestContext'));
    warn.mockRestore();
  });
});
