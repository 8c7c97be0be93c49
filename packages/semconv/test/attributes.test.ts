// Checks the attribute keys: OTel names where OTel has one, seclog.* otherwise, all listed.
import { describe, expect, it } from 'vitest';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_OTEL_EVENT_NAME,
  ATTR_SECLOG_COLLISION,
  ATTR_SECLOG_OUTCOME,
  ATTR_SECLOG_REQUEST_ID,
  ATTR_SECLOG_TARGET_USER_ID,
  ATTR_USER_ID,
  ATTR_USER_ROLES,
  EMITTED_ATTRIBUTE_KEYS,
  SECURITY_EVENT_PARAMETERS,
  SECLOG_OUTCOME_VALUE_FAILURE,
  SECLOG_OUTCOME_VALUE_SUCCESS,
  SECLOG_OUTCOME_VALUE_UNKNOWN,
} from '@seclog/semconv';
import * as semconv from '@seclog/semconv';

const ATTRIBUTE_NAME = /^[a-z][a-z0-9]*(?:[._][a-z0-9]+)*$/;

describe('EMITTED_ATTRIBUTE_KEYS', () => {
  it('lists every exported ATTR_ key', () => {
    const keys = Object.entries(semconv)
      .filter(([name, value]) => name.startsWith('ATTR_') && typeof value === 'string')
      .map(([, value]) => value as string);
    const notEmitted = keys.filter((k) => !EMITTED_ATTRIBUTE_KEYS.includes(k));
    // Re-exported OTel keys we do not set ourselves (resource or request attributes), and the
    // attributes of seclog's metrics, which are never on a record.
    expect(notEmitted.sort()).toEqual(
      [
        'client.port',
        'server.address',
        'server.port',
        'service.name',
        'service.version',
        'seclog.export.path',
        'seclog.export.result',
      ].sort(),
    );
  });

  it('lists every parameter attribute', () => {
    for (const { attribute } of Object.values(SECURITY_EVENT_PARAMETERS)) {
      expect(EMITTED_ATTRIBUTE_KEYS).toContain(attribute);
    }
  });

  it('holds unique keys that follow the OTel naming rules', () => {
    expect(new Set(EMITTED_ATTRIBUTE_KEYS).size).toBe(EMITTED_ATTRIBUTE_KEYS.length);
    for (const key of EMITTED_ATTRIBUTE_KEYS) expect(key).toMatch(ATTRIBUTE_NAME);
  });

  it('uses the seclog. namespace only where OTel has no attribute', () => {
    expect(ATTR_USER_ID).toBe('user.id');
    expect(ATTR_USER_ROLES).toBe('user.roles');
    expect(ATTR_CLIENT_ADDRESS).toBe('client.address');
    expect(ATTR_OTEL_EVENT_NAME).toBe('otel.event.name');
    expect(ATTR_SECLOG_OUTCOME).toBe('seclog.outcome');
    expect(ATTR_SECLOG_REQUEST_ID).toBe('seclog.request.id');
    expect(ATTR_SECLOG_TARGET_USER_ID).toBe('seclog.target_user.id');
    expect([
      SECLOG_OUTCOME_VALUE_SUCCESS,
      SECLOG_OUTCOME_VALUE_FAILURE,
      SECLOG_OUTCOME_VALUE_UNKNOWN,
    ]).toEqual(['success', 'failure', 'unknown']);
  });
});

describe('ATTR_SECLOG_COLLISION', () => {
  it('names the seclog.collision.<key> template the ecs-json file lines use', () => {
    expect(ATTR_SECLOG_COLLISION('@timestamp')).toBe('seclog.collision.@timestamp');
    expect(ATTR_SECLOG_COLLISION('event.action')).toBe('seclog.collision.event.action');
  });
});

describe('SECURITY_EVENT_PARAMETERS', () => {
  it('maps each camelCase field to a distinct attribute with a known type', () => {
    const entries = Object.entries(SECURITY_EVENT_PARAMETERS);
    const attributes = entries.map(([, p]) => p.attribute);
    expect(new Set(attributes).size).toBe(attributes.length);
    for (const [name, parameter] of entries) {
      expect(name).toMatch(/^[a-z][a-zA-Z]*$/);
      expect(['string', 'int', 'boolean', 'string[]']).toContain(parameter.type);
      expect(parameter.description.length).toBeGreaterThan(0);
    }
  });
});
