// Loaded first with `node --import ./telemetry.js`: starts security logging before the app, so
// every module sees the registered provider. Pairs with collector-config/agent.yaml when
// OTEL_LOGS_EXPORTER=otlp (see examples/with-collector).
import { join } from 'node:path';
import { startSecurityLogging } from '@seclog/node';

/** Where the demo's tamper-evident log files go (override with SECLOG_DEMO_LOG_DIR). */
export const LOG_DIRECTORY = process.env.SECLOG_DEMO_LOG_DIR ?? join(process.cwd(), 'logs');

export const seclog = startSecurityLogging({
  serviceName: 'demo-auth-api',
  serviceVersion: '1.0.0',
  console: { format: process.env.SECLOG_DEMO_CONSOLE_FORMAT === 'json' ? 'json' : 'pretty' },
  file: { directory: LOG_DIRECTORY },
});
