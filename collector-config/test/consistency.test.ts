// The files share building blocks by id: a component defined in two files must be defined the same
// way, so a fix in gateway.yaml cannot silently miss a per-SIEM file (or agent.yaml miss local.yaml).
import { describe, expect, it } from 'vitest';
import { configFileNames, loadConfig } from './support/load-configs.js';

const SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;

function components(name: string): Map<string, unknown> {
  const config = loadConfig(name);
  const out = new Map<string, unknown>();
  for (const section of SECTIONS) {
    const block = (config[section] ?? {}) as Record<string, unknown>;
    for (const [id, body] of Object.entries(block)) out.set(`${section}.${id}`, body);
  }
  return out;
}

const SIEM_FILES = [
  'elasticsearch.yaml',
  'kafka.yaml',
  'otlp-siem.yaml',
  's3-archive.yaml',
  'splunk-hec.yaml',
  'syslog-cef.yaml',
];

/** Files that share building blocks: the per-host family and the gateway family. */
const FAMILIES: readonly (readonly string[])[] = [
  ['agent.yaml', 'local.yaml'],
  ['gateway.yaml', ...SIEM_FILES],
];

describe('collector-config files', () => {
  const all = new Map(configFileNames().map((name) => [name, components(name)]));

  it.each(SIEM_FILES)('%s uses its exporter exactly as gateway.yaml defines it', (name) => {
    const gateway = all.get('gateway.yaml')!;
    const exporters = [...all.get(name)!.keys()].filter((key) => key.startsWith('exporters.'));
    expect(exporters).toHaveLength(1);
    expect(gateway.has(exporters[0]!)).toBe(true);
  });

  it('puts every file in one family', () => {
    expect(FAMILIES.flat().sort()).toEqual(configFileNames());
  });

  it.each(FAMILIES.map((family) => [family[0]!, family] as const))(
    'defines every shared component id identically across the %s family',
    (_, family) => {
      const seen = new Map<string, { file: string; body: unknown }>();
      const mismatches: string[] = [];
      for (const file of family) {
        for (const [id, body] of all.get(file)!) {
          const first = seen.get(id);
          if (!first) seen.set(id, { file, body });
          else if (JSON.stringify(first.body) !== JSON.stringify(body)) {
            mismatches.push(`${id}: ${first.file} vs ${file}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    },
  );

  it('gives local.yaml the same redaction and routing as agent.yaml', () => {
    const agent = all.get('agent.yaml')!;
    const local = all.get('local.yaml')!;
    for (const id of ['processors.redaction/secrets', 'connectors.routing/security']) {
      expect(local.get(id)).toBeDefined();
      expect(local.get(id)).toEqual(agent.get(id));
    }
  });
});
