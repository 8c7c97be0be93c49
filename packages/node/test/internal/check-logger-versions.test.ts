// The ranges the version check says match what the installed instrumentations patch, on each
// OpenTelemetry line; and the comparison reads versions as semver does for these ranges.
import { describe, expect, it } from 'vitest';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { WinstonInstrumentation } from '@opentelemetry/instrumentation-winston';
import { inRange, SUPPORTED_RANGES } from '../../src/internal/bridges/check-logger-versions.js';

interface Definitions {
  getModuleDefinitions(): { name: string; supportedVersions: string[] }[];
}

describe('SUPPORTED_RANGES', () => {
  it('is what @opentelemetry/instrumentation-pino patches', () => {
    const pino = new PinoInstrumentation({ enabled: false }) as unknown as Definitions;
    expect(pino.getModuleDefinitions().flatMap((d) => d.supportedVersions)).toEqual([
      SUPPORTED_RANGES.pino.text,
    ]);
  });

  it('is the winston range @opentelemetry/instrumentation-winston sends records for', () => {
    const winston = new WinstonInstrumentation({ enabled: false }) as unknown as Definitions;
    // The first definition adds the OpenTelemetry transport; the other only correlates (winston 1, 2).
    expect(winston.getModuleDefinitions().map((d) => d.supportedVersions)).toEqual([
      [SUPPORTED_RANGES.winston.text],
      ['>=1 <3'],
    ]);
  });
});

describe('inRange', () => {
  it('reads the bounds of each range', () => {
    const { pino, winston } = SUPPORTED_RANGES;
    expect(['5.13.9', '5.14.0', '10.4.0', '11.0.0', '4.17.1'].map((v) => inRange(v, pino))).toEqual(
      [false, true, true, false, false],
    );
    expect(['2.4.5', '3.0.0', '3.19.0', '4.0.0-rc.1'].map((v) => inRange(v, winston))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(inRange('latest', pino)).toBeUndefined();
  });
});
