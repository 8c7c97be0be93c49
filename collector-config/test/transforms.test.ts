// What the gateway's transform processors do to a seclog record, executed from the YAML: the CEF
// line and its escaping, the ECS fields, the Splunk event name and the Kafka partition key.
import { describe, expect, it } from 'vitest';
import { loadConfig } from './support/load-configs.js';
import {
  executeStatements,
  parseStatement,
  type OttlContext,
  type OttlRecord,
} from './support/ottl.js';

interface Group {
  readonly context: OttlContext;
  readonly statements: readonly string[];
}

interface MutableRecord extends OttlRecord {
  readonly attributes: Record<string, unknown>;
  readonly resource: Record<string, unknown>;
  readonly scope: Record<string, unknown>;
}

/** Runs one transform processor of gateway.yaml on a record (fresh cache per statement group). */
function transform(id: string, record: MutableRecord): MutableRecord {
  const config = loadConfig('gateway.yaml') as {
    processors: Record<string, { log_statements: readonly Group[] }>;
  };
  for (const group of config.processors[id]!.log_statements) {
    const statements = group.statements.map((s) => parseStatement(s, group.context));
    executeStatements(statements, { ...record, cache: {} });
  }
  return record;
}

function setup(overrides: Partial<MutableRecord> = {}): MutableRecord {
  return {
    eventName: 'seclog.authn_login_fail',
    severityNumber: 13,
    body: 'User login failed',
    timeUnixNano: 1_700_000_000_123_456_789n,
    attributes: {
      'user.name': 'alice',
      'client.address': '203.0.113.5',
      'seclog.outcome': 'failure',
    },
    resource: { 'service.name': 'auth-api', 'service.version': '1.4.2', 'host.name': 'web-1' },
    scope: {},
    ...overrides,
  };
}

describe('transform/cef', () => {
  it('builds the CEF line and the RFC 5424 header fields', () => {
    const { attributes } = transform('transform/cef', setup());
    expect(attributes.message).toBe(
      'CEF:0|seclog|auth-api|1.4.2|authn_login_fail|User login failed|6|' +
        'rt=1700000000123 suser=alice src=203.0.113.5 outcome=failure dvchost=web-1 msg=User login failed',
    );
    expect(attributes).toMatchObject({
      appname: 'auth-api',
      hostname: 'web-1',
      msg_id: 'authn_login_fail',
      priority: 84,
    });
  });

  it('escapes \\ and | in header values and \\, = and line breaks in extension values', () => {
    const record = setup({
      body: 'Login a|b \\ c',
      attributes: { 'user.name': 'jo=e\\x', 'seclog.reason': 'bad\r\npassword' },
    });
    const message = transform('transform/cef', record).attributes.message as string;
    expect(message.split('|').slice(0, 6)).toEqual([
      'CEF:0',
      'seclog',
      'auth-api',
      '1.4.2',
      'authn_login_fail',
      'Login a\\',
    ]);
    expect(message).toContain('|Login a\\|b \\\\ c|6|');
    expect(message).toContain(' suser=jo\\=e\\\\x ');
    expect(message).toContain(' reason=bad\\npassword ');
    expect(message).toContain(' msg=Login a|b \\\\ c');
  });

  it('maps CRITICAL to CEF severity 8 and syslog priority 82', () => {
    const { attributes } = transform(
      'transform/cef',
      setup({ eventName: 'seclog.authz_fail', severityNumber: 18 }),
    );
    expect((attributes.message as string).split('|')[6]).toBe('8');
    expect(attributes.priority).toBe(82);
  });

  it('maps INFO to CEF severity 3 and syslog priority 86', () => {
    const { attributes } = transform(
      'transform/cef',
      setup({ eventName: 'seclog.session_created', severityNumber: 9 }),
    );
    expect((attributes.message as string).split('|')[6]).toBe('3');
    expect(attributes.priority).toBe(86);
  });
});

describe('transform/elastic_ecs', () => {
  it('selects ECS mode for the scope and sets the ECS event fields', () => {
    const record = transform('transform/elastic_ecs', setup());
    expect(record.scope).toEqual({ 'elastic.mapping.mode': 'ecs' });
    expect(record.attributes).toMatchObject({
      'event.action': 'authn_login_fail',
      'event.kind': 'event',
      'event.outcome': 'failure',
      'source.ip': '203.0.113.5',
    });
  });

  it('keeps the whole EventName in otel.event.name, which the Sigma rules of `seclog rules --sigma` select on (#15)', () => {
    const record = transform('transform/elastic_ecs', setup());
    expect(record.attributes['otel.event.name']).toBe('seclog.authn_login_fail');
    // event.action stays the ECS token without the prefix.
    expect(record.attributes['event.action']).toBe('authn_login_fail');
  });

  it('marks malicious_* events as ECS alerts', () => {
    const record = transform(
      'transform/elastic_ecs',
      setup({ eventName: 'seclog.malicious_sqli', severityNumber: 18 }),
    );
    expect(record.attributes['event.kind']).toBe('alert');
  });

  it('marks the alerts of in-process detection as ECS alerts (#15)', () => {
    const record = transform(
      'transform/elastic_ecs',
      setup({ eventName: 'seclog.alert', severityNumber: 18 }),
    );
    expect(record.attributes['event.kind']).toBe('alert');
  });
});

describe('transform/splunk_event_name', () => {
  it('copies the EventName to otel.event.name', () => {
    const record = transform('transform/splunk_event_name', setup());
    expect(record.attributes['otel.event.name']).toBe('seclog.authn_login_fail');
  });
});

describe('transform/kafka_partition_key', () => {
  it('reduces the resource to service.name and keeps host and environment on the record', () => {
    const record = setup();
    record.resource['deployment.environment.name'] = 'prod';
    transform('transform/kafka_partition_key', record);
    expect(record.resource).toEqual({ 'service.name': 'auth-api' });
    expect(record.attributes).toMatchObject({
      'host.name': 'web-1',
      'deployment.environment.name': 'prod',
    });
  });
});
