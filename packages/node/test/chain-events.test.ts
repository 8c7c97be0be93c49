// The file exporter's anchors and integrity violations, as startSecurityLogging emits them:
// records of their own event names through every export path, the file itself included.
import { setTimeout as sleep } from 'node:timers/promises';
import { runWithRequestContext } from '@seclog/security-logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { startSecurityLogging, type StartSecurityLoggingOptions } from '@seclog/node';
import {
  RotatingFileLogRecordExporter,
  verifyAnchors,
  verifyDirectory,
} from '@seclog/rotating-file-log-record-exporter';
import { EVENT_SECLOG_CHAIN_ANCHOR, EVENT_SECLOG_LOG_INTEGRITY_VIOLATION } from '@seclog/semconv';

const KEY = 'node-anchor-test-key-012345';
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'seclog-node-anchors-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Every record of a directory's data files, parsed, in file order (a line holds a batch). */
function records(directory: string): any[] {
  return readdirSync(directory)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .flatMap((f) => readFileSync(join(directory, f), 'utf8').split('\n').filter(Boolean))
    .flatMap((l) =>
      JSON.parse(l).resourceLogs.flatMap((rl: any) =>
        rl.scopeLogs.flatMap((sl: any) => sl.logRecords),
      ),
    );
}

/** The data files of `directory` concatenated, as the Collector's file exporter would hold them. */
function concatenated(directory: string, into: string): string {
  const text = readdirSync(directory)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .map((f) => readFileSync(join(directory, f), 'utf8'))
    .join('');
  writeFileSync(into, text);
  return into;
}

/** A run of the application: `n` events, shut down; the off-host copy gets every record too. */
async function run(
  logs: string,
  offhost: string,
  from: number,
  n: number,
  extra: StartSecurityLoggingOptions = {},
) {
  const seclog = startSecurityLogging({
    serviceName: 'auth-api',
    console: false,
    file: { directory: logs, maxFileBytes: 8192, hmacKey: KEY, keyId: 'k1' },
    exporters: { offhost: new RotatingFileLogRecordExporter({ directory: offhost }) },
    handleExit: false,
    registerGlobal: false,
    ...extra,
  });
  for (let i = from; i < from + n; i++) seclog.security.authn.loginFail({ userId: `u${i}` });
  await seclog.shutdown();
}

describe('chain anchors', () => {
  it('reach every export path, cover every record of the run, and never feed themselves', async () => {
    const logs = join(root, 'logs');
    const offhost = join(root, 'offhost');
    await run(logs, offhost, 0, 40);
    const local = records(logs);
    const shipped = records(offhost);
    const anchorsShipped = shipped.filter((r) => r.eventName === EVENT_SECLOG_CHAIN_ANCHOR);
    const anchorsLocal = local.filter((r) => r.eventName === EVENT_SECLOG_CHAIN_ANCHOR);
    expect(anchorsShipped.length).toBeGreaterThan(1);
    // The file got the same anchors (an anchor written there made no further one due).
    expect(anchorsLocal).toHaveLength(anchorsShipped.length);
    expect(anchorsShipped.length).toBeLessThanOrEqual(local.length - anchorsLocal.length);
    // The last anchor covers the last event of the application (and the anchors written before it).
    const seqOf = (r: any, key: string): number =>
      Number(r.attributes.find((a: any) => a.key === key).value.intValue);
    const lastEvent = local.filter((r) => r.eventName !== EVENT_SECLOG_CHAIN_ANCHOR).at(-1);
    expect(seqOf(anchorsShipped.at(-1), 'seclog.chain.anchor.seq')).toBeGreaterThanOrEqual(
      seqOf(lastEvent, 'seclog.chain.seq'),
    );
    expect(anchorsShipped[0].severityText).toBe('INFO');
    const anchors = concatenated(offhost, join(root, 'anchors.ndjson'));
    const r = await verifyAnchors(logs, anchors, { hmacKey: KEY });
    expect(r.issues).toEqual([]);
    expect(r.anchorsChecked).toBe(anchorsShipped.length);
  });

  it('catch the rollback of the whole directory that verify alone passes', async () => {
    const logs = join(root, 'logs');
    const offhost = join(root, 'offhost');
    await run(logs, offhost, 0, 20);
    cpSync(logs, join(root, 'copy'), { recursive: true });
    await run(logs, offhost, 20, 40);
    rmSync(logs, { recursive: true });
    cpSync(join(root, 'copy'), logs, { recursive: true });
    expect((await verifyDirectory(logs, { hmacKey: KEY })).issues).toEqual([]);
    const anchors = concatenated(offhost, join(root, 'anchors.ndjson'));
    const r = await verifyAnchors(logs, anchors, { hmacKey: KEY });
    expect(r.ok).toBe(false);
    expect(r.issues[0]?.kind).toBe('anchor-missing');
    expect(r.issues[0]?.file).toBe(anchors);
    expect(r.issues[0]?.message).toMatch(
      /is missing locally: slot 0 ends at sequence \d+ \(seclog-\d{6}\.ndjson line \d+\)/,
    );
  });
});

/** An exporter that keeps what it got (InMemoryLogRecordExporter forgets it at shutdown). */
function collecting(): { got: ReadableLogRecord[]; memory: InMemoryLogRecordExporter } {
  const got: ReadableLogRecord[] = [];
  const memory = new InMemoryLogRecordExporter();
  memory.export = (batch, done) => {
    got.push(...batch);
    done({ code: 0 });
  };
  return { got, memory };
}

describe('integrity violations', () => {
  it('emit seclog.log.integrity_violation, CRITICAL, when the file was cut before the restart', async () => {
    const logs = join(root, 'logs');
    await run(logs, join(root, 'offhost'), 0, 5);
    const path = join(logs, 'seclog-000001.ndjson');
    truncateSync(path, readFileSync(path).length - 100);
    const { got, memory } = collecting();
    await run(logs, join(root, 'offhost'), 5, 1, { exporters: { memory } });
    const found = got.filter((r) => r.eventName === EVENT_SECLOG_LOG_INTEGRITY_VIOLATION);
    expect(found).toHaveLength(1);
    expect(found[0]?.severityNumber).toBe(18);
    expect(found[0]?.severityText).toBe('CRITICAL');
    expect(found[0]?.instrumentationScope.name).toBe('@seclog/security');
    expect(found[0]?.attributes).toMatchObject({
      'file.name': 'seclog-000001.ndjson',
      'seclog.reason': 'truncated',
      'seclog.outcome': 'unknown',
    });
    expect(found[0]?.attributes['seclog.detail']).toMatch(/vouches for \d+ bytes: it was cut/);
  });

  it('carry no request or trace of the request that happened to start the exporter', async () => {
    const logs = join(root, 'logs');
    await run(logs, join(root, 'offhost'), 0, 5);
    const path = join(logs, 'seclog-000001.ndjson');
    truncateSync(path, readFileSync(path).length - 100);
    const { got, memory } = collecting();
    const seclog = startSecurityLogging({
      serviceName: 'auth-api',
      console: false,
      file: { directory: logs, maxFileBytes: 8192, hmacKey: KEY, keyId: 'k1' },
      exporters: { memory },
      handleExit: false,
      registerGlobal: false,
    });
    const spanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    // The batch timer is set inside the request, so the first export, and the exporter's start
    // with it, run in that request's async context.
    await runWithRequestContext({ requestId: 'req-alice', spanContext }, async () => {
      seclog.security.authn.loginFail({ userId: 'alice' });
      await sleep(500);
    });
    await seclog.shutdown();
    const login = got.find((r) => r.eventName === 'seclog.authn_login_fail');
    expect(login?.attributes['seclog.request.id']).toBe('req-alice');
    const found = got.filter((r) => r.eventName === EVENT_SECLOG_LOG_INTEGRITY_VIOLATION);
    expect(found).toHaveLength(1);
    expect(found[0]?.attributes['seclog.request.id']).toBeUndefined();
    expect(found[0]?.spanContext?.traceId).not.toBe(spanContext.traceId);
  });
});
