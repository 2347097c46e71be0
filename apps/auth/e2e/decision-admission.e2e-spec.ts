import { randomUUID } from 'node:crypto';
import { type CookieJar, runBuiltCommand, ServiceProcess, signInToConsole } from '@dify/testing';
import { Client } from 'pg';

const LIMIT = 3;

/**
 * Approve and deny are admitted (kill switch, then the deciding account's bucket) before their
 * body is parsed and before the database is asked anything; the bucket belongs to the account,
 * so signing in again does not refill it.
 */
describe('approve and deny admission (api and auth processes)', () => {
  const password = 'admission-pass-1';
  let api: ServiceProcess;
  let auth: ServiceProcess;
  let disabledAuth: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    [auth, disabledAuth] = await Promise.all([
      ServiceProcess.start('auth', {
        DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: String(LIMIT),
        // Other suites of the run issue codes from this IP into the same Redis.
        DEVICE_CODE_RATE_LIMIT_PER_HOUR: '100000',
      }),
      ServiceProcess.start('auth', { ENABLE_OAUTH_BEARER: 'false' }),
    ]);
    api = await ServiceProcess.start('api', { AUTH_INTERNAL_URL: auth.baseUrl });
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop(), disabledAuth?.stop()]);
    await db?.end();
  });

  async function newAccount(): Promise<{ email: string; jar: CookieJar }> {
    const email = `admission-${randomUUID()}@example.com`;
    const created = runBuiltCommand('accounts', [
      'create',
      '--email',
      email,
      '--name',
      'Admission',
      '--password',
      password,
    ]);
    expect(created.status).toBe(0);
    return { email, jar: await signInToConsole(api.baseUrl, email, password) };
  }

  function decide(
    baseUrl: string,
    decision: 'approve' | 'deny',
    jar: CookieJar,
    body: string,
    csrf = jar.get('csrf_token') ?? '',
  ): Promise<Response> {
    return fetch(`${baseUrl}/openapi/v1/oauth/device/${decision}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: jar.header(), 'x-csrf-token': csrf },
      body,
    });
  }

  const unknownCode = JSON.stringify({ user_code: 'ABCD-EFGH' });

  it('throttles by account before parsing the body or reading the database', async () => {
    const { email, jar } = await newAccount();
    for (let i = 0; i < LIMIT; i += 1) {
      const response = await decide(api.baseUrl, i % 2 ? 'deny' : 'approve', jar, unknownCode);
      expect(response.status).toBe(404);
    }

    // Spent: even a body that is not JSON is refused by the bucket, not by the parser.
    const broken = await decide(api.baseUrl, 'approve', jar, '{"user_code":');
    expect(broken.status).toBe(429);
    expect(Number(broken.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await broken.json()).toMatchObject({ error: 'rate_limited' });

    // A fresh sign-in is a new console session of the same account: no fresh bucket.
    const again = await signInToConsole(api.baseUrl, email, password);
    expect((await decide(api.baseUrl, 'deny', again, unknownCode)).status).toBe(429);

    // The order still starts with the session and CSRF: without them the answer is theirs.
    const anonymous = await fetch(`${api.baseUrl}/openapi/v1/oauth/device/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: unknownCode,
    });
    expect(anonymous.status).toBe(401);
    expect((await decide(api.baseUrl, 'deny', again, unknownCode, 'wrong')).status).toBe(403);

    // A throttled request never reaches the session's database check: the account can be
    // banned and the answer is still the bucket's.
    await db.query(`UPDATE accounts SET status = 'banned' WHERE email = $1`, [email]);
    expect((await decide(api.baseUrl, 'approve', again, unknownCode)).status).toBe(429);
  });

  it('answers bearer_auth_disabled before parsing the body when the kill switch is off', async () => {
    const { jar } = await newAccount();

    for (const decision of ['approve', 'deny'] as const) {
      const response = await decide(disabledAuth.baseUrl, decision, jar, 'not json at all');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'bearer_auth_disabled' });
    }
  });

  it('still decides normally inside the bucket', async () => {
    const { jar } = await newAccount();
    const code = await fetch(`${api.baseUrl}/openapi/v1/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'difyctl', device_label: `admission-${randomUUID()}` }),
    });
    expect(code.status).toBe(200);
    const { user_code: userCode } = (await code.json()) as { user_code: string };

    const denied = await decide(api.baseUrl, 'deny', jar, JSON.stringify({ user_code: userCode }));

    expect(denied.status).toBe(200);
    expect(await denied.json()).toEqual({ status: 'denied' });
    expect((await decide(api.baseUrl, 'approve', jar, '[]')).status).toBe(400);
  });
});
