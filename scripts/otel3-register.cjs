// Preloaded with --require (NODE_OPTIONS) during the 3.x test run (see scripts/test-otel3.mjs):
// every @opentelemetry package of the line, and the bridges' instrumentations, resolve from
// compat/otel-3, in child processes too (vitest aliases only reach the test process).
//
// A --require preload, so it runs before a child's own `--require ./telemetry.cjs` (Node runs
// --require preloads before --import ones, and NODE_OPTIONS' before the command line's): as an
// --import it came after, and that telemetry.cjs loaded the 0.223 line from the workspace.
// In-thread hooks (module.registerHooks, Node 22.15+), not module.register: that starts Node's
// hooks thread, which runs every --require preload again, where Node cannot require() an ES
// module; an application without other loaders has no such thread.
const { createRequire, registerHooks } = require('node:module');
const { pathToFileURL } = require('node:url');

const compatPackageJson = require.resolve('../compat/otel-3/package.json');
const compatParent = pathToFileURL(compatPackageJson).href;
const compatRequire = createRequire(compatPackageJson);
const LINE_PACKAGES =
  /^@opentelemetry\/(api|sdk-logs|core|resources|context-async-hooks|sdk-metrics|exporter-logs-otlp-http|exporter-logs-otlp-proto)$/;
// @seclog/node require()s these; an ESM import of them is rare but resolved the same way.
const BRIDGE_PACKAGES =
  /^@opentelemetry\/(instrumentation-pino|instrumentation-winston|winston-transport)$/;

registerHooks({
  resolve(specifier, context, nextResolve) {
    // For require() the default resolver ignores a changed parentURL: resolved here. Only the
    // bridges: CommonJS packages outside the line (sdk-trace 2.x in a test) keep their own core.
    if (BRIDGE_PACKAGES.test(specifier) && context.conditions.includes('require'))
      return { url: pathToFileURL(compatRequire.resolve(specifier)).href, shortCircuit: true };
    if (LINE_PACKAGES.test(specifier) || BRIDGE_PACKAGES.test(specifier))
      return nextResolve(specifier, { ...context, parentURL: compatParent });
    return nextResolve(specifier, context);
  },
});
