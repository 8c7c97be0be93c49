// Runs the seclog demo (examples/demo) with OTLP export to a Collector, after checking that an OTLP
// receiver answers; pairs with collector-config/local.yaml (see README.md for the exact commands).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const demoDir = fileURLToPath(new URL('../demo/', import.meta.url));
const endpoint = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(
  /\/+$/,
  '',
);
const logsUrl = process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ?? `${endpoint}/v1/logs`;
const out = (line) => process.stderr.write(`with-collector: ${line}\n`);

/** An empty ExportLogsServiceRequest: a real OTLP/HTTP receiver answers 200 and ingests nothing. */
async function collectorAnswers() {
  try {
    const response = await globalThis.fetch(logsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: globalThis.AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

if (!(await collectorAnswers())) {
  out(`no OTLP/HTTP receiver answers at ${logsUrl}.`);
  out('start one first, from the repository root, e.g.:');
  out('  otelcol-contrib --config=collector-config/local.yaml');
  out('then run this again (examples/with-collector/README.md has the Docker variant).');
  process.exit(1);
}

const env = {
  ...process.env,
  OTEL_LOGS_EXPORTER: process.env.OTEL_LOGS_EXPORTER ?? 'otlp',
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
  OTEL_RESOURCE_ATTRIBUTES:
    process.env.OTEL_RESOURCE_ATTRIBUTES ?? 'deployment.environment.name=local',
};
const { scripts } = JSON.parse(readFileSync(join(demoDir, 'package.json'), 'utf8'));
out(`collector found at ${logsUrl}; exporting with ${env.OTEL_EXPORTER_OTLP_PROTOCOL}`);
out(`running the demo: ${scripts.start}`);
if (process.env.SECLOG_WITH_COLLECTOR_DRY_RUN === '1') process.exit(0);

const child = spawn(scripts.start, { cwd: demoDir, env, shell: true, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  if (code === 0) {
    out('done: the Collector printed the records (debug exporter); security events are in');
    out('  $SECLOG_LOCAL_OUTPUT_DIR/security.ndjson (default ./.seclog-collector where it runs).');
  }
  process.exit(code ?? (signal ? 1 : 0));
});
