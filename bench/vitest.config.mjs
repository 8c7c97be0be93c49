// vitest for the bench's own smoke test (the root config covers packages only): `pnpm --filter
// @seclog/bench test`, or `npx vitest run --config bench/vitest.config.mjs` from the root.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['test/**/*.test.ts'], testTimeout: 10_000 },
});
