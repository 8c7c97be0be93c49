// The one escaping policy, from @seclog/security-logger, under the path the console's line formats
// import it by (format-pretty-line.ts is byte-identical in @seclog/cli, which has its own copy).
export { escapeJsonLine } from '@seclog/security-logger';
