// Runs the demo service until interrupted (Ctrl-C flushes and exits). PORT picks the port.
import { createApp, createUsers } from './app.js';
import { seclog } from './telemetry.js';

const users = createUsers();
const server = createApp({ seclog, users }).listen(
  Number(process.env.PORT ?? 3000),
  '127.0.0.1',
  () => {
    process.stderr.write(`demo: listening on http://127.0.0.1:${server.address().port}\n`);
    for (const [name, u] of Object.entries(users))
      process.stderr.write(`demo: user ${name} password ${u.password}\n`);
  },
);
