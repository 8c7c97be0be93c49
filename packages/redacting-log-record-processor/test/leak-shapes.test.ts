// The shapes real services log that redaction v1 let through: each one emitted through a
// real LoggerProvider as a body and as nested attributes, and looked for in the exported output.
import { describe, expect, it } from 'vitest';
import { KEY_FAMILIES, leakShapes, NOT_CREDENTIAL_KEYS } from './fixtures/leak-shapes.js';
import { githubToken, randMixed } from './fixtures/secrets.js';
import { lineStartShapes } from './fixtures/structural-shapes.js';
import { leaks, leaksInEveryPosition, serialize, setup } from './setup.js';

describe('RedactingLogRecordProcessor', () => {
  describe('onEmit: shapes services log', () => {
    it("holds each shape's secrets in its text (a shape that does not tests nothing)", () => {
      const missing = [...leakShapes(), ...lineStartShapes()].filter((s) =>
        s.forbidden.some((f) => !s.text.includes(f)),
      );
      expect(missing.map((s) => s.name)).toEqual([]);
    });

    for (const shape of [...leakShapes(), ...lineStartShapes()]) {
      it(`leaves nothing of ${shape.name}`, () => {
        expect(leaksInEveryPosition(shape.text, shape.forbidden)).toEqual([]);
      });
    }

    it('redacts every credential key family, as an attribute, a map key and in text', () => {
      const { emit, exporter } = setup();
      const secrets: string[] = [];
      for (const key of KEY_FAMILIES) {
        const [a, b, c] = [randMixed(16), randMixed(16), randMixed(16)];
        secrets.push(a, b, c);
        emit({ attributes: { [key]: a }, body: { form: { [key]: b }, line: `${key}=${c}` } });
      }
      expect(leaks(serialize(exporter.getFinishedLogRecords()), secrets)).toEqual([]);
    });

    it('redacts both values of a configuration change to a credential setting, and keeps others', () => {
      const { emit } = setup();
      const change = (setting: string, from: string, to: string) =>
        emit({
          eventName: 'seclog.sys_config_change',
          attributes: {
            'seclog.config.setting': setting,
            'seclog.change.from': from,
            'seclog.change.to': to,
          },
        }).attributes;
      for (const setting of ['db.password', 'STRIPE_SECRET_KEY', 'oauth.client_secret']) {
        const [from, to] = [randMixed(16), randMixed(16)];
        const out = change(setting, from, to);
        expect(out['seclog.change.from'], setting).not.toContain(from);
        expect(out['seclog.change.to'], setting).not.toContain(to);
        expect(out['seclog.config.setting']).toBe(setting);
      }
      expect(change('log.level', 'info', 'debug')).toMatchObject({
        'seclog.change.from': 'info',
        'seclog.change.to': 'debug',
      });
    });

    it('scans bytes (a Buffer, a Uint8Array) as text and keeps clean ones as bytes', () => {
      const { emit } = setup();
      const token = githubToken();
      const secret = randMixed(16);
      // Serialized, bytes are base64 (JSON) or raw (protobuf): look at the values themselves.
      const body = emit({ body: Buffer.from(`login failed password=${secret}`) }).body;
      expect(body).toBe('login failed password=[REDACTED:credential]');
      const raw = emit({ attributes: { 'app.raw': new Uint8Array(Buffer.from(`auth ${token}`)) } })
        .attributes['app.raw'];
      expect(typeof raw).toBe('string');
      expect(raw).not.toContain(token);
      const clean = Buffer.from([0, 1, 2, 250, 251]);
      expect(emit({ body: clean }).body).toStrictEqual(clean);
    });

    it('keeps values under keys that only mention a credential word', () => {
      const { emit } = setup();
      for (const key of NOT_CREDENTIAL_KEYS) {
        const out = emit({ attributes: { [key]: 'Bearer-3600' } });
        expect(out.attributes[key], key).toBe('Bearer-3600');
      }
      expect(emit({ attributes: { 'gen_ai.usage.input_tokens': 1234 } }).attributes).toMatchObject({
        'gen_ai.usage.input_tokens': 1234,
      });
    });

    it('keeps counts, states and header names under credential keys, and flags of other tools', () => {
      const { emit } = setup();
      const kept = [
        'tokens=1500', 'auth=ok', 'session: expired', 'api_keys=3', 'password: required',
        'auth_header=Authorization', 'sig=SIGTERM', 'docker run -p 8080:80 nginx', 'ssh -p 2222 deploy@host',
        'mysql -h db -u app -p app_db', 'the password is required', 'password reset sent to bob',
        'registry/nginx@sha256:0123', '<title>Password reset</title>', 'Passwort vergessen?',
      ]; // prettier-ignore
      for (const text of kept) expect(emit({ body: text }).body, text).toBe(text);
      const counts = { tokens: 1500, usage: { total_tokens: 12 }, api_keys: '2' };
      expect(emit({ body: counts }).body).toEqual(counts);
      expect(emit({ attributes: { tokens: 1500 } }).attributes['tokens']).toBe(1500);
    });

    it('classifies a spoofed key by the key it imitates and keeps it as written', () => {
      const { emit } = setup();
      const secret = randMixed(16);
      for (const key of [
        'p\u0430ssword',
        '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44',
        'pass\u200bword',
        '\u5bc6\u7801',
      ]) {
        const out = emit({ attributes: { [key]: secret }, body: { [key]: secret } });
        expect(out.attributes[key], key).toBe('[REDACTED:credential]');
        expect(out.body, key).toEqual({ [key]: '[REDACTED:credential]' });
      }
    });

    it('finds a credential under its key in a JSON string past the parse cap', () => {
      const { emit, exporter } = setup({ maxJsonLength: 1024 });
      const secrets = [randMixed(16), randMixed(16), randMixed(16)];
      const filler = JSON.stringify(
        Array.from({ length: 200 }, (_, i) => ({ id: i, n: `item ${i}` })),
      );
      const json = `{"items":${filler},"db":{"password":"${secrets[0]}"},"client_secret":{"v":"${secrets[1]}"},"tokens":["${secrets[2]}"]}`;
      expect(json.length).toBeGreaterThan(1024);
      emit({ body: json, attributes: { 'app.payload': json } });
      expect(leaks(serialize(exporter.getFinishedLogRecords()), secrets)).toEqual([]);
    });

    it('redacts what a URL or an object with toJSON/toString body prints, and keeps clean ones', () => {
      const { emit, exporter } = setup();
      const [a, b, c] = [randMixed(16), randMixed(16), randMixed(16)];
      const url = new URL(`https://bob:${a}@h.example.com/cb?access_token=${b}`);
      const printable = { toString: (): string => `password=${c}` };
      Object.setPrototypeOf(printable, { toString: printable.toString });
      emit({ body: url });
      emit({ body: printable });
      emit({ body: { nested: url } });
      expect(
        leaks(JSON.stringify(exporter.getFinishedLogRecords().map((r) => r.body)), [a, b]),
      ).toEqual([]);
      expect(JSON.stringify(exporter.getFinishedLogRecords()[1]!.body)).not.toContain(c);
      const date = new Date(0);
      expect(emit({ body: date }).body).toStrictEqual(date);
    });

    it('leaves no token-shaped remainder of a value the SDK cut at its length limit', () => {
      const { emit, exporter } = setup({}, { attributeValueLengthLimit: 100 });
      const token = githubToken();
      const opaque = randMixed(40);
      // Cut 6 characters before the end of each: most of the randomness is in what is left.
      const pad = (x: string): string => `${'word '.repeat(20)}`.slice(0, 100 - (x.length - 6)) + x;
      emit({ attributes: { 'app.a': pad(token), 'app.b': pad(opaque), 'app.c': [pad(opaque)] } });
      const out = serialize(exporter.getFinishedLogRecords());
      expect(leaks(out, [token.slice(0, 30), opaque.slice(0, 30)])).toEqual([]);
      expect(out).toContain('[REDACTED:truncated]');
    });
  });
});
