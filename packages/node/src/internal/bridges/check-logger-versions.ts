// A pino or winston outside what its instrumentation patches is left alone by it: the app logs as
// before and no record reaches seclog, with nothing said. The application's own copy is read
// (from its main module, else the working directory) and a version outside the range is said
// once, at setup; setup goes on, since the app's logging itself still works.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';

/** A `>=min <belowMajor` range, as the instrumentations declare them. */
interface SupportedRange {
  readonly min: readonly [number, number, number];
  readonly belowMajor: number;
  /** How the instrumentation spells it. */
  readonly text: string;
  readonly instrumentation: string;
}

/**
 * The ranges whose records the bridges carry, from the instrumentations' `supportedVersions`
 * (instrumentation-pino 0.69 and 0.70: `>=5.14.0 <11`; instrumentation-winston 0.68 and 0.69
 * patch `>=1 <3` for log correlation only, and send records through OpenTelemetryTransportV3 for
 * `>=3 <4`). test/internal/check-logger-versions.test.ts compares them with the installed ones.
 */
export const SUPPORTED_RANGES = {
  pino: {
    min: [5, 14, 0],
    belowMajor: 11,
    text: '>=5.14.0 <11',
    instrumentation: '@opentelemetry/instrumentation-pino',
  },
  winston: {
    min: [3, 0, 0],
    belowMajor: 4,
    text: '>=3 <4',
    instrumentation: '@opentelemetry/instrumentation-winston',
  },
} as const satisfies Record<string, SupportedRange>;

type LoggerName = keyof typeof SUPPORTED_RANGES;

/** Whether `version` (x.y.z, a pre-release tag ignored) is in `range`; `undefined` if unreadable. */
export function inRange(version: string, range: SupportedRange): boolean | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) return undefined;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major >= range.belowMajor) return false;
  const [a, b, c] = range.min;
  if (major !== a) return major > a;
  if (minor !== b) return minor > b;
  return patch >= c;
}

/** The application's copy of `name`: its version and where it is, or undefined if not found. */
function installedVersion(name: string): { version: string; path: string } | undefined {
  const from = [process.argv[1], join(process.cwd(), 'package.json')].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  for (const base of from) {
    try {
      const path = createRequire(base).resolve(`${name}/package.json`);
      const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return { version, path };
    } catch {
      // Not installed where this base looks, or a package.json it does not export.
    }
  }
  return undefined;
}

/** Says, once per logger, when the application's pino or winston is outside what is bridged. */
export function checkLoggerVersions(names: readonly LoggerName[]): void {
  for (const name of names) {
    const installed = installedVersion(name);
    if (installed === undefined) continue;
    const range = SUPPORTED_RANGES[name];
    if (inRange(installed.version, range) !== false) continue;
    diag.warn(
      `@seclog/node: bridges: ${name} ${installed.version} (${installed.path}) is outside the range ${range.instrumentation} bridges (${range.text}); its records do not reach seclog. Use a ${name} in that range, or remove '${name}' from the bridges option`,
    );
  }
}
