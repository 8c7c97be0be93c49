// The bounded wait that flush, shutdown and the resource's detectors share: it resolves when the
// work settles or at the deadline, never rejects, and says which of the two happened.
import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../src/internal/with-timeout.js';

describe('withTimeout', () => {
  it('resolves when the work settles, without calling onTimeout', async () => {
    const calls: string[] = [];
    await withTimeout(() => Promise.resolve('done'), 60_000, {
      onTimeout: () => calls.push('timeout'),
      onError: () => calls.push('error'),
    });
    expect(calls).toEqual([]);
  });

  it('resolves at the deadline after onTimeout when the work never settles', async () => {
    const calls: string[] = [];
    await withTimeout(() => new Promise<never>(() => {}), 1, {
      onTimeout: () => calls.push('timeout'),
    });
    expect(calls).toEqual(['timeout']);
  });

  it('hands a rejection or a synchronous throw to onError and still resolves', async () => {
    const errors: unknown[] = [];
    const onError = (error: unknown): number => errors.push(error);
    await withTimeout(() => Promise.reject(new Error('rejected')), 60_000, { onError });
    await withTimeout(
      () => {
        throw new Error('thrown');
      },
      60_000,
      { onError },
    );
    expect(errors.map((e) => (e as Error).message)).toEqual(['rejected', 'thrown']);
  });

  it('ignores a failure when there is no onError', async () => {
    await expect(withTimeout(() => Promise.reject(new Error('x')), 60_000)).resolves.toBe(
      undefined,
    );
  });
});
