#!/usr/bin/env node
// Entry point of the `seclog` bin: hands argv and the process streams to runCli.
import { runCli } from './run-cli.js';

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: process.stdout.isTTY === true,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
