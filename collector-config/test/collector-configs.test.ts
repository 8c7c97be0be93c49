// Every YAML in collector-config/ parses and passes the static checks against the v0.159 schemas.
import { describe, expect, it } from 'vitest';
import { checkCollectorConfig } from './support/check-collector-config.js';
import { loadCollectorSchema } from './support/collector-schema.js';
import { configFileNames, loadConfig } from './support/load-configs.js';
import { SECLOG_VOCABULARY } from './support/seclog-vocabulary.js';

const context = { schema: loadCollectorSchema(), vocabulary: SECLOG_VOCABULARY };

describe('collector-config', () => {
  it('ships the agent, the gateway, a local config and one file per SIEM', () => {
    expect(configFileNames()).toEqual([
      'agent.yaml',
      'elasticsearch.yaml',
      'gateway.yaml',
      'kafka.yaml',
      'local.yaml',
      'otlp-siem.yaml',
      's3-archive.yaml',
      'splunk-hec.yaml',
      'syslog-cef.yaml',
    ]);
  });

  describe.each(configFileNames())('%s', (name) => {
    it('parses as YAML', () => {
      expect(() => loadConfig(name)).not.toThrow();
    });

    it('passes every check', () => {
      expect(checkCollectorConfig(loadConfig(name), context)).toEqual([]);
    });
  });
});
