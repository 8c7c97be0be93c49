// @seclog/cli: the `seclog` command line (verify and tail rotating log directories), also usable
// as a library.
export { runCli, EXIT_OK, EXIT_BROKEN, EXIT_USAGE } from './run-cli.js';
export type { CliIo } from './run-cli.js';
export { tailDirectory } from './tail-directory.js';
export type { TailOptions } from './tail-directory.js';
export { formatPretty } from './format-pretty.js';
export { parseDuration } from './parse-duration.js';
