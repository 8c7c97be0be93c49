// The built-in rules, named after OWASP AppSensor detection points. One record of data per rule:
// the engine walks them, docs/detection.md lists them and `seclog rules --sigma` prints them.
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SECLOG_REASON,
  ATTR_SESSION_ID,
  ATTR_USER_ID,
  EVENT_SECLOG_LOG_INTEGRITY_VIOLATION,
  getSecurityEvent,
} from '@seclog/semconv';
import type { DetectionRule } from './types.js';

const MINUTE = 60_000;

/** The EventName of a vocabulary token; throws at load time on a typo. */
function event(token: string): string {
  const spec = getSecurityEvent(token);
  if (spec === undefined) throw new Error(`detection: ${token} is not a vocabulary event`);
  return spec.eventName;
}

const LOGIN_FAILURES = [event('authn_login_fail'), event('authn_login_fail_max')];

/** The built-in rules, in the order they are evaluated. See docs/detection.md for the reasoning. */
export const BUILTIN_DETECTION_RULES: readonly DetectionRule[] = Object.freeze([
  {
    id: 'ae2_login_failures_per_user',
    kind: 'event_count',
    description:
      'AppSensor AE2, multiple failed passwords for one user: 10 failed logins for one user.id within 5 minutes. Above what a person mistyping reaches; below what a guessing attack needs.',
    match: { events: LOGIN_FAILURES },
    groupBy: [ATTR_USER_ID],
    threshold: 10,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'ae1_users_per_address',
    kind: 'value_count',
    description:
      'AppSensor AE1, use of multiple user names: failed logins for 20 distinct user.id values from one client.address within 5 minutes (credential stuffing). A shared NAT rarely fails for 20 different people in 5 minutes.',
    match: { events: LOGIN_FAILURES },
    groupBy: [ATTR_CLIENT_ADDRESS],
    field: ATTR_USER_ID,
    threshold: 20,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'ae3_login_failures_per_address',
    kind: 'event_count',
    description:
      'AppSensor AE3, high rate of login attempts: 50 failed logins from one client.address within 5 minutes (password spraying, brute force from one source). Five times the per-user threshold, to leave room for a shared NAT.',
    match: { events: LOGIN_FAILURES },
    groupBy: [ATTR_CLIENT_ADDRESS],
    threshold: 50,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'ae2_login_success_after_failures',
    kind: 'sequence',
    description:
      'AppSensor AE2 followed by a success: a login success for a user.id after 5 failed logins for it within 5 minutes, a possibly guessed password. Half the AE2 threshold, since the success is what makes it serious.',
    first: { events: LOGIN_FAILURES },
    then: { events: [event('authn_login_success'), event('authn_login_successafterfail')] },
    groupBy: [ATTR_USER_ID],
    threshold: 5,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'ace_authz_failures_per_user',
    kind: 'event_count',
    description:
      'AppSensor ACE1-ACE4, access control violations: 10 authorization failures for one user.id within 5 minutes. One denial is routine (a stale link); a burst is someone probing what they may reach.',
    match: { events: [event('authz_fail')] },
    groupBy: [ATTR_USER_ID],
    threshold: 10,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'ace_authz_failures_per_address',
    kind: 'event_count',
    description:
      'AppSensor ACE1-ACE4 from one source: 20 authorization failures from one client.address within 5 minutes, whichever users they were for.',
    match: { events: [event('authz_fail')] },
    groupBy: [ATTR_CLIENT_ADDRESS],
    threshold: 20,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'ace3_forced_browsing_per_address',
    kind: 'event_count',
    description:
      'AppSensor ACE3, forced browsing: 50 records with http.response.status_code 404 from one client.address within 5 minutes. Needs records that carry the status code (an access log through a bridge or a component logger); seclog itself logs no responses.',
    match: { where: { [ATTR_HTTP_RESPONSE_STATUS_CODE]: 404 } },
    groupBy: [ATTR_CLIENT_ADDRESS],
    threshold: 50,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'ie2_input_validation_failures_per_address',
    kind: 'event_count',
    description:
      'AppSensor IE2, violation of input validation: 20 input validation failures from one client.address within 5 minutes. A person corrects a form a few times; a scanner or fuzzer fails on every field.',
    match: {
      events: [event('input_validation_fail'), event('input_validation_discrete_fail')],
    },
    groupBy: [ATTR_CLIENT_ADDRESS],
    threshold: 20,
    windowMillis: 5 * MINUTE,
  },
  {
    id: 'se5_session_address_change',
    kind: 'value_count',
    description:
      'AppSensor SE5, source location changes during session: one session.id seen from 2 client.address values within 60 minutes, a possibly stolen session. A mobile client changing networks also fires it; raise the threshold where that is common.',
    match: {},
    groupBy: [ATTR_SESSION_ID],
    field: ATTR_CLIENT_ADDRESS,
    threshold: 2,
    windowMillis: 60 * MINUTE,
  },
  {
    id: 'ie6_log_integrity_violation',
    kind: 'event_count',
    description:
      'AppSensor IE6, violation of security log integrity: any seclog.log.integrity_violation other than a torn last line (what a crash leaves), per kind (seclog.reason). Threshold 1: no application error causes one.',
    match: {
      events: [EVENT_SECLOG_LOG_INTEGRITY_VIOLATION],
      where: {
        [ATTR_SECLOG_REASON]: [
          'missing-seal',
          'missing-head',
          'truncated',
          'bad-signature',
          'oversized-file',
        ],
      },
    },
    groupBy: [ATTR_SECLOG_REASON],
    threshold: 1,
    windowMillis: 5 * MINUTE,
  },
] satisfies DetectionRule[]);
