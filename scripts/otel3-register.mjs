// Preloaded with --import during the 3.x test run (see scripts/test-otel3.mjs).
import { createRequire, register, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./otel3-hooks.mjs', import.meta.url);

// @seclog/node loads the bridges' instrumentations with require(), which the hooks above do not
// see; synchronous hooks (Node >= 22.15) resolve those from compat/otel-3 too. For require() the
// default resolver ignores a changed parentURL, so the path is resolved here.
const compatRequire = createRequire(new URL('../compat/otel-3/package.json', import.meta.url));
const BRIDGE_PACKAGES =
  /^@opentelemetry\/(instrumentation-pino|instrumentation-winston|winston-transport)$/;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (BRIDGE_PACKAGES.test(specifier) && context.conditions.includes('require'))
      return { url: pathToFileURL(compatRequire.resolve(specifier)).href, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
