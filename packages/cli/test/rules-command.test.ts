// `seclog rules --sigma`: the built-in detection rules as Sigma rules that the Sigma specification's
// own JSON schemas accept (vendored in fixtures/sigma), with the same thresholds, keys and windows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '@seclog/cli';
import { BUILTIN_DETECTION_RULES } from '@seclog/detection';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function schema(name: string): object {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/sigma/${name}`, import.meta.url), 'utf8'),
  ) as object;
}

// The schemas use keywords outside the vocabulary (`items` on objects); strict mode would refuse them.
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const validateDetection = ajv.compile(schema('sigma-detection-rule-schema.json'));
const validateCorrelation = ajv.compile(schema('sigma-correlation-rules-schema.json'));

async function seclog(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: () => undefined },
    isTTY: false,
  });
  return { code, stdout };
}

async function sigmaDocuments(): Promise<any[]> {
  const { code, stdout } = await seclog('rules', '--sigma');
  expect(code).toBe(0);
  return parseAllDocuments(stdout).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
}

describe('seclog rules', () => {
  it('--sigma prints documents the Sigma detection and correlation schemas accept', async () => {
    const docs = await sigmaDocuments();
    expect(docs.length).toBeGreaterThan(BUILTIN_DETECTION_RULES.length);
    for (const doc of docs) {
      const validate = 'correlation' in doc ? validateCorrelation : validateDetection;
      expect({ name: doc.name, valid: validate(doc), errors: validate.errors ?? null }).toEqual({
        name: doc.name,
        valid: true,
        errors: null,
      });
    }
  });

  it('--sigma prints one correlation per built-in rule with its threshold, key and window', async () => {
    const docs = await sigmaDocuments();
    const byName = new Map(docs.map((d) => [d.name, d]));
    const type = {
      event_count: 'event_count',
      value_count: 'value_count',
      sequence: 'temporal_ordered',
    };
    for (const rule of BUILTIN_DETECTION_RULES) {
      const c = byName.get(rule.id)?.correlation;
      expect(c?.type).toBe(type[rule.kind]);
      expect(c?.['group-by']).toEqual(rule.groupBy);
      expect(c?.timespan).toBe(`${rule.windowMillis / 60_000}m`.replace(/^60m$/, '1h'));
      // A sequence counts its run in a chained event_count, as the Sigma specification's example does.
      const counted = rule.kind === 'sequence' ? byName.get(c?.rules[0])?.correlation : c;
      expect(counted?.condition.gte).toBe(rule.threshold);
      if (rule.kind === 'value_count') expect(counted?.condition.field).toBe(rule.field);
    }
    // Every referenced rule is in the stream.
    for (const d of docs.filter((x) => 'correlation' in x)) {
      for (const ref of d.correlation.rules) expect(byName.has(ref)).toBe(true);
    }
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
  });

  it('--sigma selects by event name and the attributes the process matches on', async () => {
    const docs = await sigmaDocuments();
    const base = docs.find((d) => d.name === 'ae2_login_failures_per_user_events');
    expect(base.detection).toEqual({
      selection: {
        'otel.event.name': ['seclog.authn_login_fail', 'seclog.authn_login_fail_max'],
        'user.id|exists': true,
      },
      condition: 'selection',
    });
  });

  it('--sigma selects on the field the Collector sets for Elasticsearch and Splunk, with the whole EventName', async () => {
    // event.action (ECS) holds the name without `seclog.`: the rules must not use it.
    const docs = await sigmaDocuments();
    const fields = new Set(
      docs.filter((d) => 'detection' in d).flatMap((d) => Object.keys(d.detection.selection)),
    );
    expect(fields.has('event.action')).toBe(false);
    expect(fields.has('otel.event.name')).toBe(true);
    for (const file of ['gateway.yaml', 'elasticsearch.yaml']) {
      const config = parse(
        readFileSync(new URL(`../../../collector-config/${file}`, import.meta.url), 'utf8'),
      );
      const statements = (id: string): string[] =>
        (config.processors[id]?.log_statements ?? []).flatMap((g: any) => g.statements);
      const setsEventName = (id: string) =>
        statements(id).some((s) =>
          s.startsWith('set(log.attributes["otel.event.name"], log.event_name)'),
        );
      expect(setsEventName('transform/elastic_ecs')).toBe(true);
      if (file === 'gateway.yaml') expect(setsEventName('transform/splunk_event_name')).toBe(true);
    }
  });

  it('--sigma leaves the steps of a sequence (its run) informational, not alerts of their own', async () => {
    const docs = await sigmaDocuments();
    const run = docs.find((d) => d.name === 'ae2_login_success_after_failures_run');
    expect(run.level).toBe('informational');
    const sequence = docs.find((d) => d.name === 'ae2_login_success_after_failures');
    expect(sequence.level).toBe('critical');
    expect(sequence.correlation.generate).toBe(false);
    expect(sequence.description).toContain('does not end the run');
  });

  it('would be refused by the schema with an unknown correlation type', async () => {
    const [doc] = (await sigmaDocuments()).filter((d) => 'correlation' in d);
    expect(
      validateCorrelation({ ...doc, correlation: { ...doc.correlation, type: 'bogus' } }),
    ).toBe(false);
  });

  it('without --sigma lists every built-in rule', async () => {
    const { code, stdout } = await seclog('rules');
    expect(code).toBe(0);
    for (const rule of BUILTIN_DETECTION_RULES) expect(stdout).toContain(rule.id);
  });
});
