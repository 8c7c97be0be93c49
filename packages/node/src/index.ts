// @seclog/node: One-call security logging setup for Node.js on OpenTelemetry
export {};
