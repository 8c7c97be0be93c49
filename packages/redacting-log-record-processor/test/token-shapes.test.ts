// Token spellings, token kinds, pair structures, escaped JSON, mutation after emit and severityText:
// each emitted through a real LoggerProvider and looked for in the exported output.
import { describe, expect, it } from 'vitest';
import { escapedJsonShapes, tokenShapes } from './fixtures/token-shapes.js';
import { githubToken, randMixed } from './fixtures/secrets.js';
import { leaks, leaksInEveryPosition, serialize, setup } from './setup.js';

const MAX_JSON_LENGTH = 65_536; // the default of `maxJsonLength`

describe('RedactingLogRecordProcessor', () => {
  describe('onEmit: token spellings, token kinds and escaped JSON', () => {
    for (const shape of [...tokenShapes(), ...escapedJsonShapes(MAX_JSON_LENGTH)]) {
      it(`leaves nothing of ${shape.name}`, () => {
        expect(leaksInEveryPosition(shape.text, shape.forbidden)).toEqual([]);
      });
    }

    it('keeps identifiers that only contain a prefix-like run', () => {
      const { emit } = setup();
      const kept = [
        'MY_SKIP_TESTS=1',
        'task_sk-lint done',
        'build_1ghp_cache_hit',
        `user_${'M'.repeat(24)}.abcdef`,
        'GHP_ABC',
        'sk-' + 'a'.repeat(48),
      ];
      for (const text of kept) expect(emit({ body: text }).body, text).toBe(text);
    });

    it('keeps the public forms and word runs next to the newer vendor prefixes', () => {
      const { emit } = setup();
      const kept = [
        // Mapbox public tokens are meant to ship in web pages; only `sk.` is secret.
        `map pk.eyJ1IjoiZXhhbXBsZSIsImEiOiJ${randMixed(20)}.${randMixed(22)}`,
        'LTAI' + 'POLICYDOCUMENTS', // no digit: a word, not an Alibaba key id
        'paths 1//0 and 1//04 and file:1//0abc',
        'dckr_pat_ is the Docker prefix; figd_ is Figma',
        'CCIPAT_ short',
      ];
      for (const text of kept) expect(emit({ body: text }).body, text).toBe(text);
    });
  });

  describe('onEmit: name/value pair structures', () => {
    it('classifies the value of a name/value or key/value object by the name it holds', () => {
      const { emit, exporter } = setup();
      const secrets: string[] = [];
      for (const [nameField, valueField] of [
        ['name', 'value'],
        ['key', 'value'],
        ['Name', 'Value'],
        ['Key', 'Value'],
      ] as const) {
        const x = randMixed(16);
        secrets.push(x);
        emit({
          body: { headers: [{ [nameField]: 'password', [valueField]: x }] },
          attributes: {
            'app.fields': [{ [nameField]: 'Authorization', [valueField]: `Token ${x}` }],
          },
        });
      }
      expect(leaks(serialize(exporter.getFinishedLogRecords()), secrets)).toEqual([]);
      const kept = emit({ body: [{ name: 'color', value: 'blue' }] }).body;
      expect(kept).toEqual([{ name: 'color', value: 'blue' }]);
    });

    it('classifies the values of header pair arrays and flat rawHeaders by the name before them', () => {
      const { emit, exporter } = setup();
      const [a, b, c] = [randMixed(16), randMixed(16), randMixed(16)];
      emit({ body: [['password', a]] });
      emit({
        body: { rawHeaders: ['Host', 'api.example.com', 'Authorization', `Token ${b}`] },
        attributes: { 'app.raw': ['Cookie', `sid=${c}`, 'Accept', '*/*'] },
      });
      const out = serialize(exporter.getFinishedLogRecords());
      expect(leaks(out, [a, b, c])).toEqual([]);
      expect(out).toContain('api.example.com');
      expect(emit({ body: ['red', 'green', 'blue', 'white'] }).body).toEqual([
        'red',
        'green',
        'blue',
        'white',
      ]);
    });
  });

  describe('onEmit: the record after emit', () => {
    it('exports what was emitted, not what the application writes into its objects later', () => {
      const { emit, exporter } = setup();
      const secrets = [randMixed(16), randMixed(16), randMixed(16), randMixed(16)];
      const body: Record<string, unknown> = { user: 'bob' };
      const nested: Record<string, unknown> = { note: 'ok' };
      const list: string[] = ['a'];
      let late = 'ok';
      const printable = { toJSON: () => ({ password: late }) };
      emit({ body });
      emit({ body: 'x', attributes: { 'app.ctx': nested, 'app.list': list } });
      emit({ body: printable });
      body['password'] = secrets[0];
      nested['password'] = secrets[1];
      list.push(`password=${secrets[2]}`);
      late = secrets[3]!;
      const out = serialize(exporter.getFinishedLogRecords());
      expect(leaks(out, secrets)).toEqual([]);
      expect(exporter.getFinishedLogRecords()[0]!.body).toEqual({ user: 'bob' });
    });

    it('keeps bytes as they were at emit', () => {
      const { emit } = setup();
      const bytes = Buffer.from('clean bytes');
      const record = emit({ body: bytes });
      bytes.write(`password=${randMixed(8)}`);
      expect(Buffer.from(record.body as Uint8Array).toString()).toBe('clean bytes');
    });
  });

  describe('onEmit: severityText', () => {
    it('redacts a secret in a free-form severityText and keeps level names', () => {
      const { emit, exporter } = setup();
      const token = githubToken();
      const pw = randMixed(16);
      emit({ severityText: `token ${token}`, body: 'x' } as never);
      emit({ severityText: `password=${pw}`, body: 'x' } as never);
      const records = exporter.getFinishedLogRecords();
      const texts = records.map((r) => r.severityText ?? '').join('\n');
      expect(leaks(texts, [token, pw])).toEqual([]);
      expect(texts).toContain('[REDACTED:');
      for (const level of ['INFO', 'WARNING', 'critical']) {
        expect(emit({ severityText: level, body: 'x' } as never).severityText).toBe(level);
      }
    });
  });
});
