// Type-level tests: the typed methods are derived from the semconv data, so each method accepts
// exactly its event's parameters (plus the common fields) with the catalogue's types.
import type { KnownSecurityEvent } from '@seclog/semconv';
import { SecurityLogger } from '@seclog/security-logger';
import type {
  LoggerLike,
  SecurityEventFields,
  SecurityLoggerOptions,
} from '@seclog/security-logger';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import { describe, expectTypeOf, it } from 'vitest';

type Fields<T extends KnownSecurityEvent['token']> = SecurityEventFields<
  Extract<KnownSecurityEvent, { token: T }>
>;

const noop: LoggerLike = { emit: () => undefined };

type Logger = ReturnType<LoggerProvider['getLogger']>;

describe('SecurityLogger', () => {
  describe('types', () => {
    it('types each parameter from the catalogue', () => {
      expectTypeOf<Fields<'authn_login_fail_max'>['limit']>().toEqualTypeOf<number | undefined>();
      expectTypeOf<Fields<'authn_token_created'>['entitlements']>().toEqualTypeOf<
        string | readonly string[] | undefined
      >();
      expectTypeOf<Fields<'sys_config_change'>['setting']>().toEqualTypeOf<string | undefined>();
      expectTypeOf<Fields<'upload_validation'>['level']>().toEqualTypeOf<
        'INFO' | 'CRITICAL' | undefined
      >();
    });

    it('rejects parameters of other events and unknown methods', () => {
      const security = new SecurityLogger({ logger: noop });
      // Checked by the type checker (tsconfig.tests.json); never run.
      const misuse = (): void => {
        // @ts-expect-error retries belongs to loginSuccessafterfail, not loginFail
        security.authn.loginFail({ userId: 'a', retries: 1 });
        // @ts-expect-error limit is an int
        security.excess.rateLimitExceeded({ limit: '5' });
        // @ts-expect-error level is only for upload.validation
        security.authz.fail({ level: 'CRITICAL' });
        // @ts-expect-error no such method
        security.authn.loginFailed();
        // @ts-expect-error outcome is success | failure | unknown
        security.session.created({ outcome: 'ok' });
      };
      expectTypeOf(misuse).toBeFunction();
      security.upload.validation({ fileName: 'a', level: 'CRITICAL' });
      security.sys.configChange({
        userId: 'ops',
        setting: 's',
        from: 'a',
        to: 'b',
        error: new Error('x'),
      });
      expectTypeOf(security.sys.configChange)
        .parameter(0)
        .toEqualTypeOf<Fields<'sys_config_change'> | undefined>();
    });

    it('accepts the SDK Logger as LoggerLike', () => {
      expectTypeOf<Logger>().toMatchTypeOf<LoggerLike>();
      expectTypeOf<{ logger: Logger }>().toMatchTypeOf<SecurityLoggerOptions>();
    });
  });
});
