// Preloaded with --import during the 3.x test run (see scripts/test-otel3.mjs).
import { register } from 'node:module';

register('./otel3-hooks.mjs', import.meta.url);
