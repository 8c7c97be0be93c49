// `seclog tail` for people: filters on event, user, address, time and severity, the readable
// flat view and `--json` flat records for jq, read from files the exporter wrote.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { RotatingFileLogRecordExporter } from '@seclog/rotating-file-log-record-exporter';
import { runCli } from '@seclog/cli';
import { tempDir } from './helpers.js';

const NOW_S = Math.floor(Date.now() / 1000);

interface Spec {
  event: string;
  user?: string;
  address?: string;
  severity: [number, string];
  agoS: number;
}

const SPECS: Spec[] = [
  {
    event: 'seclog.authn_login_fail',
    user: 'alice',
    address: '203.0.113.7',
    severity: [13, 'WARN'],
    agoS: 7200,
  },
  {
    event: 'seclog.authn_login_success',
    user: 'alice',
    address: '198.51.100.2',
    severity: [9, 'INFO'],
    agoS: 600,
  },
  {
    event: 'seclog.authn_login_fail',
    user: 'bob',
    address: '203.0.113.7',
    severity: [13, 'WARN'],
    agoS: 60,
  },
  { event: 'seclog.authz_fail', user: 'bob', severity: [18, 'CRITICAL'], agoS: 30 },
  { event: 'seclog.sys_startup', severity: [9, 'INFO'], agoS: 10 },
];

function securityRecord(s: Spec): ReadableLogRecord {
  const attributes: Record<string, string> = {};
  if (s.user !== undefined) attributes['user.id'] = s.user;
  if (s.address !== undefined) attributes['client.address'] = s.address;
  return {
    hrTime: [NOW_S - s.agoS, 0],
    hrTimeObserved: [NOW_S - s.agoS, 0],
    body: `${s.event} happened`,
    eventName: s.event,
    severityNumber: s.severity[0],
    severityText: s.severity[1],
    resource: { attributes: { 'service.name': 'auth-api' } },
    instrumentationScope: { name: 'seclog' },
    attributes,
    droppedAttributesCount: 0,
    spanContext: { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1 },
  } as unknown as ReadableLogRecord;
}

async function writeSpecs(dir: string): Promise<void> {
  const e = new RotatingFileLogRecordExporter({ directory: dir });
  for (const s of SPECS) await new Promise((resolve) => e.export([securityRecord(s)], resolve));
  await e.shutdown();
}

/** Runs `seclog tail <dir> ...args` in-process (it prints and exits); resolves with the output. */
async function tail(dir: string, args: string[], isTTY = false) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['tail', dir, ...args], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    isTTY,
  });
  const lines = stdout.split('\n').filter((l) => l !== '' && !l.includes('seclog.chain.anchor'));
  return { code, lines, stderr };
}

describe('seclog tail', () => {
  describe('filters', () => {
    it('shows only the records of the events, users, addresses, time and severity asked for', async () => {
      const { dir, cleanup } = tempDir();
      await writeSpecs(dir);
      const events = (lines: string[]) =>
        lines
          .map((l) => JSON.parse(l) as { event_name: string; 'user.id'?: string })
          .map((r) => `${r.event_name}:${r['user.id'] ?? '-'}`);
      expect(events((await tail(dir, ['--json', '--user', 'alice'])).lines)).toEqual([
        'seclog.authn_login_fail:alice',
        'seclog.authn_login_success:alice',
      ]);
      expect(
        events((await tail(dir, ['--json', '--event', 'seclog.authn_login_fail'])).lines),
      ).toEqual(['seclog.authn_login_fail:alice', 'seclog.authn_login_fail:bob']);
      expect(
        events((await tail(dir, ['--json', '--event', 'seclog.authz_*,seclog.sys_startup'])).lines),
      ).toEqual(['seclog.authz_fail:bob', 'seclog.sys_startup:-']);
      expect(events((await tail(dir, ['--json', '--address', '203.0.113.7'])).lines)).toEqual([
        'seclog.authn_login_fail:alice',
        'seclog.authn_login_fail:bob',
      ]);
      expect(
        events((await tail(dir, ['--json', '--since', '15m', '--severity', 'warn'])).lines),
      ).toEqual(['seclog.authn_login_fail:bob', 'seclog.authz_fail:bob']);
      expect(
        events((await tail(dir, ['--json', '--user', 'bob', '--severity', 'error'])).lines),
      ).toEqual(['seclog.authz_fail:bob']);
      // A typo in a seclog event name is said, not only answered with nothing.
      const typo = await tail(dir, ['--json', '--event', 'seclog.authn_login_fial,seclog.alert*']);
      expect(typo.lines).toEqual([]);
      expect(typo.code).toBe(0);
      expect(typo.stderr).toBe(
        'seclog tail: no event seclog emits is named seclog.authn_login_fial (a typo?)\n',
      );
      expect((await tail(dir, ['--event', 'seclog.authz_fail'])).stderr).toBe('');
      // seclog's own level name, as `tail --pretty` prints alerts and authz failures.
      for (const level of ['critical', 'CRITICAL']) {
        expect(events((await tail(dir, ['--json', '--severity', level])).lines)).toEqual([
          'seclog.authz_fail:bob',
        ]);
      }
      cleanup();
    });

    it('matches an IPv4 client address and its IPv4-mapped IPv6 form both ways', async () => {
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir });
      // As a dual-stack server and an IPv4-only one report the same client, and others.
      const written: [string, string][] = [
        ['dual-stack', '::ffff:10.0.0.1'],
        ['ipv4-only', '10.0.0.1'],
        ['other-v4', '10.0.0.10'],
        ['other-mapped', '::FFFF:10.0.0.2'],
        ['v6', '2001:db8::1'],
      ];
      for (const [user, address] of written) {
        const spec: Spec = { ...SPECS[0]!, user, address };
        await new Promise((resolve) => e.export([securityRecord(spec)], resolve));
      }
      await e.shutdown();
      const users = async (address: string) =>
        (await tail(dir, ['--json', '--address', address])).lines.map(
          (l) => (JSON.parse(l) as { 'user.id': string })['user.id'],
        );
      expect(await users('10.0.0.1')).toEqual(['dual-stack', 'ipv4-only']);
      expect(await users('::ffff:10.0.0.1')).toEqual(['dual-stack', 'ipv4-only']);
      expect(await users('0:0:0:0:0:ffff:a00:1')).toEqual(['dual-stack', 'ipv4-only']);
      expect(await users('10.0.0.2')).toEqual(['other-mapped']);
      expect(await users('2001:DB8:0::1,10.0.0.10')).toEqual(['other-v4', 'v6']);
      expect(await users('10.0.0.3')).toEqual([]);
      cleanup();
    });

    it('looks back through the rotated files with --since', async () => {
      const { dir, cleanup } = tempDir();
      const e = new RotatingFileLogRecordExporter({ directory: dir, maxFileBytes: 4096 });
      for (let i = 0; i < 30; i++) {
        const spec: Spec = { ...SPECS[0]!, user: `u${i}`, agoS: i < 5 ? 7200 : 300 - i };
        await new Promise((resolve) => e.export([securityRecord(spec)], resolve));
      }
      await e.shutdown();
      expect(readdirSync(dir).filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThan(2);
      const { lines } = await tail(dir, ['--json', '--since', '1h']);
      expect(lines.map((l) => (JSON.parse(l) as { 'user.id': string })['user.id'])).toEqual(
        Array.from({ length: 25 }, (_, i) => `u${i + 5}`),
      );
      cleanup();
    });

    it('counts -n among the records that pass the filters', async () => {
      const { dir, cleanup } = tempDir();
      await writeSpecs(dir);
      const { lines } = await tail(dir, ['--json', '-n', '1', '--user', 'alice']);
      expect(lines.map((l) => (JSON.parse(l) as { event_name: string }).event_name)).toEqual([
        'seclog.authn_login_success',
      ]);
      cleanup();
    });

    it('exits 2 naming a bad --since or --severity', async () => {
      const { dir, cleanup } = tempDir();
      const since = await tail(dir, ['--since', 'yesterday']);
      expect(since.code).toBe(2);
      expect(since.stderr).toMatch(/^seclog tail: --since takes a duration like 15m/);
      const severity = await tail(dir, ['--severity', 'loud']);
      expect(severity.code).toBe(2);
      expect(severity.stderr).toMatch(/^seclog tail: --severity takes trace, debug, info/);
      cleanup();
    });
  });

  describe('output', () => {
    it('prints one flat JSON object per record with --json, attributes under their own keys', async () => {
      const { dir, cleanup } = tempDir();
      await writeSpecs(dir);
      const { lines } = await tail(dir, [
        '--json',
        '--user',
        'bob',
        '--event',
        'seclog.authz_fail',
      ]);
      expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
        {
          time: new Date((NOW_S - 30) * 1000).toISOString(),
          severity_text: 'CRITICAL',
          severity_number: 18,
          event_name: 'seclog.authz_fail',
          body: 'seclog.authz_fail happened',
          trace_id: 'ab'.repeat(16),
          span_id: 'cd'.repeat(8),
          'service.name': 'auth-api',
          'user.id': 'bob',
        },
      ]);
      cleanup();
    });

    it('prints the readable line on a terminal, who and from where first', async () => {
      const { dir, cleanup } = tempDir();
      await writeSpecs(dir);
      const { lines } = await tail(
        dir,
        ['--event', 'seclog.authn_login_fail', '--user', 'bob'],
        true,
      );
      expect(lines).toEqual([
        `${new Date((NOW_S - 60) * 1000).toISOString()} WARN  seclog.authn_login_fail user.id=bob client.address=203.0.113.7 "seclog.authn_login_fail happened" trace_id=${'ab'.repeat(16)} span_id=${'cd'.repeat(8)}`,
      ]);
      cleanup();
    });

    it('prints the matching file lines as written with --raw', async () => {
      const { dir, cleanup } = tempDir();
      await writeSpecs(dir);
      const { lines } = await tail(dir, ['--raw', '--user', 'alice']);
      expect(lines).toHaveLength(2);
      for (const l of lines) expect(l).toMatch(/^\{"resourceLogs".*"stringValue":"alice"/);
      cleanup();
    });
  });

  describe('a missing directory', () => {
    it('with -f says it does not exist, then follows it once the application creates it', async () => {
      const { dir, cleanup } = tempDir();
      const logs = join(dir, 'logs');
      const controller = new AbortController();
      let stdout = '';
      let stderr = '';
      const done = runCli(['tail', logs, '-f', '--json', '--user', 'bob'], {
        stdout: {
          write: (t: string) => {
            stdout += t;
            controller.abort();
          },
        },
        stderr: { write: (t: string) => (stderr += t) },
        isTTY: false,
        signal: controller.signal,
      });
      while (stderr === '') await new Promise((resolve) => setTimeout(resolve, 10));
      expect(stderr).toBe(`seclog tail: ${logs} does not exist (yet); waiting for it to appear\n`);
      mkdirSync(logs);
      await writeSpecs(logs);
      expect(await done).toBe(0);
      expect(JSON.parse(stdout.split('\n')[0]!)).toMatchObject({ 'user.id': 'bob' });
      cleanup();
    });

    it('exits 2 when the path is a file', async () => {
      const { dir, cleanup } = tempDir();
      await writeSpecs(dir);
      const r = await tail(join(dir, 'seclog-000001.ndjson'), []);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is not a directory\n$/);
      cleanup();
    });
  });
});
