// The demo: starts the service, replays the traffic story against it, flushes, and says where the
// tamper-evident files are. Run with `node --import ./telemetry.js demo.js` (pnpm start).
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApp, createUsers } from './app.js';
import { LOG_DIRECTORY, seclog } from './telemetry.js';
import { runAdminTraffic, runTraffic } from './traffic.js';

const users = createUsers();
const server = createApp({ seclog, users });
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address();
const baseUrl = `http://127.0.0.1:${port}`;

const out = (line) => process.stderr.write(`${line}\n`);
out(`demo: auth service listening on ${baseUrl}; security events follow on stdout\n`);
const steps = await runTraffic(baseUrl, users);
const firewallStatus = await runAdminTraffic(baseUrl, users);
server.close();
await seclog.shutdown();

out('');
for (const s of steps)
  out(`demo: ${s.what.padEnd(36)} -> HTTP ${s.status}  x-request-id=${s.requestId}`);
out(`demo: carol changes a firewall rule (save fails)  -> HTTP ${firewallStatus}`);
const stats = seclog.stats();
for (const [path, s] of Object.entries(stats)) {
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  out(`demo: ${path}: ${s.exported} records exported, ${dropped} dropped`);
}
out(`demo: tamper-evident files in ${LOG_DIRECTORY}`);
const cli = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
if (existsSync(cli)) {
  const verify = spawnSync(process.execPath, [cli, 'verify', LOG_DIRECTORY], { encoding: 'utf8' });
  const said = `${verify.stdout}${verify.stderr}`.trim().replace(/\n/g, ' | ');
  out(`demo: seclog verify ${LOG_DIRECTORY}: exit ${verify.status}: ${said}`);
  out(`demo: run it yourself: node ${cli} verify ${LOG_DIRECTORY}`);
}
