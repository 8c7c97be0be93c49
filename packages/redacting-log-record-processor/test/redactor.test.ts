// Redactor: the processor's rules as a pure, copy-on-write function over values.
import { describe, expect, it } from 'vitest';
import { Redactor } from '@seclog/redacting-log-record-processor';
import { benignEvent, githubToken, randMixed } from './fixtures/secrets.js';

describe('Redactor', () => {
  describe('redact', () => {
    it('returns the same reference when nothing matched', () => {
      const event = benignEvent(1);
      expect(new Redactor().redact(event)).toBe(event);
    });

    it('redacts a copy and leaves the input untouched', () => {
      const token = githubToken();
      const input = { a: { b: [`x ${token}`] }, keep: 'plain text' };
      const out = new Redactor().redact(input) as typeof input;
      expect(out.a.b[0]).toBe('x [REDACTED:github-token]');
      expect(out.keep).toBe(input.keep);
      expect(input.a.b[0]).toBe(`x ${token}`);
    });

    it('applies key rules for the given key and returns undefined for removed values', () => {
      const secret = randMixed(16);
      expect(new Redactor().redact(secret, 'db.password')).toBe('[REDACTED:credential]');
      expect(
        new Redactor({ actions: { credential: 'remove' } }).redact(secret, 'db.password'),
      ).toBeUndefined();
    });

    it('deletes removed keys inside nested maps', () => {
      const out = new Redactor({ actions: { credential: 'remove' } }).redact({
        db: { host: 'h', password: randMixed(12) },
      });
      expect(out).toEqual({ db: { host: 'h' } });
    });
  });
});
