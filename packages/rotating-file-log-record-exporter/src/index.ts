// @seclog/rotating-file-log-record-exporter: Durable, rotating, tamper-evident OTLP/JSON file exporter for OpenTelemetry logs
export {};
