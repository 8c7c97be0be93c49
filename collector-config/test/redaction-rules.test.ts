// The agent's redaction processor is defence in depth: its key patterns must catch the keys seclog's
// own redaction treats as credentials, and must leave every attribute seclog emits alone.
import { randomBytes } from 'node:crypto';
import { EMITTED_ATTRIBUTE_KEYS } from '@seclog/semconv';
import { describe, expect, it } from 'vitest';
import { re2ToRegExp } from './support/ottl.js';
import { loadConfig } from './support/load-configs.js';

interface Redaction {
  readonly blocked_key_patterns: readonly string[];
  readonly blocked_values: readonly string[];
}

function setup(): { keyPatterns: RegExp[]; valuePatterns: RegExp[] } {
  const config = loadConfig('agent.yaml') as { processors: Record<string, Redaction> };
  const redaction = config.processors['redaction/secrets']!;
  return {
    keyPatterns: redaction.blocked_key_patterns.map(re2ToRegExp),
    valuePatterns: redaction.blocked_values.map(re2ToRegExp),
  };
}

/** The key rules of seclog's RedactingLogRecordProcessor that name credentials. */
const SECLOG_KEY_RULES = [
  'password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'authorization', 'cookie',
  'set-cookie', 'client_secret', 'private_key', 'x-api-key', 'x-amz-security-token',
  'passphrase', 'db_pwd', 'access_key', 'secretKey', 'credentials', 'connection_string',
]; // prettier-ignore

function alnum(
  length: number,
  alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

describe('redaction/secrets', () => {
  describe('blocked_key_patterns', () => {
    const { keyPatterns } = setup();
    const masked = (key: string): boolean => keyPatterns.some((p) => p.test(key));

    it.each(SECLOG_KEY_RULES)('masks %s, upper-cased, and as an HTTP header attribute', (key) => {
      expect(masked(key)).toBe(true);
      expect(masked(key.toUpperCase())).toBe(true);
      expect(masked(`http.request.header.${key}`)).toBe(true);
    });

    it('masks no attribute key seclog emits', () => {
      expect(EMITTED_ATTRIBUTE_KEYS.filter(masked)).toEqual([]);
    });

    it('leaves ordinary keys that merely contain a credential word alone', () => {
      expect(
        ['token_count', 'password_policy', 'secret_name', 'cookies_enabled'].filter(masked),
      ).toEqual([]);
    });
  });

  describe('blocked_values', () => {
    const { valuePatterns } = setup();
    const masked = (value: string): boolean => valuePatterns.some((p) => p.test(value));
    const b64url = (text: string): string => Buffer.from(text).toString('base64url');

    it.each([
      ['a GitHub token', () => 'ghp_' + alnum(36)],
      ['an AWS access key id', () => 'AKIA' + alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')],
      [
        'a JWT',
        () => [b64url('{"alg":"HS256"}'), b64url(`{"sub":"${alnum(12)}"}`), alnum(43)].join('.'),
      ],
      ['a bearer credential in free text', () => `header was Bearer ${alnum(32)}`],
      ['a PEM private key header', () => ['-----BEGIN', 'RSA', 'PRIVATE', 'KEY-----'].join(' ')],
    ])('masks %s inside a value', (_, make) => {
      expect(masked(`value: ${make()} end`)).toBe(true);
    });

    it.each([
      ['a trace id', randomBytes(16).toString('hex')],
      ['a UUID', crypto.randomUUID()],
      ["seclog's own placeholder", '[REDACTED:github-pat]'],
      ['a route template', '/users/:id/tokens'],
    ])('leaves %s alone', (_, value) => {
      expect(masked(value)).toBe(false);
    });
  });
});
