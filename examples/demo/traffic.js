// Scripted traffic against the demo service: the story of a morning in the auth API.
export async function runTraffic(baseUrl, users) {
  const call = async (method, path, body, headers = {}) => {
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      requestId: res.headers.get('x-request-id'),
      body: text ? JSON.parse(text) : undefined,
    };
  };
  const steps = [];
  const step = async (what, promise) => {
    const result = await promise;
    steps.push({ what, status: result.status, requestId: result.requestId });
    return result;
  };

  await step(
    'alice logs in',
    call('POST', '/login', { user: 'alice', password: users.alice.password }),
  );
  await step(
    'alice mistypes, then logs in',
    call('POST', '/login', { user: 'alice', password: 'nope' }),
  );
  const alice = await step(
    'alice logs in again',
    call('POST', '/login', { user: 'alice', password: users.alice.password }),
  );
  await step(
    'alice opens the admin area',
    call('GET', '/admin/users', undefined, { 'x-session': alice.body.session }),
  );
  await step(
    'alice sends an invalid profile',
    call(
      'POST',
      '/profile',
      { email: 'not-an-email', age: -3 },
      { 'x-session': alice.body.session },
    ),
  );
  await step(
    'alice logs out',
    call('POST', '/logout', undefined, { 'x-session': alice.body.session }),
  );
  for (let i = 1; i <= 5; i++) {
    await step(
      `brute force on bob, attempt ${i}`,
      call(
        'POST',
        '/login',
        { user: 'bob', password: `guess-${i}` },
        { 'x-request-id': `attack-${i}` },
      ),
    );
  }
  await step(
    'bob is locked out',
    call('POST', '/login', { user: 'bob', password: users.bob.password }),
  );
  const token = process.env.SECLOG_DEMO_API_TOKEN ?? `${'ghp'}_${randomBase62(36)}`;
  await step(
    'an API client sends an unknown token',
    call('GET', '/api/reports', undefined, { authorization: `Bearer ${token}` }),
  );
  await step(
    'a forged request id is replaced',
    call('GET', '/admin/users', undefined, { 'x-request-id': '<script>alert(1)</script>' }),
  );
  return steps;
}

function randomBase62(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % 62]).join(
    '',
  );
}

/** The admin flow runs with a second admin whose account is not under attack. */
export async function runAdminTraffic(baseUrl, users) {
  const login = await fetch(new URL('/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'carol', password: users.carol.password }),
  }).then((r) => r.json());
  const res = await fetch(new URL('/admin/firewall-rules', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session': login.session },
    body: JSON.stringify({ rule: 'allow tcp/22 from 0.0.0.0/0' }),
  });
  return res.status;
}
