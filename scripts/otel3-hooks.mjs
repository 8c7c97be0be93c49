// Module resolution hooks for the 3.x test run: every @opentelemetry package of the line resolves
// from compat/otel-3, in child processes too (vitest aliases only reach the test process).
const COMPAT_PARENT = new URL('../compat/otel-3/package.json', import.meta.url).href;
const LINE_PACKAGES =
  /^@opentelemetry\/(api|sdk-logs|core|resources|context-async-hooks|sdk-metrics|exporter-logs-otlp-http|exporter-logs-otlp-proto)$/;

export async function resolve(specifier, context, nextResolve) {
  if (LINE_PACKAGES.test(specifier))
    return nextResolve(specifier, { ...context, parentURL: COMPAT_PARENT });
  return nextResolve(specifier, context);
}
