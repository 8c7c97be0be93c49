// End-to-end tests through a real LoggerProvider: generated secrets in every position are gone from the
// exported records and their OTLP/JSON bytes; audit attributes, actions, options, failure paths.
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { RedactingLogRecordProcessor } from '@seclog/redacting-log-record-processor';
import type { RedactingLogRecordProcessorOptions } from '@seclog/redacting-log-record-processor';
import {
  ALNUM,
  BASE32,
  benignEvent,
  cardNumber,
  DIGITS,
  githubToken,
  githubTokenBadChecksum,
  keyFixtures,
  LOWER,
  rand,
  randMixed,
  valueFixtures,
} from './fixtures/secrets.js';
import type { Emitted } from './setup.js';
import { leaks, serialize, setup } from './setup.js';

const VALUE_FIXTURES = valueFixtures();
const KEY_FIXTURES = keyFixtures();

/** The fixture's text in every position the processor must look at. */
function positions(text: string, bare: string | undefined): Array<[string, Emitted]> {
  const out: Array<[string, Emitted]> = [
    ['string body', { body: text }],
    ['structured body', { body: { request: { notes: ['first', { detail: text }] } } }],
    ['attribute at depth', { attributes: { 'app.context': { a: { b: { c: text } } } } }],
    ['array element', { attributes: { 'app.items': ['ok', 7, text] } }],
    [
      'JSON in a string',
      { attributes: { 'app.payload': JSON.stringify({ outer: { message: text } }) } },
    ],
    [
      'JSON in JSON in a string',
      { body: JSON.stringify({ body: JSON.stringify({ note: text }) }) },
    ],
    [
      'exception',
      {
        exception: {
          name: 'Error',
          message: `request failed: ${text}`,
          stack: `Error: request failed: ${text}\n    at handler (/srv/app.js:10:5)`,
        },
      },
    ],
    ['header attribute', { attributes: { 'http.request.header.x-debug-info': [text] } }],
    [
      'percent-encoded in url.full',
      {
        attributes: {
          'url.full': `https://api.example.com/v1?q=1&note=${encodeURIComponent(text)}`,
        },
      },
    ],
    ['map body with secret-looking keys', { body: { fields: [{ k: 'note', v: text }] } }],
  ];
  if (bare !== undefined) {
    out.push(
      [
        'url.full query',
        { attributes: { 'url.full': `https://api.example.com/v1/items?ref=${bare}&page=2` } },
      ],
      ['url.query', { attributes: { 'url.query': `page=2&ref=${bare}` } }],
    );
  }
  return out;
}

describe('RedactingLogRecordProcessor', () => {
  describe('onEmit', () => {
    it.each(VALUE_FIXTURES.map((f, i) => ({ ...f, i })))(
      'removes a generated $ruleId secret (#$i) from every position',
      (fixture) => {
        const { emit, exporter } = setup();
        const bare = fixture.inline ? fixture.forbidden[0] : undefined;
        const found: string[] = [];
        for (const [where, record] of positions(fixture.text, bare)) {
          exporter.reset();
          const out = emit({ eventName: 'test.event', ...record });
          const bytes = serialize([out]);
          for (const leaked of leaks(bytes, fixture.forbidden))
            found.push(`${where}: ${leaked} in ${bytes.slice(0, 400)}`);
        }
        expect(found).toEqual([]);
      },
    );

    it.each(VALUE_FIXTURES.filter((f) => !['payment-card', 'iban', 'email'].includes(f.ruleId)))(
      'names the rule $ruleId in the placeholder',
      (fixture) => {
        const { emit } = setup();
        const body = emit({ body: fixture.text }).body as string;
        const label = fixture.ruleId === 'key-value-credential' ? 'credential' : fixture.ruleId;
        expect(body).toContain(`[REDACTED:${label}]`);
      },
    );

    it.each(VALUE_FIXTURES.filter((f) => f.truncatable && f.inline))(
      'catches a $ruleId secret cut by attributeValueLengthLimit',
      (fixture) => {
        const secret = fixture.forbidden[0]!;
        const limit = 400;
        const cut = Math.ceil(secret.length * 0.8);
        const { emit } = setup({}, { attributeValueLengthLimit: limit });
        const value = `${'y'.repeat(limit - cut - 1)} ${secret}`;
        const out = emit({ attributes: { 'app.note': value } });
        expect(out.attributes['app.note']).not.toBe(value.slice(0, limit));
        expect(serialize([out])).not.toContain(secret.slice(4, cut));
      },
    );

    it('catches a URL password cut by attributeValueLengthLimit and keeps ports', () => {
      const pw = randMixed(24);
      const url = `postgres://app:${pw}@db.internal:5432/app`;
      const limit = url.indexOf('@') - 6;
      const { emit } = setup({}, { attributeValueLengthLimit: limit });
      const out = emit({
        attributes: { 'app.target': url, 'app.listen': 'http://localhost:3000' },
      });
      expect(out.attributes['app.target']).toBe('postgres://app:[REDACTED:url-userinfo]');
      expect(out.attributes['app.listen']).toBe('http://localhost:3000');
    });

    it('catches a private key cut by attributeValueLengthLimit', () => {
      const fixture = VALUE_FIXTURES.find((f) => f.ruleId === 'private-key')!;
      const { emit } = setup({}, { attributeValueLengthLimit: 200 });
      const out = emit({ attributes: { 'app.key': fixture.text } });
      expect(out.attributes['app.key']).toBe('loaded key:\n[REDACTED:private-key]');
    });

    it.each(KEY_FIXTURES)('redacts the value under key $key', (fixture) => {
      const { emit } = setup();
      const top = emit({ attributes: { [fixture.key]: fixture.value } });
      const nested = emit({ body: { outer: [{ [fixture.key]: fixture.value }] } });
      const json = emit({ body: JSON.stringify({ [fixture.key]: fixture.value }) });
      expect(leaks(serialize([top, nested, json]), fixture.forbidden)).toEqual([]);
    });

    it.each(KEY_FIXTURES.filter((f) => typeof f.value === 'string' && f.key !== 'cvv'))(
      'redacts the value after $key= in free text',
      (fixture) => {
        const { emit } = setup();
        const out = emit({ body: `request had ${fixture.key}=${fixture.value as string} set` });
        expect(leaks(serialize([out]), fixture.forbidden)).toEqual([]);
      },
    );

    it('matches key names regardless of case, separators and camelCase', () => {
      const { emit } = setup();
      const value = randMixed(16);
      const keys = [
        'API_KEY',
        'api-key',
        'ApiKey',
        'x-api-key',
        'X_API_KEY',
        'clientSecret',
        'Set-Cookie',
        'PRIVATE_KEY',
      ];
      const out = emit({ attributes: Object.fromEntries(keys.map((k) => [k, value])) });
      expect(serialize([out])).not.toContain(value);
    });

    it('keeps the scheme of an Authorization header and the names of cookies', () => {
      const { emit } = setup();
      const out = emit({
        attributes: {
          'http.request.header.authorization': [`Bearer ${randMixed(24)}`],
          'http.request.header.cookie': [`theme=dark; sid=${randMixed(24)}`],
        },
      });
      expect(out.attributes['http.request.header.authorization']).toEqual([
        'Bearer [REDACTED:credential]',
      ]);
      expect(out.attributes['http.request.header.cookie']).toEqual([
        'theme=[REDACTED:cookie]; sid=[REDACTED:cookie]',
      ]);
    });

    it('masks card numbers to at most their last 4 digits', () => {
      const fixture = VALUE_FIXTURES.find((f) => f.ruleId === 'payment-card')!;
      const card = fixture.forbidden[0]!;
      const { emit } = setup();
      const body = emit({ body: fixture.text }).body as string;
      expect(body).toBe(`charged card **** **** **** ${card.slice(12)} ok`);
    });

    it('finds a card number followed by a separator and a word that starts with a digit', () => {
      const card = cardNumber('53', 16);
      const out = setup().emit({ body: `paid with ${card} 0A` });
      expect(out.body).toBe(`paid with ************${card.slice(12)} 0A`);
    });

    it('keeps a GitHub-shaped token whose CRC32 checksum is wrong', () => {
      const { emit } = setup();
      const fake = githubTokenBadChecksum();
      expect(emit({ body: `id ${fake}` }).body).toBe(`id ${fake}`);
    });

    it('leaves eventName, severity and benign attributes untouched', () => {
      const { emit } = setup();
      const attrs = benignEvent(3);
      const out = emit({
        eventName: 'auth.login.failure',
        body: `token ${githubToken()}`,
        attributes: attrs,
      });
      expect(out.eventName).toBe('auth.login.failure');
      for (const [k, v] of Object.entries(attrs)) expect(out.attributes[k]).toEqual(v);
    });

    it('does not mutate the objects the caller logged', () => {
      const { emit } = setup();
      const token = githubToken();
      const payload = { nested: { token, list: [token] } };
      const out = emit({ attributes: { 'app.payload': payload } });
      expect(payload.nested.token).toBe(token);
      expect(payload.nested.list[0]).toBe(token);
      expect(serialize([out])).not.toContain(token);
    });

    it('never drops a record', () => {
      const { emit, exporter } = setup();
      for (const f of VALUE_FIXTURES) emit({ body: f.text });
      expect(exporter.getFinishedLogRecords()).toHaveLength(VALUE_FIXTURES.length);
    });

    it('keeps IP addresses by default and pseudonymizes them on request', () => {
      const ip = `198.51.100.${String(Math.floor(Math.random() * 200) + 1)}`;
      const kept = setup().emit({ attributes: { 'client.address': ip }, body: `from ${ip}` });
      expect(kept.attributes['client.address']).toBe(ip);
      expect(kept.body).toBe(`from ${ip}`);
      const hmac = { key: rand(ALNUM, 40), keyId: 'k1' };
      const hashed = setup({ hmac, actions: { ip: 'hmac' } }).emit({
        attributes: { 'client.address': ip },
        body: `from ${ip}`,
      });
      expect(hashed.attributes['client.address']).toMatch(/^hmac:k1:[A-Za-z0-9_-]{43}$/);
      expect(hashed.body).toBe(`from ${hashed.attributes['client.address'] as string}`);
    });

    it('pseudonymizes user ids, emails and session ids with HMAC-SHA256 when a key is set', () => {
      const hmac = { key: rand(ALNUM, 40), keyId: 'k1' };
      const { emit } = setup({ hmac });
      const email = `${rand(LOWER, 8)}@example.com`;
      const a = emit({
        attributes: { 'user.id': 'u-42', 'user.email': email, 'session.id': 's-1' },
      });
      const b = emit({ attributes: { 'user.id': 'u-42', 'user.email': email.toUpperCase() } });
      const other = setup({ hmac: { key: rand(ALNUM, 40), keyId: 'k2' } }).emit({
        attributes: { 'user.id': 'u-42' },
      });
      for (const k of ['user.id', 'user.email', 'session.id']) {
        expect(a.attributes[k]).toMatch(/^hmac:k1:[A-Za-z0-9_-]{43}$/);
      }
      expect(b.attributes['user.id']).toBe(a.attributes['user.id']);
      expect(b.attributes['user.email']).toBe(a.attributes['user.email']);
      expect(other.attributes['user.id']).toMatch(/^hmac:k2:/);
      expect(other.attributes['user.id']).not.toBe(a.attributes['user.id']);
    });

    it('keeps user ids and masks email local parts when no HMAC key is set (never an unkeyed hash)', () => {
      const email = `${rand(LOWER, 8)}@example.com`;
      const out = setup().emit({ attributes: { 'user.id': 'u-42', 'user.email': email } });
      expect(out.attributes['user.id']).toBe('u-42');
      expect(out.attributes['user.email']).toBe('[REDACTED:email]@example.com');
    });

    it('deletes credential attributes when the action is remove', () => {
      const { emit } = setup({ actions: { credential: 'remove' } });
      const out = emit({ attributes: { password: randMixed(12), 'app.ok': 1 } });
      expect(Object.keys(out.attributes)).not.toContain('password');
      expect(out.attributes['redaction.redacted.count']).toBe(1);
      expect(out.attributes['app.ok']).toBe(1);
    });

    it('is idempotent: a second processor changes nothing', () => {
      const exporterOnce = setup();
      const twice = setup();
      // Build a provider with two redacting processors in a row.
      const chained = new RedactingLogRecordProcessor();
      const records: Emitted[] = [
        ...VALUE_FIXTURES.map((f) => ({ body: f.text, attributes: { 'app.t': f.text } })),
        ...KEY_FIXTURES.map((f) => ({ attributes: { [f.key]: f.value } })),
      ];
      for (const r of records) {
        const once = exporterOnce.emit(r);
        const again = twice.emit(r);
        chained.onEmit(again as never);
        expect({ body: again.body, attributes: again.attributes }).toEqual({
          body: once.body,
          attributes: once.attributes,
        });
      }
    });

    it('applies key rules inside JSON logged with surrounding whitespace', () => {
      const secret = randMixed(16);
      const body = `  ${JSON.stringify({ user: { token: [secret], name: 'bob' } }, null, 2)}\n`;
      const out = setup().emit({ body });
      expect(JSON.parse(out.body as string)).toEqual({
        user: { token: ['[REDACTED:credential]'], name: 'bob' },
      });
    });

    it('keeps JSON inside a string valid after redacting a credential object', () => {
      const secret = randMixed(16);
      const out = setup().emit({
        attributes: {
          'app.payload': JSON.stringify({ credentials: { user: 'bob', password: secret } }),
        },
      });
      expect(JSON.parse(out.attributes['app.payload'] as string)).toEqual({
        credentials: { user: '[REDACTED:credential]', password: '[REDACTED:credential]' },
      });
    });

    it('redacts a phone number written with spaces after a phone key in text', () => {
      const digits = rand(DIGITS, 7);
      const out = setup().emit({
        body: `callback phone: +1 (415) ${digits.slice(0, 3)} ${digits.slice(3)} requested`,
      });
      expect(out.body).toBe('callback phone: [REDACTED:phone] requested');
    });

    it('checks card numbers logged as numbers', () => {
      const card = Number(cardNumber('4', 16));
      const out = setup().emit({
        attributes: { 'app.amount': 12.5, 'app.ref': card, 'app.ts': Date.now() },
      });
      expect(out.attributes['app.ref']).toBe(`************${String(card).slice(12)}`);
      expect(out.attributes['app.amount']).toBe(12.5);
      expect(typeof out.attributes['app.ts']).toBe('number');
    });

    it('checks card numbers logged as BigInt values like the same numbers', () => {
      const digits = cardNumber('4', 16);
      const notLuhn = digits.slice(0, 15) + String((Number(digits[15]) + 1) % 10);
      const snowflake = 1_800_000_000_000_000_000n + BigInt(digits.slice(0, 12));
      const out = setup().emit({
        body: { ref: BigInt(digits), other: BigInt(notLuhn), id: snowflake, n: [BigInt(digits)] },
      });
      const body = out.body as Record<string, unknown>;
      expect(body['ref']).toBe(`************${digits.slice(12)}`);
      expect(body['n']).toEqual([`************${digits.slice(12)}`]);
      expect(body['other']).toBe(BigInt(notLuhn));
      expect(body['id']).toBe(snowflake);
    });

    it('scans attributes that only look like audit attributes', () => {
      const token = githubToken();
      const out = setup().emit({
        attributes: { 'redaction.note': token, 'redaction.masked.keys': token },
      });
      expect(serialize([out])).not.toContain(token);
    });
  });

  describe('audit attributes', () => {
    it('adds the Collector summary counts and no key names by default', () => {
      const { emit } = setup();
      const out = emit({
        body: `token ${githubToken()}`,
        attributes: {
          password: randMixed(12),
          'app.note': `key AKIA${rand(BASE32, 16)}`,
          'app.ok': 'fine',
        },
      });
      expect(out.attributes['redaction.masked.count']).toBe(2);
      expect(out.attributes['redaction.body.masked.count']).toBe(1);
      expect(out.attributes['redaction.masked.keys']).toBeUndefined();
    });

    it('lists key names only in debug mode and adds to counts already present', () => {
      const { emit } = setup({ summary: 'debug' });
      const out = emit({
        attributes: {
          password: randMixed(12),
          'redaction.masked.count': 2,
          'redaction.masked.keys': 'x',
        },
      });
      expect(out.attributes['redaction.masked.count']).toBe(3);
      expect(out.attributes['redaction.masked.keys']).toBe('password,x');
    });

    it('lists changed body paths in debug mode', () => {
      const out = setup({ summary: 'debug' }).emit({
        body: { user: { password: randMixed(12) }, items: ['ok', `key AKIA${rand(BASE32, 16)}`] },
      });
      expect(out.attributes['redaction.body.masked.keys']).toBe('items.1,user.password');
      expect(out.attributes['redaction.body.masked.count']).toBe(2);
    });

    it('adds nothing in silent mode or when nothing matched', () => {
      const silent = setup({ summary: 'silent' }).emit({ attributes: { password: randMixed(12) } });
      const clean = setup().emit({ attributes: benignEvent(1) });
      for (const out of [silent, clean]) {
        expect(Object.keys(out.attributes).filter((k) => k.startsWith('redaction.'))).toEqual([]);
      }
    });
  });

  describe('options', () => {
    it('redacts values under extra key names', () => {
      const value = randMixed(14);
      const out = setup({ keys: ['launchCode'] }).emit({ attributes: { launch_code: value } });
      expect(out.attributes['launch_code']).toBe('[REDACTED:credential]');
    });

    it('keeps keys listed in allowKeys and values matched by allowValues', () => {
      const example = `AKIA${rand(BASE32, 9)}EXAMPLE`;
      const token = randMixed(14);
      const out = setup({
        allowKeys: ['build.token'],
        allowValues: ['AKIA[A-Z2-7]{9}EXAMPLE'],
      }).emit({
        attributes: { 'build.token': token, 'app.doc': `see ${example}` },
      });
      expect(out.attributes['build.token']).toBe(token);
      expect(out.attributes['app.doc']).toBe(`see ${example}`);
    });

    it('turns off a built-in rule by id', () => {
      const email = `${rand(LOWER, 8)}@example.com`;
      expect(setup({ disableRules: ['email'] }).emit({ body: `to ${email}` }).body).toBe(
        `to ${email}`,
      );
    });

    it('applies extra value rules with their validator', () => {
      const id = rand(DIGITS, 8);
      const rules = [
        { id: 'internal-ticket', pattern: 'TCK-[0-9]{6,10}', keywords: ['TCK-'] },
        {
          id: 'odd-ref',
          pattern: 'REF[0-9]{4}',
          validate: (m: string) => Number(m.slice(3)) % 2 === 1,
        },
      ];
      const out = setup({ rules }).emit({ body: `ticket TCK-${id} REF1001 REF1002` });
      expect(out.body).toBe('ticket [REDACTED:internal-ticket] [REDACTED:odd-ref] REF1002');
    });

    it.each<[RedactingLogRecordProcessorOptions, RegExp]>([
      [
        { rules: [{ id: 'a', pattern: '' }] },
        /^@seclog\/redacting-log-record-processor: rules\[0\]\.pattern must be a non-empty string/,
      ],
      [
        {
          rules: [
            { id: 'a', pattern: 'x' },
            { id: 'b', pattern: 'a+' },
          ],
        },
        /^@seclog\/redacting-log-record-processor: rules\[1\]\.pattern must bound every quantifier/,
      ],
      [
        { rules: [{ id: 'a', pattern: '[0-9]{4,}' }] },
        /rules\[0\]\.pattern must bound every quantifier \(found '\{4,\}'/,
      ],
      [
        { rules: [{ id: 'a', pattern: '(' }] },
        /rules\[0\]\.pattern is not a valid regular expression/,
      ],
      [
        { rules: [{ id: 'a', pattern: '(?:[a-z]{1,9}-){1,9}' }] },
        /rules\[0\]\.pattern must not repeat a group that contains a quantifier/,
      ],
      [{ rules: [{ id: 'Bad Id', pattern: 'x' }] }, /rules\[0\]\.id must match/],
      [{ rules: [{ id: 'jwt', pattern: 'x' }] }, /rules\[0\]\.id 'jwt' is already used/],
      [
        { rules: [{ id: 'a', pattern: 'x{0,3}' }] },
        /rules\[0\]\.pattern must not match the empty string/,
      ],
      [
        { rules: [{ id: 'a', pattern: 'x', validate: 'return true' }] } as never,
        /rules\[0\]\.validate must be a function/,
      ],
      [
        { disableRules: ['no-such-rule'] },
        /disableRules\[0\] 'no-such-rule' is not a built-in rule id/,
      ],
      [
        { actions: { credential: 'keep' } } as never,
        /actions\.credential must be one of placeholder, remove/,
      ],
      [{ actions: { 'user-id': 'hmac' } }, /actions\.user-id is 'hmac' but no hmac key is set/],
      [
        { hmac: { key: 'short', keyId: 'k1' } },
        /hmac\.key must be a string of at least 32 characters/,
      ],
      [{ hmac: { key: 'k'.repeat(40), keyId: '1bad' } }, /hmac\.keyId must match/],
      [{ allowValues: ['.*'] }, /allowValues\[0\] must bound every quantifier/],
      [{ maxWorkPerRecord: 10 }, /maxWorkPerRecord must be an integer >= 1024/],
      [{ summary: 'loud' } as never, /summary must be 'info', 'debug' or 'silent'/],
      [{ keys: [''] }, /keys\[0\] must be a non-empty string/],
      [{ redact: ['a'] } as never, /: redact is not an option \(known: /],
    ])('rejects invalid options (%#)', (options, message) => {
      expect(() => new RedactingLogRecordProcessor(options)).toThrow(TypeError);
      expect(() => new RedactingLogRecordProcessor(options)).toThrow(message);
    });
  });

  describe('failure paths', () => {
    it('replaces the value, reports the error and keeps the record when a validator throws', () => {
      const reported: unknown[] = [];
      setGlobalErrorHandler((err) => reported.push(err));
      try {
        const rules = [
          {
            id: 'boom',
            pattern: 'BOOM[0-9]{2}',
            validate: (): boolean => {
              throw new Error('validator failed');
            },
          },
        ];
        const { emit, exporter } = setup({ rules });
        const out = emit({
          eventName: 'x',
          attributes: { 'app.a': 'has BOOM42 inside', 'app.b': 'fine text here' },
        });
        expect(exporter.getFinishedLogRecords()).toHaveLength(1);
        expect(out.attributes['app.a']).toBe('[REDACTED:error]');
        expect(out.attributes['app.b']).toBe('fine text here');
        expect(reported).toHaveLength(1);
        expect(String(reported[0])).toContain('validator failed');
      } finally {
        setGlobalErrorHandler(loggingErrorHandler());
      }
    });

    it('replaces values past the work budget with a placeholder and keeps the record', () => {
      const { emit, exporter } = setup({ maxWorkPerRecord: 5000 });
      const big = `${'lorem ipsum '.repeat(600)}`;
      const out = emit({ attributes: { 'app.a': 'short and fine', 'app.b': big, 'app.c': big } });
      expect(exporter.getFinishedLogRecords()).toHaveLength(1);
      expect(out.attributes['app.a']).toBe('short and fine');
      expect(out.attributes['app.c']).toBe('[REDACTED:budget]');
    });

    it('cuts a cycle where it closes, redacts what is around it, and keeps shared objects', () => {
      const token = githubToken();
      const shared = { note: 'seen twice' };
      const request: Record<string, unknown> = { headers: { authorization: `Bearer ${token}` } };
      request.self = request;
      request.socket = { parser: { incoming: request }, again: request };
      request.a = shared;
      request.b = shared;
      const out = setup().emit({ body: { request } });
      const body = out.body as { request: Record<string, unknown> };
      expect(body.request.self).toBe('[REDACTED:circular]');
      expect(body.request.socket).toEqual({
        parser: { incoming: '[REDACTED:circular]' },
        again: '[REDACTED:circular]',
      });
      expect(body.request.a).toEqual({ note: 'seen twice' });
      expect(body.request.b).toEqual({ note: 'seen twice' });
      expect(JSON.stringify(body.request.headers)).not.toContain(token);
    });

    it('replaces structures nested deeper than maxDepth', () => {
      let deep: unknown = githubToken();
      for (let i = 0; i < 50; i++) deep = [deep];
      const out = setup({ maxDepth: 8 }).emit({ attributes: { 'app.deep': deep } });
      expect(JSON.stringify(out.attributes['app.deep'])).toContain('[REDACTED:depth]');
    });
  });

  describe('forceFlush and shutdown', () => {
    it('resolve at once and shutdown is idempotent', async () => {
      const p = new RedactingLogRecordProcessor();
      await expect(p.forceFlush()).resolves.toBeUndefined();
      await expect(p.shutdown()).resolves.toBeUndefined();
      await expect(p.shutdown()).resolves.toBeUndefined();
    });
  });
});
