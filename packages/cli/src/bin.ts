#!/usr/bin/env node
// Entry point of the `seclog` bin: hands argv and the process streams to runCli.
import { runCli } from './run-cli.js';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    controller.abort();
    // Commands stop on the abort; should one not within 2 s, exit anyway (128 + signal number).
    setTimeout(() => process.exit(sig === 'SIGINT' ? 130 : 143), 2000).unref();
  });
}

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdout.isTTY === true,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
