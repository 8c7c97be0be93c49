// A writer started in another signing mode than its slot was written in says so once, through the
// global error handler, naming both modes; the same mode says nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import {
  createSealingStates,
  RotatingFileLogRecordExporter,
  sealingStateFileName,
  writeSealingStateFile,
  type RotatingFileLogRecordExporterOptions,
} from '@seclog/rotating-file-log-record-exporter';
import { record, tempDir } from './helpers.js';

// Built at run time: a test key, not a secret.
const KEY = ['signing', 'mode', 'test', 'key'].join('-');

let dir: string;
let cleanup: () => void;
const errors: string[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  setGlobalErrorHandler((e) => errors.push((e as Error).message));
});

afterEach(() => {
  setGlobalErrorHandler(loggingErrorHandler());
  errors.length = 0;
  cleanup();
});

type Signing = Pick<RotatingFileLogRecordExporterOptions, 'hmacKey' | 'keyId' | 'sealingStateDir'>;

const HMAC: Signing = { hmacKey: KEY, keyId: 'k1' };
const NONE: Signing = {};

/** A sealing state directory for one writer, as `seclog keys init` makes it. */
function forwardSecure(): Signing {
  const stateDir = join(dir, 'keys');
  mkdirSync(stateDir, { mode: 0o700 });
  const { states } = createSealingStates({ slots: 1, epochMs: 60_000, startMs: Date.now() });
  for (const s of states) writeSealingStateFile(join(stateDir, sealingStateFileName(s.slot)), s);
  return { sealingStateDir: stateDir };
}

/** One writer's life on the log directory: start, two exports, shutdown. */
async function writeWith(signing: Signing): Promise<void> {
  const e = new RotatingFileLogRecordExporter({ directory: join(dir, 'logs'), ...signing });
  for (const n of [1, 2]) {
    const result = await new Promise<{ code: number }>((r) => e.export([record(n)], r));
    expect(result.code).toBe(0);
  }
  await e.shutdown();
}

const said = (): string[] => errors.filter((m) => m.includes('signing mode changed'));

describe('RotatingFileLogRecordExporter', () => {
  describe('start on a directory written in another signing mode', () => {
    it('says once that a writer without a key follows one with hmacKey', async () => {
      await writeWith(HMAC);
      await writeWith(NONE);
      expect(said()).toEqual([
        `@seclog/rotating-file-log-record-exporter: signing mode changed: ${join(dir, 'logs')} (slot 0): its files so far were signed with a fixed HMAC key (hmacKey), this writer signs without a key (nothing it writes is signed); a verify with either key now reports the other part as bad-signature or unsigned. Give a new signing mode a new directory (docs/file-format.md, "Changing the signing mode")`,
      ]);
    });

    it('says once that a writer with hmacKey follows one without a key', async () => {
      await writeWith(NONE);
      await writeWith(HMAC);
      expect(said()).toHaveLength(1);
      expect(said()[0]).toContain(
        'its files so far were signed without a key, this writer signs with a fixed HMAC key (hmacKey);',
      );
    });

    it('says that forward-secure sealing follows hmacKey, and the other way round', async () => {
      const fss = forwardSecure();
      await writeWith(HMAC);
      await writeWith(fss);
      await writeWith(HMAC);
      expect(said()).toHaveLength(2);
      expect(said()[0]).toContain(
        'signed with a fixed HMAC key (hmacKey), this writer signs with forward-secure epoch keys (sealingStateDir);',
      );
      expect(said()[1]).toContain(
        'signed with forward-secure epoch keys (sealingStateDir), this writer signs with a fixed HMAC key (hmacKey);',
      );
    });

    it('says nothing when the mode stays, or on a new directory', async () => {
      await writeWith(HMAC);
      await writeWith(HMAC);
      await writeWith(NONE);
      errors.length = 0;
      await writeWith(NONE);
      expect(said()).toEqual([]);
    });
  });
});
