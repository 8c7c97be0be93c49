// The config checks fail for the mistakes they exist to catch: each test breaks a known-good config
// in one way and expects that specific finding.
import { describe, expect, it } from 'vitest';
import { checkCollectorConfig, type Finding } from './support/check-collector-config.js';
import { loadCollectorSchema } from './support/collector-schema.js';
import { loadConfig } from './support/load-configs.js';
import { SECLOG_VOCABULARY } from './support/seclog-vocabulary.js';

const context = { schema: loadCollectorSchema(), vocabulary: SECLOG_VOCABULARY };

// Tests reach into and mutate arbitrary YAML trees.
type Config = Record<string, any>;

function setup(name = 'agent.yaml'): { config: Config; check: () => Finding[] } {
  const config = structuredClone(loadConfig(name)) as Config;
  return { config, check: () => checkCollectorConfig(config, context) };
}

function codes(findings: Finding[]): string[] {
  return findings.map((f) => f.code);
}

describe('checkCollectorConfig', () => {
  it('accepts the unmodified agent config', () => {
    expect(setup().check()).toEqual([]);
  });

  describe('keys', () => {
    it('reports a misspelled key and suggests the right one', () => {
      const { config, check } = setup();
      const queue = config.exporters['otlp_http/gateway_security'].sending_queue;
      queue.queue_sise = queue.queue_size;
      delete queue.queue_size;
      expect(check()).toEqual([
        {
          code: 'unknown-key',
          path: 'exporters.otlp_http/gateway_security.sending_queue.queue_sise',
          message: 'invalid key queue_sise (did you mean queue_size?)',
        },
      ]);
    });

    it('reports a misspelled required key as invalid and the required key as missing', () => {
      const { config, check } = setup();
      config.processors.memory_limiter.check_intervall = '1s';
      delete config.processors.memory_limiter.check_interval;
      expect(codes(check())).toEqual(['unknown-key', 'missing-key']);
    });

    it('reports a value of the wrong type and a value outside the enum', () => {
      const { config, check } = setup('gateway.yaml');
      config.processors.memory_limiter.check_interval = 5;
      config.exporters['syslog/cef'].protocol = 'rfc5425';
      expect(check()).toMatchObject([
        { code: 'wrong-type', path: 'processors.memory_limiter.check_interval' },
        { code: 'not-in-enum', path: 'exporters.syslog/cef.protocol' },
      ]);
    });

    it('reports the removed match_once key of the routing connector', () => {
      const { config, check } = setup();
      config.connectors['routing/security'].match_once = true;
      expect(check()).toMatchObject([
        {
          code: 'unknown-key',
          path: 'connectors.routing/security.match_once',
          message: expect.stringContaining('removed') as string,
        },
      ]);
    });

    it('reports the removed top-level topic key of the kafka exporter', () => {
      const { config, check } = setup('kafka.yaml');
      config.exporters['kafka/security'].topic = 'seclog.security';
      expect(check()).toMatchObject([
        { code: 'unknown-key', path: 'exporters.kafka/security.topic' },
      ]);
    });

    it('reports the deprecated logs: block of the filter processor', () => {
      const { config, check } = setup();
      config.processors['filter/drop_debug'].logs = {
        log_record: ['log.severity_number < SEVERITY_NUMBER_INFO'],
      };
      expect(check()).toMatchObject([
        { code: 'deprecated-key', path: 'processors.filter/drop_debug.logs' },
      ]);
    });

    it('reports the deprecated mapping.mode of the elasticsearch exporter', () => {
      const { config, check } = setup('elasticsearch.yaml');
      config.exporters['elasticsearch/security'].mapping = { mode: 'ecs' };
      expect(check()).toMatchObject([
        { code: 'deprecated-key', path: 'exporters.elasticsearch/security.mapping.mode' },
      ]);
    });
  });

  describe('component types', () => {
    it('reports an unknown component type', () => {
      const { config, check } = setup();
      config.exporters['otlphttpx/gateway'] = { endpoint: 'https://gateway:4318' };
      config.service.pipelines['logs/security'].exporters.push('otlphttpx/gateway');
      expect(check()).toEqual([
        {
          code: 'unknown-component',
          path: 'exporters.otlphttpx/gateway',
          message: 'unknown exporter type otlphttpx (not in the v0.159 schema subset)',
        },
      ]);
    });

    it('reports a deprecated type alias with its current name', () => {
      const { config, check } = setup();
      config.exporters['otlphttp/gateway_security'] =
        config.exporters['otlp_http/gateway_security'];
      delete config.exporters['otlp_http/gateway_security'];
      config.service.pipelines['logs/security'].exporters = ['otlphttp/gateway_security'];
      expect(check()).toEqual([
        {
          code: 'deprecated-name',
          path: 'exporters.otlphttp/gateway_security',
          message: 'exporter type otlphttp is a deprecated alias; use otlp_http',
        },
      ]);
    });

    it('reports the filelog alias of file_log', () => {
      const { config, check } = setup();
      config.receivers['filelog/app'] = { include: ['/var/log/app/*.log'] };
      config.service.pipelines['logs/ingest'].receivers.push('filelog/app');
      expect(check()).toMatchObject([{ code: 'deprecated-name', path: 'receivers.filelog/app' }]);
    });

    it('reports a removed component type with its replacement', () => {
      const { config, check } = setup();
      config.exporters.loki = { endpoint: 'http://loki:3100/loki/api/v1/push' };
      config.service.pipelines['logs/application'].exporters.push('loki');
      expect(check()).toMatchObject([
        { code: 'unknown-component', message: expect.stringContaining('otlp_http') as string },
      ]);
    });

    it('reports the unconfirmed aws_s3 rename and points to awss3', () => {
      const { config, check } = setup('s3-archive.yaml');
      config.exporters['aws_s3/archive'] = config.exporters['awss3/archive'];
      delete config.exporters['awss3/archive'];
      config.service.pipelines['logs/security'].exporters = ['aws_s3/archive'];
      expect(check()).toMatchObject([
        { code: 'unknown-component', message: expect.stringContaining('use awss3') as string },
      ]);
    });
  });

  describe('references', () => {
    it('reports an undefined component in a pipeline', () => {
      const { config, check } = setup();
      config.service.pipelines['logs/security'].exporters.push('otlp_http/nowhere');
      expect(check()).toEqual([
        {
          code: 'undefined-reference',
          path: 'service.pipelines.logs/security.exporters',
          message: 'exporter otlp_http/nowhere is not defined',
        },
      ]);
    });

    it('reports an undefined pipeline in a routing table', () => {
      const { config, check } = setup();
      config.connectors['routing/security'].table[0].pipelines = ['logs/securty'];
      expect(check()).toEqual([
        {
          code: 'undefined-reference',
          path: 'connectors.routing/security.table[0].pipelines[0]',
          message: 'pipeline logs/securty is not defined',
        },
      ]);
    });

    it('reports a defined component that no pipeline uses', () => {
      const { config, check } = setup();
      config.processors['transform/unused'] = { log_statements: [] };
      expect(check()).toMatchObject([
        { code: 'unused-component', path: 'processors.transform/unused' },
      ]);
    });

    it('reports a storage extension that is not enabled', () => {
      const { config, check } = setup();
      config.service.extensions = ['health_check', 'file_storage/offsets'];
      expect(codes(check())).toEqual([
        'unused-component',
        'undefined-reference',
        'undefined-reference',
      ]);
    });
  });

  describe('pipelines and connectors', () => {
    it('reports a connector that is only ever an exporter', () => {
      const { config, check } = setup();
      config.service.pipelines['logs/security'].receivers = ['otlp'];
      config.service.pipelines['logs/application'].receivers = ['otlp'];
      expect(check()).toMatchObject([
        { code: 'connector-wiring', message: expect.stringContaining('no pipeline') as string },
      ]);
    });

    it('reports a connector output of a signal it cannot produce', () => {
      const { config, check } = setup();
      config.service.pipelines['metrics/security'] = {
        receivers: ['routing/security'],
        exporters: ['otlp_http/gateway_security'],
      };
      expect(check()).toMatchObject([
        {
          code: 'connector-wiring',
          path: 'service.pipelines.metrics/security',
          message: 'connector routing/security cannot turn logs into metrics',
        },
      ]);
    });

    it('reports a routed-to pipeline that does not receive from the connector', () => {
      const { config, check } = setup();
      config.service.pipelines['logs/security'].receivers = ['otlp'];
      expect(check()).toMatchObject([
        {
          code: 'connector-wiring',
          path: 'connectors.routing/security.table[0].pipelines[0]',
        },
      ]);
    });

    it('reports an exporter in a pipeline of a signal it does not support', () => {
      const { config, check } = setup('syslog-cef.yaml');
      config.service.pipelines['traces/security'] = {
        receivers: ['otlp'],
        exporters: ['syslog/cef'],
      };
      expect(check()).toMatchObject([
        { code: 'pipeline-shape', message: 'syslog/cef does not support traces' },
      ]);
    });

    it('reports a processor listed twice in one pipeline', () => {
      const { config, check } = setup();
      config.service.pipelines['logs/ingest'].processors.push('memory_limiter');
      expect(codes(check())).toEqual(['pipeline-shape']);
    });
  });

  describe('OTTL and vocabulary', () => {
    it('reports a routing condition on an attribute seclog never emits', () => {
      const { config, check } = setup();
      config.connectors['routing/security'].table[0].condition =
        'IsMatch(log.event_name, "^seclog\\\\.") and log.attributes["security.severity"] == "high"';
      expect(check()).toEqual([
        {
          code: 'unknown-attribute',
          path: 'connectors.routing/security.table[0].condition',
          message:
            'log attribute security.severity is not one seclog emits (@seclog/semconv EMITTED_ATTRIBUTE_KEYS)',
        },
      ]);
    });

    it('reports a routing condition on a resource attribute seclog never sets', () => {
      const { config, check } = setup();
      config.connectors['routing/security'].table[0].condition =
        'resource.attributes["k8s.namespace.name"] == "payments"';
      expect(check()).toMatchObject([{ code: 'unknown-attribute' }]);
    });

    it('reports an event name seclog does not define', () => {
      const { config, check } = setup();
      config.connectors['routing/security'].table[0].condition =
        'log.event_name == "seclog.login_failed"';
      expect(check()).toMatchObject([
        { code: 'unknown-event-name', message: 'seclog.login_failed is not a seclog event name' },
      ]);
    });

    it('reports an event-name pattern that matches no seclog event', () => {
      const { config, check } = setup('gateway.yaml');
      config.connectors['routing/siem'].table[0].condition =
        'IsMatch(log.event_name, "^seclog\\\\.malware_")';
      expect(check()).toMatchObject([{ code: 'unknown-event-name' }]);
    });

    it('reports an OTTL string with an escape Go does not accept', () => {
      const { config, check } = setup();
      config.connectors['routing/security'].table[0].condition =
        'IsMatch(log.event_name, "^seclog\\.")';
      expect(check()).toMatchObject([
        { code: 'ottl-syntax', message: expect.stringContaining('invalid escape') as string },
      ]);
    });

    it('reports unbalanced parentheses in a transform statement', () => {
      const { config, check } = setup('gateway.yaml');
      const statements = config.processors['transform/elastic_ecs'].log_statements[1].statements;
      statements[statements.length - 1] =
        'set(log.attributes["source.ip"], log.attributes["client.address"]';
      expect(check()).toEqual([
        {
          code: 'ottl-syntax',
          path: `processors.transform/elastic_ecs.log_statements[1].statements[${statements.length - 1}]`,
          message: expect.stringContaining('expected ")"') as string,
        },
      ]);
    });

    it('reports a transform that reads an attribute seclog never emits', () => {
      const { config, check } = setup('gateway.yaml');
      config.processors['transform/cef'].log_statements[0].statements.unshift(
        'set(log.cache["spt"], log.attributes["client.port"])',
      );
      expect(check()).toMatchObject([
        { code: 'unknown-attribute', message: expect.stringContaining('client.port') as string },
      ]);
    });
  });

  describe('rules and hygiene', () => {
    it('reports a persistent queue that waits for results', () => {
      const { config, check } = setup();
      config.exporters['otlp_http/gateway_security'].sending_queue.wait_for_result = true;
      expect(codes(check())).toEqual(['component-rule']);
    });

    it('reports a literal token', () => {
      const { config, check } = setup('splunk-hec.yaml');
      config.exporters['splunk_hec/security'].token = [
        '00000000',
        '0000',
        '0000',
        '0000',
        '000000000000',
      ].join('-');
      expect(check()).toMatchObject([
        { code: 'hygiene', path: 'exporters.splunk_hec/security.token' },
      ]);
    });

    it('reports a receiver bound to every interface', () => {
      const { config, check } = setup();
      config.receivers.otlp.protocols.http.endpoint = '0.0.0.0:4318';
      expect(codes(check())).toEqual(['hygiene']);
    });

    it('reports an environment reference without the env: scheme', () => {
      const { config, check } = setup();
      config.exporters['otlp_http/gateway_security'].endpoint = '${SECLOG_GATEWAY_ENDPOINT}';
      expect(check()).toMatchObject([
        { code: 'config-source', path: 'exporters.otlp_http/gateway_security.endpoint' },
      ]);
    });

    it('reports a listener whose environment default is every interface', () => {
      const { config, check } = setup();
      config.receivers.otlp.protocols.grpc.endpoint =
        '${env:SECLOG_OTLP_GRPC_LISTEN:-0.0.0.0:4317}';
      expect(check()).toMatchObject([
        { code: 'hygiene', path: 'receivers.otlp.protocols.grpc.endpoint' },
      ]);
    });

    it('reports a redaction summary that lists key names', () => {
      const { config, check } = setup();
      config.processors['redaction/secrets'].summary = 'debug';
      expect(codes(check())).toEqual(['hygiene']);
    });
  });
});
