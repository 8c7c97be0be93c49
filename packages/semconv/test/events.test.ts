// Checks the vocabulary data against the reference: OWASP tokens and levels, ECS allowed pairs,
// OCSF uid arithmetic and classes, and the OTel naming rules for event names.
import { describe, expect, it } from 'vitest';
import {
  SECLOG_EVENT_PREFIX,
  SECURITY_EVENT_GROUPS,
  SECURITY_EVENT_PARAMETERS,
  SECURITY_EVENTS,
  SEVERITY_NUMBER_BY_LEVEL,
  UPLOAD_VALIDATION_VERDICTS,
  getSecurityEvent,
  isValidEventName,
} from '@seclog/semconv';

// The OWASP logging vocabulary: the 57 events and their levels (upload_validation is INFO|CRITICAL; its
// default is INFO), plus our sys_config_change (WARN).
const OWASP_LEVELS: Readonly<Record<string, 'INFO' | 'WARN' | 'CRITICAL'>> = {
  authn_login_success: 'INFO',
  authn_login_successafterfail: 'INFO',
  authn_login_fail: 'WARN',
  authn_login_fail_max: 'WARN',
  authn_login_lock: 'WARN',
  authn_password_change: 'INFO',
  authn_password_change_fail: 'CRITICAL',
  authn_impossible_travel: 'CRITICAL',
  authn_token_created: 'INFO',
  authn_token_revoked: 'INFO',
  authn_token_reuse: 'CRITICAL',
  authn_token_delete: 'WARN',
  authz_fail: 'CRITICAL',
  authz_change: 'WARN',
  authz_admin: 'WARN',
  crypt_decrypt_fail: 'WARN',
  crypt_encrypt_fail: 'WARN',
  excess_rate_limit_exceeded: 'WARN',
  excess_sessions_exceeded: 'WARN',
  upload_complete: 'INFO',
  upload_stored: 'INFO',
  upload_validation: 'INFO',
  upload_delete: 'INFO',
  input_validation_fail: 'WARN',
  input_validation_discrete_fail: 'WARN',
  malicious_excess_404: 'WARN',
  malicious_extraneous: 'CRITICAL',
  malicious_attack_tool: 'CRITICAL',
  malicious_sqli: 'CRITICAL',
  malicious_cors: 'CRITICAL',
  malicious_direct_reference: 'CRITICAL',
  malicious_csrf: 'WARN',
  malicious_csp_violation: 'WARN',
  mcp_prompt_injection: 'WARN',
  mcp_resource_exhaustion: 'WARN',
  mcp_tool_poisoning: 'WARN',
  privilege_permissions_changed: 'WARN',
  sensitive_create: 'WARN',
  sensitive_read: 'WARN',
  sensitive_update: 'WARN',
  sensitive_delete: 'WARN',
  sequence_fail: 'CRITICAL',
  session_created: 'INFO',
  session_renewed: 'INFO',
  session_expired: 'INFO',
  session_logout: 'INFO',
  session_use_after_expire: 'CRITICAL',
  sys_startup: 'WARN',
  sys_shutdown: 'WARN',
  sys_restart: 'WARN',
  sys_crash: 'WARN',
  sys_monitor_disabled: 'WARN',
  sys_monitor_enabled: 'WARN',
  user_created: 'WARN',
  user_updated: 'WARN',
  user_archived: 'WARN',
  user_deleted: 'WARN',
  sys_config_change: 'WARN',
};

// ECS 9.4: the event.type values allowed per event.category.
const ECS_ALLOWED_TYPES: Readonly<Record<string, readonly string[]>> = {
  api: [
    'access',
    'admin',
    'allowed',
    'change',
    'creation',
    'deletion',
    'denied',
    'end',
    'info',
    'start',
    'user',
  ],
  authentication: ['start', 'end', 'info'],
  configuration: ['access', 'change', 'creation', 'deletion', 'info'],
  database: ['access', 'change', 'info', 'error'],
  driver: ['change', 'end', 'info', 'start'],
  email: ['info'],
  file: ['access', 'change', 'creation', 'deletion', 'info'],
  host: ['access', 'change', 'end', 'info', 'start'],
  iam: ['admin', 'change', 'creation', 'deletion', 'group', 'info', 'user'],
  intrusion_detection: ['allowed', 'denied', 'info'],
  library: ['start'],
  malware: ['info'],
  network: ['access', 'allowed', 'connection', 'denied', 'end', 'info', 'protocol', 'start'],
  package: ['access', 'change', 'deletion', 'info', 'installation', 'start'],
  process: ['access', 'change', 'end', 'info', 'start'],
  registry: ['access', 'change', 'creation', 'deletion'],
  session: ['start', 'end', 'info'],
  threat: ['indicator'],
  vulnerability: ['info'],
  web: ['access', 'error', 'info'],
};

// OCSF 1.8.0: the classes we use, their category, and the activities we may pick.
const OCSF_CLASSES: Readonly<Record<number, { category: number; activities: readonly number[] }>> =
  {
    1001: { category: 1, activities: [1, 2, 3, 4, 5, 7, 10, 11] },
    2004: { category: 2, activities: [1] },
    3001: { category: 3, activities: [1, 3, 5, 6, 9] },
    3002: { category: 3, activities: [1, 2, 99] },
    3004: { category: 3, activities: [1, 3, 4, 9] },
    3005: { category: 3, activities: [1, 2] },
    4002: { category: 4, activities: [1, 2, 3, 4, 5, 6, 7, 8, 9, 99] },
    6001: { category: 6, activities: [1, 99] },
    6002: { category: 6, activities: [3, 4, 5, 6, 7] },
    6003: { category: 6, activities: [1, 2, 3, 4, 99] },
    6004: { category: 6, activities: [2] },
    6005: { category: 6, activities: [1, 2, 6, 7, 9, 10] },
    6008: { category: 6, activities: [1] },
  };

// OTel naming rules (semconv docs/general/naming.md, events.md).
const NAME_CASES: readonly (readonly [string, boolean])[] = [
  ['seclog.authn_login_fail', true],
  ['com.acme.payment_refused', true],
  ['a1', true],
  ['Seclog.x', false],
  ['1abc', false],
  ['abc_', false],
  ['abc.', false],
  ['a..b', false],
  ['a._b', false],
  ['a__b', false],
  ['a-b', false],
  ['authn_login_fail:alice', false],
  ['', false],
  ['a'.repeat(256), false],
];

describe('SECURITY_EVENTS', () => {
  it('holds exactly the 57 OWASP events plus sys_config_change', () => {
    expect(SECURITY_EVENTS).toHaveLength(58);
    expect(SECURITY_EVENTS.map((e) => e.token).sort()).toEqual(Object.keys(OWASP_LEVELS).sort());
  });

  it('has unique tokens, event names, and methods within each group', () => {
    expect(new Set(SECURITY_EVENTS.map((e) => e.token)).size).toBe(58);
    expect(new Set(SECURITY_EVENTS.map((e) => e.eventName)).size).toBe(58);
    expect(new Set(SECURITY_EVENTS.map((e) => `${e.group}.${e.method}`)).size).toBe(58);
  });

  describe.each(SECURITY_EVENTS.map((e) => [e.token, e] as const))('%s', (token, event) => {
    it('has the OWASP level and its severity number', () => {
      expect(event.level).toBe(OWASP_LEVELS[token]);
      expect(event.severityNumber).toBe(SEVERITY_NUMBER_BY_LEVEL[event.level]);
    });

    it('is named seclog.<token>, following the OTel naming rules', () => {
      expect(event.eventName).toBe(SECLOG_EVENT_PREFIX + token);
      expect(isValidEventName(event.eventName)).toBe(true);
      expect(token).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
    });

    it('belongs to the group of its token prefix with a camelCase method', () => {
      expect(SECURITY_EVENT_GROUPS).toContain(event.group);
      expect(token.startsWith(`${event.group}_`)).toBe(true);
      expect(event.method).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      const words = token.slice(event.group.length + 1).split('_');
      const camel = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)));
      expect(event.method).toBe(camel.join(''));
    });

    it('has a description and catalogued parameters', () => {
      expect(event.description.length).toBeGreaterThan(0);
      for (const parameter of event.parameters) {
        expect(Object.keys(SECURITY_EVENT_PARAMETERS)).toContain(parameter);
      }
      expect(new Set(event.parameters).size).toBe(event.parameters.length);
    });

    it('uses only allowed ECS category/type pairs', () => {
      expect(['event', 'alert']).toContain(event.ecs.kind);
      expect(['success', 'failure', 'unknown']).toContain(event.ecs.outcome);
      expect(event.ecs.category.length).toBeGreaterThan(0);
      expect(event.ecs.type.length).toBeGreaterThan(0);
      for (const category of event.ecs.category) {
        const allowed = ECS_ALLOWED_TYPES[category];
        expect(allowed, `category ${category}`).toBeDefined();
        for (const type of event.ecs.type) {
          expect(allowed, `${category}/${type}`).toContain(type);
        }
      }
    });

    it('has a consistent OCSF classification', () => {
      const { categoryUid, classUid, activityId, statusId, typeUid } = event.ocsf;
      const known = OCSF_CLASSES[classUid];
      expect(known, `class ${classUid}`).toBeDefined();
      expect(categoryUid).toBe(known?.category);
      expect(Math.floor(classUid / 1000)).toBe(categoryUid);
      expect(known?.activities).toContain(activityId);
      expect(typeUid).toBe(classUid * 100 + activityId);
      expect([0, 1, 2, 99]).toContain(statusId);
    });

    it('agrees between ECS and OCSF on failure', () => {
      if (event.ocsf.classUid === 2004) {
        expect(event.ocsf.statusId).toBe(1);
      } else {
        expect(event.ocsf.statusId).toBe(event.ecs.outcome === 'failure' ? 2 : 1);
      }
    });
  });
});

describe('UPLOAD_VALIDATION_VERDICTS', () => {
  it('has the event defaults as the passed verdict, so data and rule agree', () => {
    const event = getSecurityEvent('upload_validation');
    expect(UPLOAD_VALIDATION_VERDICTS.passed).toEqual({
      level: event?.level,
      outcome: event?.ecs.outcome,
    });
  });

  it('reads the verdicts the validationResult parameter names, lowercased', () => {
    expect(SECURITY_EVENT_PARAMETERS.validationResult.description).toMatch(
      /passed, incomplete or FAILED/,
    );
    expect(Object.keys(UPLOAD_VALIDATION_VERDICTS).sort()).toEqual([
      'failed',
      'incomplete',
      'passed',
    ]);
    expect(UPLOAD_VALIDATION_VERDICTS.failed).toEqual({ level: 'CRITICAL', outcome: 'failure' });
    expect(UPLOAD_VALIDATION_VERDICTS.incomplete).toEqual({ level: 'INFO', outcome: 'failure' });
  });
});

describe('getSecurityEvent', () => {
  it('finds an event by token and by event name', () => {
    expect(getSecurityEvent('authn_login_fail')?.method).toBe('loginFail');
    expect(getSecurityEvent('seclog.sys_config_change')?.group).toBe('sys');
  });

  it('returns undefined for an unknown name', () => {
    expect(getSecurityEvent('authn_login_nope')).toBeUndefined();
    expect(getSecurityEvent('toString')).toBeUndefined();
  });
});

describe('isValidEventName', () => {
  it.each(NAME_CASES)('judges %j valid: %s', (name, valid) => {
    expect(isValidEventName(name)).toBe(valid);
  });
});
