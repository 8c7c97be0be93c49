// In ecs-json files an app attribute named like a core ECS field cannot forge the time, the
// action or the level a SIEM shows; it lands under the @seclog/semconv collision namespace.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSecurityLogging } from '@seclog/node';
import { verifyDirectory } from '@seclog/rotating-file-log-record-exporter';
import { ATTR_SECLOG_COLLISION } from '@seclog/semconv';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seclog-ecs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function startEcs() {
  return startSecurityLogging({
    handleExit: false,
    registerGlobal: false,
    redaction: false,
    console: false,
    file: { directory: dir, format: 'ecs-json' },
  });
}

/** The app's record: the first line (the chain anchor at shutdown follows it). */
function onlyLine(): Record<string, unknown> {
  const [file] = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
  const [first] = readFileSync(join(dir, file!), 'utf8').split('\n');
  return JSON.parse(first!) as Record<string, unknown>;
}

describe('startSecurityLogging', () => {
  it('writes forged ECS core fields of an app record under ATTR_SECLOG_COLLISION', async () => {
    const seclog = startEcs();
    seclog.getLogger('billing').warn('refund issued', {
      '@timestamp': '1999-01-01T00:00:00.000Z',
      message: 'nothing happened',
      'event.action': 'seclog.authn_login_success',
      'log.level': 'DEBUG',
      'log.logger': 'trusted',
    });
    await seclog.shutdown();
    const line = onlyLine();
    expect(line['@timestamp']).not.toBe('1999-01-01T00:00:00.000Z');
    expect(line.message).toBe('refund issued');
    expect(line['event.action']).toBeUndefined();
    expect(line['log.level']).toBe('WARN');
    expect(line).toMatchObject({
      [ATTR_SECLOG_COLLISION('@timestamp')]: '1999-01-01T00:00:00.000Z',
      [ATTR_SECLOG_COLLISION('message')]: 'nothing happened',
      [ATTR_SECLOG_COLLISION('event.action')]: 'seclog.authn_login_success',
      [ATTR_SECLOG_COLLISION('log.level')]: 'DEBUG',
      [ATTR_SECLOG_COLLISION('log.logger')]: 'trusted',
    });
    expect((await verifyDirectory(dir)).ok).toBe(true);
  });

  it('moves nested attributes that would reach a core field by their path, as Elasticsearch reads them', async () => {
    const seclog = startEcs();
    seclog.getLogger('billing').info('refund issued', {
      log: { level: 'FORGED', origin: 'kept' },
      event: { category: 'web' },
      seclog: { chain: { seq: 1 } },
    });
    await seclog.shutdown();
    const line = onlyLine();
    expect(line.log).toBeUndefined();
    expect(line.seclog).toBeUndefined();
    expect(line[ATTR_SECLOG_COLLISION('log')]).toEqual({ level: 'FORGED', origin: 'kept' });
    expect(line[ATTR_SECLOG_COLLISION('seclog')]).toEqual({ chain: { seq: 1 } });
    // Nesting that reaches no core field stays where it was.
    expect(line.event).toEqual({ category: 'web' });
    expect((await verifyDirectory(dir)).ok).toBe(true);
  });
});
