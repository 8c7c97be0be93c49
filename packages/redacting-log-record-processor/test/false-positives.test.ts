// The false-positive corpus of secrets-and-pii.md (d) as a negative test: at most 1 in 100 values is
// changed, wherever it appears, and every record is kept.
import { describe, expect, it } from 'vitest';
import { generatedFalsePositiveCorpus } from './fixtures/false-positive-corpus.js';
import { falsePositiveCorpus } from './fixtures/false-positives.js';
import { setup } from './setup.js';

describe('RedactingLogRecordProcessor', () => {
  describe('onEmit', () => {
    it('changes at most 1 in 100 false-positive traps and keeps every record', () => {
      const corpus = falsePositiveCorpus();
      expect(corpus.length).toBeGreaterThanOrEqual(200);
      const { emit, exporter } = setup();
      const changed: string[] = [];
      for (const [i, { trap, value }] of corpus.entries()) {
        const out = emit({
          eventName: 'test.negative',
          body: value,
          attributes: { [`app.value.${i % 7}`]: value, 'app.nested': { list: [value] } },
        });
        const nested = (out.attributes['app.nested'] as { list: unknown[] }).list[0];
        if (
          out.body !== value ||
          out.attributes[`app.value.${i % 7}`] !== value ||
          nested !== value
        ) {
          changed.push(`${trap}: ${value} -> ${JSON.stringify(out.body)}`);
        }
      }
      expect(exporter.getFinishedLogRecords()).toHaveLength(corpus.length);
      expect(changed.length, changed.join('\n')).toBeLessThanOrEqual(
        Math.floor(corpus.length / 100),
      );
    });

    it('changes at most 1 in 200 of a generated corpus of 5,000 harmless values and keeps every record', () => {
      const corpus = generatedFalsePositiveCorpus();
      expect(corpus.length).toBeGreaterThanOrEqual(5000);
      const { emit, exporter } = setup();
      const changed: string[] = [];
      for (const { trap, value } of corpus) {
        const out = emit({
          body: value,
          attributes: { 'app.text': value, 'app.nested': { list: [value] } },
        });
        const nested = (out.attributes['app.nested'] as { list: unknown[] }).list[0];
        if (out.body !== value || out.attributes['app.text'] !== value || nested !== value) {
          changed.push(`${trap}: ${value} -> ${JSON.stringify(out.body)}`);
        }
      }
      expect(exporter.getFinishedLogRecords()).toHaveLength(corpus.length);
      expect(changed.length, changed.join('\n')).toBeLessThanOrEqual(
        Math.floor(corpus.length / 200),
      );
    });

    it('keeps trace context keys untouched even with secret-looking names nearby', () => {
      const { emit } = setup();
      const attrs = {
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'http.request.header.traceparent': [
          '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        ],
      };
      const out = emit({ attributes: attrs });
      for (const [k, v] of Object.entries(attrs)) expect(out.attributes[k]).toEqual(v);
    });
  });
});
