// @seclog/semconv: Security event vocabulary (OWASP + configuration change) and attribute keys, with ECS and OCSF mappings as data
export {};
