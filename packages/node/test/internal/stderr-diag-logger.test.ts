import { afterEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import {
  diagLoggerInstalled,
  installStderrFallback,
  StderrDiagLogger,
} from '../../src/internal/stderr-diag-logger.js';

function sink(): { lines: string[]; write: (line: string) => void } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

afterEach(() => {
  diag.disable();
});

describe('StderrDiagLogger', () => {
  it('prints a warning or an error as one line, tagged and escaped', () => {
    const out = sink();
    const logger = new StderrDiagLogger({ sink: out });
    logger.warn('@seclog/node: bad\nvalue \u001b[31mred\u202e');
    logger.error('@seclog/node: worse');
    expect(out.lines).toEqual([
      '[seclog] warn: @seclog/node: bad\\nvalue \\u001b[31mred\\u202e\n',
      '[seclog] error: @seclog/node: worse\n',
    ]);
  });

  it('names messages that are not its own as OpenTelemetry’s, and reads the SDK’s error JSON', () => {
    const out = sink();
    const logger = new StderrDiagLogger({ sink: out });
    logger.error(
      JSON.stringify({ stack: 'Error: x\n    at y', message: 'socket hang up', name: 'Error' }),
    );
    expect(out.lines).toEqual(['[seclog] error: OpenTelemetry: Error: socket hang up\n']);
  });

  it('explains, as a warning, the SDK error about resource attributes read before detection settled', () => {
    const out = sink();
    new StderrDiagLogger({ sink: out }).error(
      'Accessing resource attributes before async attributes settled',
    );
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(
      /^\[seclog\] warn: OpenTelemetry: Resource attributes read before/,
    );
    expect(out.lines[0]).toContain('carry the resource attributes known so far');
  });

  it('prints a condition once a minute, however its numbers change, then counts the repeats', () => {
    const out = sink();
    let now = 0;
    const logger = new StderrDiagLogger({ sink: out, now: () => now });
    logger.warn('@seclog/node: dropped 3 records');
    logger.warn('@seclog/node: dropped 7 records');
    now = 30_000;
    logger.warn('@seclog/node: dropped 9 records');
    expect(out.lines).toHaveLength(1);
    now = 61_000;
    logger.warn('@seclog/node: dropped 4 records');
    expect(out.lines).toEqual([
      '[seclog] warn: @seclog/node: dropped 3 records\n',
      '[seclog] warn: @seclog/node: dropped 4 records (and 2 more since)\n',
    ]);
  });

  it('prints at most 20 lines per 10 s and says later how many it held back', () => {
    const out = sink();
    let now = 0;
    const logger = new StderrDiagLogger({ sink: out, now: () => now });
    for (let i = 0; i < 25; i++) logger.warn(`@seclog/node: condition ${'x'.repeat(i)}`);
    expect(out.lines).toHaveLength(20);
    now = 10_000;
    logger.warn('@seclog/node: another');
    expect(out.lines[20]).toBe(
      '[seclog] warn: @seclog/node: another (5 other seclog messages were suppressed by the rate limit)\n',
    );
  });

  it('stays quiet when the application’s logger replaces it', () => {
    const out = sink();
    const uninstall = installStderrFallback(out);
    expect(diagLoggerInstalled()).toBe(true);
    const theirs: string[] = [];
    const record = (m: string): void => void theirs.push(m);
    diag.setLogger(
      { error: record, warn: record, info: record, debug: record, verbose: record },
      DiagLogLevel.WARN,
    );
    diag.warn('@seclog/node: after the hand-over');
    expect(out.lines).toEqual([]);
    expect(theirs).toContain('@seclog/node: after the hand-over');
    // Its undo leaves the application's logger in place.
    uninstall();
    diag.warn('@seclog/node: still theirs');
    expect(theirs).toContain('@seclog/node: still theirs');
  });

  it('is not installed over a diag logger the application set first', () => {
    const theirs: string[] = [];
    const record = (m: string): void => void theirs.push(m);
    diag.setLogger(
      { error: record, warn: record, info: record, debug: record, verbose: record },
      DiagLogLevel.WARN,
    );
    const out = sink();
    installStderrFallback(out);
    diag.warn('@seclog/node: to the application');
    expect(out.lines).toEqual([]);
    expect(theirs).toEqual(['@seclog/node: to the application']);
  });

  it('stays while any setup that installed it still runs', () => {
    const out = sink();
    const first = installStderrFallback(out);
    const second = installStderrFallback(out);
    first();
    diag.warn('@seclog/node: the second setup still runs');
    expect(out.lines).toHaveLength(1);
    second();
    expect(diagLoggerInstalled()).toBe(false);
  });
});
