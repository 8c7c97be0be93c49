// The OTTL subset checker: accepts what our configs write, rejects malformed or unknown OTTL.
import { describe, expect, it } from 'vitest';
import {
  OttlError,
  evaluateCondition,
  parseCondition,
  parseStatement,
  tokenize,
} from './support/ottl.js';

describe('tokenize', () => {
  it('unquotes strings with Go escape rules', () => {
    const [token] = tokenize(String.raw`"^seclog\\.a\"b\n"`);
    expect(token).toMatchObject({ kind: 'string', value: '^seclog\\.a"b\n' });
  });

  it('rejects an escape Go does not know', () => {
    expect(() => tokenize(String.raw`"^seclog\."`)).toThrow(/invalid escape \\\./);
  });

  it('rejects an unterminated string', () => {
    expect(() => tokenize('"abc')).toThrow(OttlError);
  });

  it('rejects a character outside the grammar', () => {
    expect(() => tokenize('log.body ; x')).toThrow(/unexpected character/);
  });
});

describe('parseStatement', () => {
  it('parses an editor with a where-clause', () => {
    const statement = parseStatement(
      'set(log.attributes["event.kind"], "alert") where IsMatch(log.event_name, "^seclog\\\\.malicious_")',
    );
    expect(statement.editor.name).toBe('set');
    expect(statement.where?.kind).toBe('test');
  });

  it('parses nested converters, lists and cache paths', () => {
    expect(() =>
      parseStatement(
        'set(log.cache["ext"], Concat([log.cache["ext"], " suser=", log.cache["suser"]], ""))',
      ),
    ).not.toThrow();
  });

  it('parses math and severity enums in a where-clause', () => {
    expect(() =>
      parseStatement(
        'set(log.cache["x"], 1) where log.severity_number + 1 > SEVERITY_NUMBER_WARN4',
      ),
    ).not.toThrow();
  });

  it('rejects a statement that starts with a converter', () => {
    expect(() => parseStatement('IsMatch(log.body, "x")')).toThrow(/must start with an editor/);
  });

  it('rejects an unknown editor', () => {
    expect(() => parseStatement('sett(log.body, "x")')).toThrow(/unknown editor sett/);
  });

  it('rejects an unknown converter', () => {
    expect(() => parseStatement('set(log.body, Concatenate(["a"], ""))')).toThrow(
      /unknown converter Concatenate/,
    );
  });

  it('rejects a wrong number of arguments', () => {
    expect(() => parseStatement('set(log.body)')).toThrow(/set takes 2 arguments, got 1/);
  });

  it('rejects an editor whose target is not a path', () => {
    expect(() => parseStatement('set("x", log.body)')).toThrow(
      /first argument of set must be a path/,
    );
  });

  it('rejects a regex with look-ahead, which RE2 does not have', () => {
    expect(() => parseStatement('replace_pattern(log.body, "pass(?=word)", "***")')).toThrow(
      /look-around/,
    );
  });

  it('rejects a regex that does not compile', () => {
    expect(() => parseStatement('replace_pattern(log.body, "a(b", "c")')).toThrow(
      /not a valid regex/,
    );
  });

  it('rejects an unknown replace_all_patterns mode', () => {
    expect(() => parseStatement('replace_all_patterns(log.cache, "values", "a", "b")')).toThrow(
      /mode must be/,
    );
  });

  it('rejects a path without a context prefix', () => {
    expect(() => parseStatement('set(attributes["a"], "b")')).toThrow(/needs a context prefix/);
  });

  it('rejects an unknown path field', () => {
    expect(() => parseStatement('set(log.event, "b")')).toThrow(/unknown path log.event/);
  });

  it('rejects a log path in the resource context', () => {
    expect(() => parseStatement('set(log.body, "b")', 'resource')).toThrow(
      /not available in the resource context/,
    );
  });

  it('rejects trailing input', () => {
    expect(() => parseStatement('set(log.body, "b") "c"')).toThrow(/unexpected/);
  });
});

describe('parseCondition', () => {
  it('parses and/or/not with parentheses', () => {
    const condition = parseCondition(
      'not (log.severity_number >= SEVERITY_NUMBER_ERROR2 or IsString(log.body)) and log.event_name != nil',
    );
    expect(condition.kind).toBe('and');
  });

  it('rejects a value that is not a condition', () => {
    expect(() => parseCondition('log.event_name')).toThrow(/expected a comparison/);
  });

  it('rejects unbalanced parentheses', () => {
    expect(() => parseCondition('(log.severity_number > 9')).toThrow(OttlError);
  });

  it('rejects an unknown enum', () => {
    expect(() => parseCondition('log.severity_number >= SEVERITY_NUMBER_CRITICAL')).toThrow(
      /unknown enum/,
    );
  });
});

describe('evaluateCondition', () => {
  const critical = parseCondition(
    'IsMatch(log.event_name, "^seclog\\\\.") and (log.severity_number >= SEVERITY_NUMBER_ERROR2 or IsMatch(log.event_name, "^seclog\\\\.malicious_"))',
  );

  it('is true for a CRITICAL security event', () => {
    expect(
      evaluateCondition(critical, { eventName: 'seclog.authz_fail', severityNumber: 18 }),
    ).toBe(true);
  });

  it('is true for a WARN malicious_ event', () => {
    expect(
      evaluateCondition(critical, { eventName: 'seclog.malicious_csrf', severityNumber: 13 }),
    ).toBe(true);
  });

  it('is false for an application error without an event name', () => {
    expect(evaluateCondition(critical, { severityNumber: 21 })).toBe(false);
  });
});
