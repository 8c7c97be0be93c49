// examples/with-collector/start.js: runs the demo only when an OTLP/HTTP receiver answers.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../start.js', import.meta.url));

interface Run {
  readonly code: number;
  readonly stderr: string;
}

function run(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script],
      { env: { ...process.env, ...env } },
      (error, _stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
      },
    );
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

describe('start.js', () => {
  it('exits 1 and says how to start a Collector when no receiver answers', async () => {
    const port = await closedPort();
    const result = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('otelcol-contrib --config=collector-config/local.yaml');
  });

  it('probes /v1/logs with an empty OTLP/JSON request and then runs the demo start script', async () => {
    const requests: { url: string | undefined; type: string | undefined; body: string }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ url: req.url, type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const result = await run({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
        SECLOG_WITH_COLLECTOR_DRY_RUN: '1',
      });
      expect(result.code).toBe(0);
      expect(requests).toEqual([{ url: '/v1/logs', type: 'application/json', body: '{}' }]);
      expect(result.stderr).toContain('running the demo: node --import ./telemetry.js');
    } finally {
      server.close();
    }
  });
});
