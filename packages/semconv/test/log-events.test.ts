// seclog's own events about the log: valid OTel event names, outside the OWASP vocabulary.
import { describe, expect, it } from 'vitest';
import {
  EVENT_SECLOG_CHAIN_ANCHOR,
  EVENT_SECLOG_INVALID_CUSTOM_EVENT,
  EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
  LOG_INTEGRITY_VIOLATION_KINDS,
  getSecurityEvent,
  isValidEventName,
} from '@seclog/semconv';

describe('log events', () => {
  it('are valid event names that no vocabulary event uses', () => {
    for (const name of [
      EVENT_SECLOG_CHAIN_ANCHOR,
      EVENT_SECLOG_INVALID_CUSTOM_EVENT,
      EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
    ]) {
      expect(isValidEventName(name)).toBe(true);
      expect(getSecurityEvent(name)).toBeUndefined();
    }
    expect(EVENT_SECLOG_CHAIN_ANCHOR).toBe('seclog.chain.anchor');
    expect(EVENT_SECLOG_LOG_INTEGRITY_VIOLATION).toBe('seclog.log.integrity_violation');
  });

  it('rate a crash note below WARN and a cut or forgery CRITICAL', () => {
    expect(LOG_INTEGRITY_VIOLATION_KINDS['torn-line']).toBe('INFO');
    expect(LOG_INTEGRITY_VIOLATION_KINDS['missing-seal']).toBe('WARN');
    expect(LOG_INTEGRITY_VIOLATION_KINDS['missing-head']).toBe('WARN');
    expect(LOG_INTEGRITY_VIOLATION_KINDS.truncated).toBe('CRITICAL');
    expect(LOG_INTEGRITY_VIOLATION_KINDS['bad-signature']).toBe('CRITICAL');
    expect(LOG_INTEGRITY_VIOLATION_KINDS['oversized-file']).toBe('CRITICAL');
  });
});
