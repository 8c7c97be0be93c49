// The demo service: logins with brute-force lockout, sessions, an admin area, a firewall-rule
// configuration endpoint whose save fails, and input validation; each emits its security event.
import { createServer } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { withRequestContext } from '@seclog/node';

const MAX_FAILURES = 5;

/** Demo users; passwords are generated per run, never stored in the repository. */
export function createUsers() {
  return {
    alice: { password: randomBytes(12).toString('base64url'), roles: ['user'] },
    bob: { password: randomBytes(12).toString('base64url'), roles: ['user', 'admin'] },
    carol: { password: randomBytes(12).toString('base64url'), roles: ['user', 'admin'] },
  };
}

/** Builds the HTTP server. `seclog` is what startSecurityLogging() returned. */
export function createApp({ seclog, users }) {
  const { security } = seclog;
  const log = seclog.getLogger('demo.http');
  // Failed attempts per (client address, user): five in a row lock the account.
  const failuresByAddress = new Map();
  const lockedUsers = new Set();
  const sessions = new Map();

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = req.method === 'POST' ? await readJson(req) : {};
    const session = sessions.get(req.headers['x-session'] ?? '');
    const address = req.socket.remoteAddress ?? 'unknown';

    if (req.method === 'POST' && url.pathname === '/login') {
      const userId = String(body.user ?? '');
      const user = users[userId];
      if (lockedUsers.has(userId)) {
        security.authn.loginFail({ userId, reason: 'account_locked' });
        return send(res, 423, { error: 'locked' });
      }
      if (!user || !safeEqual(String(body.password ?? ''), user.password)) {
        const failures = (failuresByAddress.get(`${address}|${userId}`) ?? 0) + 1;
        failuresByAddress.set(`${address}|${userId}`, failures);
        security.authn.loginFail({ userId, reason: user ? 'bad_password' : 'unknown_user' });
        if (failures >= MAX_FAILURES && user) {
          security.authn.loginFailMax({ userId, limit: MAX_FAILURES });
          security.authn.loginLock({ userId, reason: 'maxretries' });
          lockedUsers.add(userId);
          return send(res, 423, { error: 'locked' });
        }
        return send(res, 401, { error: 'invalid credentials' });
      }
      const retries = failuresByAddress.get(`${address}|${userId}`) ?? 0;
      failuresByAddress.delete(`${address}|${userId}`);
      if (retries > 0) security.authn.loginSuccessafterfail({ userId, retries });
      else security.authn.loginSuccess({ userId, userRoles: user.roles });
      const sessionId = randomBytes(16).toString('hex');
      sessions.set(sessionId, { userId, roles: user.roles });
      security.session.created({ userId, sessionId });
      return send(res, 200, { session: sessionId });
    }

    if (req.method === 'POST' && url.pathname === '/logout') {
      if (!session) return send(res, 401, { error: 'no session' });
      sessions.delete(req.headers['x-session']);
      security.session.logout({ userId: session.userId, sessionId: req.headers['x-session'] });
      return send(res, 204);
    }

    if (url.pathname === '/admin/users') {
      if (!session?.roles.includes('admin')) {
        security.authz.fail({ userId: session?.userId ?? 'anonymous', resource: '/admin/users' });
        return send(res, 403, { error: 'forbidden' });
      }
      security.authz.admin({ userId: session.userId, action: 'list_users' });
      return send(res, 200, { users: Object.keys(users) });
    }

    if (req.method === 'POST' && url.pathname === '/admin/firewall-rules') {
      if (!session?.roles.includes('admin')) {
        security.authz.fail({
          userId: session?.userId ?? 'anonymous',
          resource: '/admin/firewall-rules',
        });
        return send(res, 403, { error: 'forbidden' });
      }
      try {
        await saveFirewallRule(body);
        security.sys.configChange({
          userId: session.userId,
          setting: 'firewall.rules',
          to: String(body.rule),
        });
        return send(res, 201, { ok: true });
      } catch (error) {
        // The change was attempted and failed: the event records both, with the error's stack.
        security.sys.configChange({
          userId: session.userId,
          setting: 'firewall.rules',
          to: String(body.rule),
          outcome: 'failure',
          error,
        });
        log.error('firewall rule could not be saved', error);
        return send(res, 500, { error: 'save failed' });
      }
    }

    if (req.method === 'POST' && url.pathname === '/profile') {
      const invalid = ['email', 'age'].filter((f) => !validProfileField(f, body[f]));
      if (invalid.length > 0) {
        security.input.validationFail({ fields: invalid, userId: session?.userId ?? 'anonymous' });
        return send(res, 400, { error: 'invalid input', fields: invalid });
      }
      return send(res, 200, { ok: true });
    }

    if (url.pathname === '/api/reports') {
      // A careless handler that logs the raw Authorization header: redaction keeps the event and
      // removes the credential before any exporter sees it.
      security.authn.loginFail({
        userId: 'api-client',
        reason: 'unknown_token',
        attributes: {
          'http.request.header.authorization': [String(req.headers.authorization ?? '')],
        },
      });
      return send(res, 401, { error: 'unknown token' });
    }

    return send(res, 404, { error: 'not found' });
  }

  return createServer(
    withRequestContext((req, res) => {
      handle(req, res).catch((error) => {
        log.error('request failed', error);
        if (!res.headersSent) send(res, 500, { error: 'internal' });
      });
    }),
  );
}

async function saveFirewallRule(body) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const error = new Error(
    `firewall backend refused rule ${JSON.stringify(body.rule)}: EROFS read-only store`,
  );
  error.code = 'EROFS';
  throw error;
}

function validProfileField(field, value) {
  if (field === 'email')
    return typeof value === 'string' && /^[^@\s]{1,64}@[^@\s]{1,255}$/.test(value);
  return Number.isInteger(value) && value >= 0 && value < 150;
}

function safeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 64 * 1024) break;
  }
  try {
    return JSON.parse(text || '{}');
  } catch {
    return {};
  }
}

function send(res, status, body) {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}
