import { randomUUID } from 'node:crypto';
import {
  type CookieJar,
  runBuiltCommand,
  ServiceProcess,
  signInToConsole,
  waitFor,
} from '@dify/testing';
import { Client } from 'pg';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * A device-envelope error: exactly `error`, optionally with `error_description`
 * (docs/device-flow.md, "Error envelopes").
 */
function expectDeviceError(body: unknown, code: string): void {
  expect(body).toMatchObject({ error: code });
  for (const key of Object.keys(body as object)) {
    expect(['error', 'error_description']).toContain(key);
  }
}

interface CodeResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/**
 * The device flow as a CLI and a browser drive it, through the gateway process (which proxies
 * to the auth process), with a worker writing audit rows and mail.
 */
describe('device flow (api, auth and worker processes)', () => {
  const password = 'device-flow-pass-1';
  let email: string;
  let api: ServiceProcess;
  let auth: ServiceProcess;
  let worker: ServiceProcess;
  let db: Client;
  let browser: CookieJar;
  const mailDir = `/tmp/dify-e2e-mail-${randomUUID()}`;

  beforeAll(async () => {
    auth = await ServiceProcess.start('auth', {
      DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '1000',
      DEVICE_CODE_RATE_LIMIT_PER_HOUR: '10000',
    });
    [api, worker] = await Promise.all([
      ServiceProcess.start('api', { AUTH_INTERNAL_URL: auth.baseUrl }),
      ServiceProcess.start('worker', { DATA_DIR: mailDir }),
    ]);
    email = `approver-${randomUUID()}@example.com`;
    const created = runBuiltCommand('accounts', [
      'create',
      '--email',
      email,
      '--name',
      'Approver',
      '--password',
      password,
    ]);
    expect(created.status).toBe(0);
    browser = await signInToConsole(api.baseUrl, email, password);
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop(), worker?.stop()]);
    await db?.end();
  });

  const gateway = (path: string): string => `${api.baseUrl}${path}`;

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(gateway(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async function requestCode(label = `laptop-${randomUUID()}`): Promise<CodeResponse> {
    const response = await post('/openapi/v1/oauth/device/code', {
      client_id: 'difyctl',
      device_label: label,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as CodeResponse;
  }

  const decide = (decision: 'approve' | 'deny', userCode: string, jar = browser) =>
    post(
      `/openapi/v1/oauth/device/${decision}`,
      { user_code: userCode },
      { cookie: jar.header(), 'x-csrf-token': jar.get('csrf_token') ?? '' },
    );

  const poll = (deviceCode: string, clientId = 'difyctl') =>
    post('/openapi/v1/oauth/device/token', { client_id: clientId, device_code: deviceCode });

  it('issues codes of the documented shape with no-store headers', async () => {
    const response = await post('/openapi/v1/oauth/device/code', { client_id: 'difyctl' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = (await response.json()) as CodeResponse;
    expect(Object.keys(body).sort()).toEqual(
      [
        'device_code',
        'expires_in',
        'interval',
        'user_code',
        'verification_uri',
        'verification_uri_complete',
      ].sort(),
    );
    expect(body.device_code).toMatch(/^dc_[A-Za-z0-9_-]{43}$/);
    expect(body.user_code).toMatch(
      /^[ABCDEFGHJKLMNPQRSTUVWXY3456789]{4}-[ABCDEFGHJKLMNPQRSTUVWXY3456789]{4}$/,
    );
    expect(body.verification_uri).toBe('http://localhost:5001/device');
    expect(body.verification_uri_complete).toBe(
      `http://localhost:5001/device?user_code=${body.user_code}`,
    );
    expect(body.expires_in).toBe(900);
    expect(body.interval).toBe(5);
  });

  it('completes the flow: code, lookup, approve, poll, then the bearer API accepts the token', async () => {
    const code = await requestCode('my-laptop');
    const pending = await poll(code.device_code);
    expect(pending.status).toBe(400);
    expectDeviceError(await pending.json(), 'authorization_pending');

    const lookup = await fetch(
      gateway(
        `/openapi/v1/oauth/device/lookup?user_code=${code.user_code.toLowerCase().replace('-', ' ')}`,
      ),
    );
    const looked = (await lookup.json()) as {
      valid: boolean;
      expires_in_remaining: number;
      client_id: string;
    };
    expect(looked).toMatchObject({ valid: true, client_id: 'difyctl' });
    expect(looked.expires_in_remaining).toBeGreaterThan(800);
    expect(looked.expires_in_remaining).toBeLessThanOrEqual(900);

    const approved = await decide('approve', code.user_code);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ status: 'approved' });

    // The first poll after approval may land inside the 5 s interval: wait it out, as a client must.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const granted = await poll(code.device_code);
    expect(granted.status).toBe(200);
    expect(granted.headers.get('cache-control')).toBe('no-store');
    const token = (await granted.json()) as Record<string, unknown>;
    expect(token).toMatchObject({
      token_type: 'Bearer',
      scope: 'full',
      subject_type: 'account',
      account: { email, name: 'Approver' },
      workspaces: [expect.objectContaining({ name: "Approver's Workspace", role: 'owner' })],
    });
    expect(token.access_token).toBe(token.token);
    expect(String(token.token)).toMatch(/^dfoa_[A-Za-z0-9_-]{43}$/);
    expect(token.expires_in).toBeGreaterThan(13 * 86_400);

    const again = await poll(code.device_code);
    expectDeviceError(await again.json(), 'expired_token');

    const me = await fetch(gateway('/openapi/v1/account'), {
      headers: { authorization: `Bearer ${String(token.token)}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ subject_type: 'account', account: { email } });

    await waitFor(
      async () => {
        const rows = await db.query(
          `SELECT 1 FROM audit_logs WHERE event = 'oauth.device_flow_approved' AND payload->>'token_id' = $1`,
          [token.token_id],
        );
        return rows.rowCount === 1;
      },
      { description: 'the approval audit row' },
    );
  });

  it('speaks the RFC 8628 form dialect and refuses other grant types', async () => {
    const form = (path: string, fields: Record<string, string>) =>
      fetch(gateway(path), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const code = (await (
      await form('/openapi/v1/oauth/device/code', { client_id: 'difyctl' })
    ).json()) as CodeResponse;
    expect(code.device_code).toMatch(/^dc_/);

    const missingGrant = await form('/openapi/v1/oauth/device/token', {
      client_id: 'difyctl',
      device_code: code.device_code,
    });
    expectDeviceError(await missingGrant.json(), 'invalid_request');
    const wrongGrant = await form('/openapi/v1/oauth/device/token', {
      grant_type: 'client_credentials',
      client_id: 'difyctl',
      device_code: code.device_code,
    });
    expect(wrongGrant.status).toBe(400);
    expectDeviceError(await wrongGrant.json(), 'unsupported_grant_type');
    const pending = await form('/openapi/v1/oauth/device/token', {
      grant_type: DEVICE_GRANT,
      client_id: 'difyctl',
      device_code: code.device_code,
    });
    expectDeviceError(await pending.json(), 'authorization_pending');
    const repeated = await fetch(gateway('/openapi/v1/oauth/device/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${encodeURIComponent(DEVICE_GRANT)}&client_id=difyctl&client_id=other&device_code=${code.device_code}`,
    });
    expectDeviceError(await repeated.json(), 'invalid_request');
  });

  it('raises the interval by 5 s on each slow_down and refuses a foreign client_id', async () => {
    const code = await requestCode();
    expectDeviceError(await (await poll(code.device_code)).json(), 'authorization_pending');
    expectDeviceError(await (await poll(code.device_code)).json(), 'slow_down');
    expectDeviceError(await (await poll(code.device_code)).json(), 'slow_down');
    expectDeviceError(await (await poll(code.device_code, 'someone-else')).json(), 'invalid_grant');
    const key = `${process.env.REDIS_KEY_PREFIX ?? ''}device_code:${code.device_code}`;
    const redis = new (await import('ioredis')).default(process.env.REDIS_URL ?? '');
    try {
      expect(await redis.hget(key, 'interval')).toBe('15');
    } finally {
      redis.disconnect();
    }
  });

  it('answers bad bodies with 400 invalid_request on every device endpoint', async () => {
    for (const path of ['code', 'token', 'approve', 'deny']) {
      for (const raw of ['{}', '[]', '{"broken', 'null']) {
        const response = await fetch(gateway(`/openapi/v1/oauth/device/${path}`), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            cookie: browser.header(),
            'x-csrf-token': browser.get('csrf_token') ?? '',
          },
          body: raw,
        });
        expect({ path, raw, status: response.status }).toEqual({ path, raw, status: 400 });
        expect(await response.json()).toMatchObject({ error: 'invalid_request' });
      }
    }
    const noCode = await fetch(gateway('/openapi/v1/oauth/device/lookup'));
    expect(noCode.status).toBe(400);
    expectDeviceError(await noCode.json(), 'invalid_request');
    const unknown = await fetch(gateway('/openapi/v1/oauth/device/lookup?user_code=ABCD-EFGH'));
    expect(await unknown.json()).toEqual({
      valid: false,
      expires_in_remaining: 0,
      client_id: null,
    });
  });

  it('denies: the next poll gets access_denied, and a second decision is refused', async () => {
    const code = await requestCode();
    const denied = await decide('deny', code.user_code);
    expect(await denied.json()).toEqual({ status: 'denied' });
    expect((await decide('approve', code.user_code)).status).toBe(409);
    expectDeviceError(await (await poll(code.device_code)).json(), 'access_denied');
    expectDeviceError(await (await poll(code.device_code)).json(), 'expired_token');
  });

  it('refuses a signed-out session and the CSRF token of another session', async () => {
    const code = await requestCode();
    const [kept, ended] = await Promise.all([
      signInToConsole(api.baseUrl, email, password),
      signInToConsole(api.baseUrl, email, password),
    ]);
    const signedOut = await post(
      '/console/api/logout',
      {},
      { cookie: ended.header(), 'x-csrf-token': ended.get('csrf_token') ?? '' },
    );
    expect(signedOut.status).toBe(200);

    // The ended session's access cookie is still signed and unexpired; its session is not live.
    const afterLogout = await decide('approve', code.user_code, ended);
    expect(afterLogout.status).toBe(401);
    expect(await afterLogout.json()).toMatchObject({ error: 'no_session' });
    const otherCsrf = await post(
      '/openapi/v1/oauth/device/approve',
      { user_code: code.user_code },
      { cookie: kept.header(), 'x-csrf-token': ended.get('csrf_token') ?? '' },
    );
    expect(otherCsrf.status).toBe(403);
    expect(await otherCsrf.json()).toMatchObject({ error: 'csrf_mismatch' });

    // Neither refusal touched the flow: the kept session still approves it.
    expect(await (await decide('approve', code.user_code, kept)).json()).toEqual({
      status: 'approved',
    });
  });

  it('requires a console session and the CSRF header to decide', async () => {
    const code = await requestCode();
    const anonymous = await post('/openapi/v1/oauth/device/approve', { user_code: code.user_code });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'no_session' });
    const noCsrf = await post(
      '/openapi/v1/oauth/device/approve',
      { user_code: code.user_code },
      { cookie: browser.header() },
    );
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ error: 'csrf_mismatch' });
    const unknownCode = await decide('approve', 'ZZZZ-ZZZZ');
    expect(unknownCode.status).toBe(404);
    expect(await unknownCode.json()).toMatchObject({ error: 'expired_or_unknown' });
  });

  it('gives exactly one of 200 concurrent polls the token, and that token keeps working', async () => {
    const code = await requestCode();
    expect((await decide('approve', code.user_code)).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const response = await poll(code.device_code);
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      }),
    );
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 500)).toHaveLength(0);
    const token = String(winners[0].body.token);
    const me = await fetch(gateway('/openapi/v1/account'), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
  });

  it('lets exactly one of approve and deny win a race, and the poll reflects it', async () => {
    for (let round = 0; round < 5; round += 1) {
      const code = await requestCode();
      const [approve, deny] = await Promise.all([
        decide('approve', code.user_code),
        decide('deny', code.user_code),
      ]);
      const statuses = [approve.status, deny.status].sort();
      expect(statuses).toEqual([200, 409]);
      const expected = approve.status === 200 ? 200 : 400;
      const polled = await poll(code.device_code);
      expect(polled.status).toBe(expected);
      if (expected === 400) expectDeviceError(await polled.json(), 'access_denied');
    }
  });

  it('ends 50 concurrent approvals for one device identity with exactly one live row', async () => {
    const label = `raced-${randomUUID()}`;
    const codes = await Promise.all(Array.from({ length: 50 }, () => requestCode(label)));
    const statuses = await Promise.all(
      codes.map(async (code) => (await decide('approve', code.user_code)).status),
    );
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses).toContain(200);
    const live = await db.query(
      `SELECT count(*)::int AS n FROM oauth_access_tokens WHERE device_label = $1 AND revoked_at IS NULL`,
      [label],
    );
    expect(live.rows[0]).toEqual({ n: 1 });
  });

  it('refuses an outdated difyctl with 426 and serves discovery metadata', async () => {
    const outdated = await fetch(gateway('/openapi/v1/oauth/device/code'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'difyctl/0.1.0 (linux; amd64; stable)',
      },
      body: JSON.stringify({ client_id: 'difyctl' }),
    });
    expect(outdated.status).toBe(426);
    expectDeviceError(await outdated.json(), 'client_upgrade_required');

    const metadata = await fetch(gateway('/.well-known/oauth-authorization-server'));
    expect(metadata.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await metadata.json()).toMatchObject({
      issuer: 'http://localhost:5001',
      device_authorization_endpoint: 'http://localhost:5001/openapi/v1/oauth/device/code',
      grant_types_supported: [DEVICE_GRANT],
      token_endpoint_auth_methods_supported: ['none'],
    });
  });

  it('revokes through RFC 7009 and answers {} for unknown tokens too', async () => {
    const code = await requestCode();
    await decide('approve', code.user_code);
    const token = String(
      ((await (await poll(code.device_code)).json()) as { token: string }).token,
    );
    const revoke = (body: Record<string, string>) =>
      fetch(gateway('/openapi/v1/oauth/revoke'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const revoked = await revoke({ token, token_type_hint: 'access_token' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({});
    expect(revoked.headers.get('cache-control')).toBe('no-store');
    expect(await (await revoke({ token: 'dfoa_unknown' })).json()).toEqual({});
    expect((await revoke({ token, client_id: 'nobody' })).status).toBe(400);
    const me = await fetch(gateway('/openapi/v1/account'), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(401);
  });

  it('mails the account about the new sign-in', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    // Other suites of the run may leave mail jobs for this worker: find this account's message.
    const message = await waitFor(
      async () => {
        const files = await readdir(`${mailDir}/mail`).catch(() => [] as string[]);
        const bodies = await Promise.all(
          files.map((file) => readFile(`${mailDir}/mail/${file}`, 'utf8')),
        );
        return bodies.find((body) => body.includes(email));
      },
      { description: "the approver's mail" },
    );
    expect(message).toContain('difyctl');
    expect(message).not.toMatch(/dfoa_[A-Za-z0-9_-]{43}/);
  });
});
