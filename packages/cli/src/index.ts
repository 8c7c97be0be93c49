// @seclog/cli: seclog command line: verify and tail rotating log directories
export {};
