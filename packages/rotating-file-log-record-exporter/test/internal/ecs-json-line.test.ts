// ECS lines take their core fields from the record only: attributes named like them are kept
// under seclog.collision.<key> and counted.
import { describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  ECS_COLLISION_PREFIX,
  ECS_UNCHAINED_SUFFIX,
  ecsLinePrefix,
} from '../../src/internal/ecs-json-line.js';

const FORGED = {
  '@timestamp': '1999-01-01T00:00:00.000Z',
  message: 'all good',
  'event.action': 'seclog.authn_login_success',
  'log.level': 'INFO',
  'log.logger': 'trusted',
  'event.severity': 1,
  'trace.id': 'forged-trace',
  'span.id': 'forged-span',
};

function setup(attributes: Record<string, string | number>, resource: Record<string, string> = {}) {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc', ...resource }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  provider.getLogger('auth').emit({
    timestamp: new Date('2026-11-23T10:00:00.123Z'),
    severityNumber: 17,
    severityText: 'ERROR',
    eventName: 'seclog.authn_login_fail',
    body: 'User login failed',
    attributes,
  });
  const record = memory.getFinishedLogRecords()[0] as ReadableLogRecord;
  let collided = 0;
  const line = ecsLinePrefix(record, undefined, { ecsCollided: (n) => (collided += n) });
  return { fields: JSON.parse(line + ECS_UNCHAINED_SUFFIX) as Record<string, unknown>, collided };
}

describe('ecsLinePrefix', () => {
  it('takes every core field from the record, never from an attribute of the same name', () => {
    const { fields } = setup(FORGED);
    expect(fields).toMatchObject({
      '@timestamp': '2026-11-23T10:00:00.123000Z',
      message: 'User login failed',
      'event.action': 'seclog.authn_login_fail',
      'log.level': 'ERROR',
      'log.logger': 'auth',
      'event.severity': 17,
    });
    expect(fields).not.toHaveProperty('trace.id');
    expect(fields).not.toHaveProperty('span.id');
  });

  it('keeps each colliding attribute under seclog.collision.<key> and counts it', () => {
    const { fields, collided } = setup({ ...FORGED, 'user.id': 'alice' });
    for (const [key, value] of Object.entries(FORGED))
      expect(fields[`${ECS_COLLISION_PREFIX}${key}`]).toEqual(value);
    expect(fields['user.id']).toBe('alice');
    expect(collided).toBe(Object.keys(FORGED).length);
  });

  it('moves a resource attribute named like a core field too', () => {
    const { fields, collided } = setup({}, { message: 'from the resource' });
    expect(fields.message).toBe('User login failed');
    expect(fields['seclog.collision.message']).toBe('from the resource');
    expect(collided).toBe(1);
  });

  it('moves an attribute already under the prefix, so a moved one cannot be overwritten', () => {
    const { fields, collided } = setup({
      message: 'moved',
      'seclog.collision.message': 'forged copy',
    });
    expect(fields['seclog.collision.message']).toBe('moved');
    expect(fields['seclog.collision.seclog.collision.message']).toBe('forged copy');
    expect(collided).toBe(2);
  });

  it('counts nothing when no attribute collides', () => {
    const { fields, collided } = setup({ 'user.id': 'alice', 'event.outcome': 'failure' });
    expect(fields['user.id']).toBe('alice');
    expect(collided).toBe(0);
  });
});
