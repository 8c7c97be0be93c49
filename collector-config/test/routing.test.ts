// What the routing tables do with every seclog event, evaluated from the YAML (first match wins).
import { EVENT_SECLOG_ALERT, SECURITY_EVENTS } from '@seclog/semconv';
import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition, type OttlRecord } from './support/ottl.js';
import { loadConfig } from './support/load-configs.js';

interface Route {
  readonly condition: string;
  readonly pipelines: readonly string[];
}
interface RoutingConnector {
  readonly default_pipelines: readonly string[];
  readonly table: readonly Route[];
}

function router(file: string, id: string): (record: OttlRecord) => readonly string[] {
  const config = loadConfig(file) as { connectors: Record<string, RoutingConnector> };
  const connector = config.connectors[id]!;
  const table = connector.table.map((route) => ({
    condition: parseCondition(route.condition, 'log'),
    pipelines: route.pipelines,
  }));
  return (record) =>
    table.find((route) => evaluateCondition(route.condition, record))?.pipelines ??
    connector.default_pipelines;
}

/** The application's own threshold detections: WARN, yet alerting (#15). */
const LOCKOUTS: readonly string[] = ['seclog.authn_login_lock', 'seclog.authn_login_fail_max'];

const SIEMS = ['logs/splunk', 'logs/elasticsearch', 'logs/kafka', 'logs/archive', 'logs/otlp_siem'];

describe('agent.yaml routing/security', () => {
  const route = router('agent.yaml', 'routing/security');

  it.each(SECURITY_EVENTS.map((e) => [e.eventName, e.severityNumber] as const))(
    'sends %s to the security pipeline',
    (eventName, severityNumber) => {
      expect(route({ eventName, severityNumber })).toEqual(['logs/security']);
    },
  );

  it('sends a record without an event name to the application pipeline', () => {
    expect(route({ severityNumber: 18, body: 'payment failed' })).toEqual(['logs/application']);
  });

  it('sends a non-seclog event to the application pipeline', () => {
    expect(route({ eventName: 'app.checkout_completed', severityNumber: 9 })).toEqual([
      'logs/application',
    ]);
  });
});

describe('gateway.yaml routing/siem', () => {
  const route = router('gateway.yaml', 'routing/siem');

  it.each(SECURITY_EVENTS.map((e) => [e.eventName, e.severityNumber, e.group] as const))(
    'routes %s (severity %i) by severity and group',
    (eventName, severityNumber, group) => {
      const pipelines = route({ eventName, severityNumber });
      expect(pipelines).toEqual(expect.arrayContaining(SIEMS));
      expect(pipelines.includes('logs/alerting')).toBe(
        severityNumber >= 18 || group === 'malicious' || LOCKOUTS.includes(eventName),
      );
      expect(pipelines.includes('logs/syslog_cef')).toBe(severityNumber >= 13);
      expect(pipelines).not.toContain('logs/application');
    },
  );

  it('sends the alerts of in-process detection to alerting and every SIEM (#15)', () => {
    const pipelines = route({ eventName: EVENT_SECLOG_ALERT, severityNumber: 18 });
    expect(pipelines).toContain('logs/alerting');
    expect(pipelines).toEqual(expect.arrayContaining([...SIEMS, 'logs/syslog_cef']));
    // By name, not only by severity: a seclog.alert* record is an alert whatever its level.
    expect(route({ eventName: EVENT_SECLOG_ALERT, severityNumber: 13 })).toContain('logs/alerting');
  });

  it('alerts on an INFO event raised to CRITICAL for one call', () => {
    expect(route({ eventName: 'seclog.upload_validation', severityNumber: 18 })).toContain(
      'logs/alerting',
    );
  });

  it('sends application logs, even errors, only to the application pipeline', () => {
    expect(route({ severityNumber: 18, body: 'db timeout' })).toEqual(['logs/application']);
  });
});
