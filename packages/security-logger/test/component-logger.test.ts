// Tests ComponentLogger through a real LoggerProvider: levels, errors with stacks, correlation,
// code location, and never throwing.
import { Worker } from 'node:worker_threads';
import { TraceFlags } from '@opentelemetry/api';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  COMPONENT_LOG_LEVELS,
  ComponentLogger,
  createComponentLogger,
  runWithRequestContext,
} from '@seclog/security-logger';
import type { ComponentLoggerOptions } from '@seclog/security-logger';
import { afterEach, describe, expect, it, vi } from 'vitest';

function setup(options: Partial<ComponentLoggerOptions> = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = createComponentLogger({
    logger: provider.getLogger('billing'),
    component: 'billing',
    ...options,
  });
  return { logger, records: () => exporter.getFinishedLogRecords() };
}

afterEach(() => {
  vi.restoreAllMocks();
  setGlobalErrorHandler(loggingErrorHandler());
});

describe('ComponentLogger', () => {
  describe('constructor', () => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['with a space', 'a b'],
      ['with a newline', 'a\nb'],
      ['too long', 'a'.repeat(129)],
    ])('rejects a component name that is %s', (_why, component) => {
      const { logger } = setup();
      void logger;
      expect(
        () =>
          new ComponentLogger({
            logger: { emit: () => undefined },
            component: component as string,
          }),
      ).toThrow(/^security-logger: component must be/);
    });

    it('accepts scoped and dotted names', () => {
      for (const component of ['@acme/auth', 'auth-api.db', 'worker_1', 'svc:jobs/nightly']) {
        expect(
          new ComponentLogger({ logger: { emit: () => undefined }, component }).component,
        ).toBe(component);
      }
    });
  });

  describe('levels', () => {
    it.each(Object.entries(COMPONENT_LOG_LEVELS))(
      'emits %s with its severity number and text',
      (level, { severityNumber, severityText }) => {
        const { logger, records } = setup();
        const name = level as keyof typeof COMPONENT_LOG_LEVELS;
        logger[name](`a ${level} message`);
        const record = records()[0]!;
        expect(record.severityNumber).toBe(severityNumber);
        expect(record.severityText).toBe(severityText);
        expect(record.body).toBe(`a ${level} message`);
        expect(record.eventName).toBeUndefined();
        expect(record.attributes['seclog.component']).toBe('billing');
      },
    );

    it('uses debug 5, info 9, warn 13, error 17, critical 18', () => {
      expect(Object.values(COMPONENT_LOG_LEVELS).map((l) => l.severityNumber)).toEqual([
        5, 9, 13, 17, 18,
      ]);
    });
  });

  describe('error', () => {
    it('records the error with its stack through the exception field', () => {
      const { logger, records } = setup();
      const error = new TypeError('bad invoice');
      logger.error('invoice failed', error, { 'invoice.id': 42 });
      const attributes = records()[0]!.attributes;
      expect(attributes['exception.type']).toBe('TypeError');
      expect(attributes['exception.message']).toBe('bad invoice');
      expect(attributes['exception.stacktrace']).toBe(error.stack);
      expect(attributes['error.type']).toBe('TypeError');
      expect(attributes['invoice.id']).toBe(42);
    });

    it('records a thrown non-Error value as the exception message', () => {
      const { logger, records } = setup();
      logger.critical('worker died', { reason: 'oom' });
      const attributes = records()[0]!.attributes;
      expect(attributes['exception.message']).toBe('{"reason":"oom"}');
      expect(attributes['error.type']).toBe('_OTHER');
    });
  });

  describe('correlation', () => {
    it('carries the request id and trace of the current request', () => {
      const { logger, records } = setup();
      const spanContext = {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      };
      runWithRequestContext(
        { requestId: 'r-9', spanContext, attributes: { 'url.path': '/pay' } },
        () => logger.info('charging'),
      );
      const record = records()[0]!;
      expect(record.attributes['seclog.request.id']).toBe('r-9');
      expect(record.attributes['url.path']).toBe('/pay');
      expect(record.spanContext?.traceId).toBe(spanContext.traceId);
    });
  });

  describe('code location', () => {
    it('records the calling function, file and line when captureCodeLocation is on', () => {
      const { logger, records } = setup({ captureCodeLocation: true });
      function chargeCard(): void {
        logger.warn('card declined');
      }
      chargeCard();
      const attributes = records()[0]!.attributes;
      expect(attributes['code.function.name']).toBe('chargeCard');
      expect(attributes['code.file.path']).toMatch(/component-logger\.test\.ts$/);
      expect(typeof attributes['code.line.number']).toBe('number');
    });

    it('records no code location by default', () => {
      const { logger, records } = setup();
      logger.warn('card declined');
      expect(records()[0]?.attributes['code.function.name']).toBeUndefined();
    });
  });

  describe('thread.id', () => {
    it('is absent on the main thread', () => {
      const { logger, records } = setup();
      logger.info('main');
      expect(records()[0]?.attributes['thread.id']).toBeUndefined();
    });

    it('is the worker thread id inside a worker', async () => {
      const entry = new URL('../dist/index.js', import.meta.url).href;
      const worker = new Worker(new URL('./fixtures/thread-id-worker.mjs', import.meta.url), {
        workerData: { entry },
      });
      const attributes = await new Promise<Record<string, unknown>>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(attributes['thread.id']).toBe(worker.threadId);
      expect(attributes['seclog.component']).toBe('worker');
      await worker.terminate();
    });
  });

  describe('failure handling', () => {
    it('never throws when the logger throws, reporting to the global error handler', () => {
      const handler = vi.fn();
      setGlobalErrorHandler(handler);
      const logger = new ComponentLogger({
        component: 'x',
        logger: {
          emit() {
            throw new Error('down');
          },
        },
      });
      expect(() => logger.error('boom', new Error('inner'))).not.toThrow();
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it('converts a non-string message instead of throwing', () => {
      const { logger, records } = setup();
      logger.info({ toString: () => 'x', n: 1n } as unknown as string);
      expect(records()[0]?.body).toBe('{"toString":"[Function toString]","n":"1"}');
    });
  });
});
