import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  CookieJar,
  createMigratedDatabase,
  dropDatabase,
  runBuiltCommand,
  ServiceProcess,
  waitFor,
} from '@dify/testing';
import { Client } from 'pg';

/**
 * The console API through the gateway process, against its own fresh database (first-run setup
 * needs an empty one) and the run's Redis, with a worker writing the audit trail.
 */
describe('console sign-in and workspaces (api process)', () => {
  const secretKey = randomBytes(32).toString('base64url');
  const owner = { email: 'Owner@Example.com', name: 'Owner', password: 'correct-horse-1' };
  let database: { url: string; name: string };
  let env: Record<string, string>;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? '';
    database = await createMigratedDatabase(serverUrl);
    env = {
      DATABASE_URL: database.url,
      SECRET_KEY: secretKey,
      LOGIN_FAILURES_PER_EMAIL: '3',
      LOGIN_FAILURES_PER_IP: '1000',
      LOG_LEVEL: 'debug',
    };
    [api, worker] = await Promise.all([
      ServiceProcess.start('api', env),
      ServiceProcess.start('worker', { DATABASE_URL: database.url }),
    ]);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await db?.end();
    await dropDatabase(process.env.TEST_DATABASE_SERVER_URL ?? '', database.name);
  });

  const url = (path: string) => `${api.baseUrl}/console/api${path}`;

  async function call(
    method: string,
    path: string,
    options: { jar?: CookieJar; body?: unknown; csrf?: string | false; raw?: string } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined || options.raw !== undefined)
      headers['content-type'] = 'application/json';
    if (options.jar) headers.cookie = options.jar.header();
    const csrf = options.csrf === undefined ? options.jar?.get('csrf_token') : options.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    const response = await fetch(url(path), {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    options.jar?.store(response);
    return response;
  }

  async function signIn(email: string, password: string): Promise<CookieJar> {
    const jar = new CookieJar();
    const response = await call('POST', '/login', { jar, body: { email, password } });
    expect(response.status).toBe(200);
    return jar;
  }

  const auditEvents = async (event: string): Promise<Record<string, unknown>[]> =>
    (await db.query(`SELECT * FROM audit_logs WHERE event = $1 ORDER BY occurred_at`, [event]))
      .rows;

  function signJwt(claims: Record<string, unknown>, key = secretKey): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
    return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  }

  it('sets up the first account once', async () => {
    expect(await (await call('GET', '/setup')).json()).toEqual({ step: 'not_started' });

    const created = await call('POST', '/setup', { body: owner });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ result: 'success' });
    expect(await (await call('GET', '/setup')).json()).toEqual({ step: 'finished' });

    const again = await call('POST', '/setup', { body: { ...owner, email: 'other@example.com' } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'setup_already_finished', status: 409 });
  });

  it('refuses bad bodies with 400 and a field-level error for each problem', async () => {
    const response = await call('POST', '/setup', {
      body: { email: 'not-an-email', name: '  ', password: 'short', admin: true },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      code: string;
      details: { loc: string[]; type: string }[];
    };
    expect(body.code).toBe('invalid_param');
    const fields = body.details.map((detail) => detail.loc.join('.'));
    expect(fields).toEqual(
      expect.arrayContaining(['body.email', 'body.name', 'body.password', 'body.admin']),
    );
    expect(body.details.find((detail) => detail.loc[1] === 'admin')?.type).toBe('unknown_field');

    for (const raw of ['[1,2]', '"text"', '{"email":', 'null']) {
      const odd = await call('POST', '/login', { raw });
      expect(odd.status).toBe(400);
      expect(await odd.json()).toMatchObject({ status: 400, code: expect.any(String) });
    }
    const wrongTypes = await call('POST', '/login', { body: { email: ['a@b.c'], password: 7 } });
    expect(wrongTypes.status).toBe(400);
  });

  it('signs in with session cookies of the right attributes', async () => {
    const jar = new CookieJar();
    const response = await call('POST', '/login', {
      jar,
      body: { email: 'owner@example.com', password: owner.password },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: 'success' });
    const cookies = Object.fromEntries(
      response.headers.getSetCookie().map((header) => {
        const [pair, ...attributes] = header.split(';').map((part) => part.trim().toLowerCase());
        return [pair.split('=')[0], attributes];
      }),
    );
    expect(cookies.console_access_token).toEqual(
      expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'max-age=3600']),
    );
    expect(cookies.console_refresh_token).toEqual(
      expect.arrayContaining(['httponly', 'samesite=lax', 'max-age=2592000']),
    );
    expect(cookies.csrf_token).not.toContain('httponly');
    expect(cookies.csrf_token).toContain('samesite=lax');
    for (const attributes of Object.values(cookies)) {
      expect(attributes).not.toContain('secure');
    }

    const profile = await call('GET', '/account/profile', { jar });
    expect(await profile.json()).toMatchObject({ name: 'Owner', email: 'owner@example.com' });
    const workspaces = (await (await call('GET', '/workspaces', { jar })).json()) as {
      workspaces: { name: string; role: string; current: boolean }[];
    };
    expect(workspaces.workspaces).toEqual([
      expect.objectContaining({ name: "Owner's Workspace", role: 'owner', current: true }),
    ]);
    expect(await (await call('GET', '/workspaces/current', { jar })).json()).toMatchObject({
      name: "Owner's Workspace",
      role: 'owner',
    });
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrong = await call('POST', '/login', {
      body: { email: 'owner@example.com', password: 'wrong-password-1' },
    });
    const unknown = await call('POST', '/login', {
      body: { email: 'nobody@example.com', password: 'wrong-password-1' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it('locks sign-in after repeated failures, with Retry-After', async () => {
    const locked = {
      email: `locked-${randomUUID()}@example.com`,
      name: 'Locked',
      password: 'right-pass-1',
    };
    expect(
      runBuiltCommand(
        'accounts',
        ['create', '--email', locked.email, '--name', locked.name, '--password', locked.password],
        { DATABASE_URL: database.url },
      ).status,
    ).toBe(0);

    for (let attempt = 0; attempt < 3; attempt += 1) {
      const failed = await call('POST', '/login', {
        body: { email: locked.email, password: 'nope-nope-1' },
      });
      expect(failed.status).toBe(401);
    }
    const refused = await call('POST', '/login', {
      body: { email: locked.email, password: locked.password },
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: 'login_locked', status: 429 });
  });

  it('refuses state-changing calls without the matching CSRF header', async () => {
    const jar = await signIn('owner@example.com', owner.password);
    const tenant = { tenant_id: randomUUID() };
    for (const csrf of [false, 'not-the-token'] as const) {
      const response = await call('POST', '/workspaces/switch', { jar, body: tenant, csrf });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'csrf_mismatch' });
    }
    expect((await call('POST', '/logout', { jar, csrf: false })).status).toBe(403);
    expect((await call('POST', '/refresh-token', { jar, csrf: false })).status).toBe(403);
  });

  it('binds the CSRF value to its session, across refreshes', async () => {
    const jar = await signIn('owner@example.com', owner.password);
    const other = await signIn('owner@example.com', owner.password);
    const otherCsrf = other.get('csrf_token') ?? '';
    expect(otherCsrf).not.toBe(jar.get('csrf_token'));
    // Another session's pair, cookie and header alike, does not pass for this one.
    const planted = jar.copy();
    planted.set('csrf_token', otherCsrf);
    const tenant = { tenant_id: randomUUID() };
    for (const path of ['/workspaces/switch', '/refresh-token', '/logout']) {
      const response = await call('POST', path, { jar: planted, body: tenant, csrf: otherCsrf });
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
    const before = jar.get('csrf_token');
    expect((await call('POST', '/refresh-token', { jar })).status).toBe(200);
    expect(jar.get('csrf_token')).toBe(before);
    expect((await call('POST', '/logout', { jar })).status).toBe(200);
  });

  it('refuses missing, tampered, foreign-key and expired access tokens with 401', async () => {
    const jar = await signIn('owner@example.com', owner.password);
    const access = jar.get('console_access_token') ?? '';
    const claims = JSON.parse(Buffer.from(access.split('.')[1], 'base64url').toString()) as {
      sub: string;
      sid: string;
    };
    const now = Math.floor(Date.now() / 1000);
    const forged = [
      '',
      `${access.slice(0, -3)}abc`,
      signJwt(
        { sub: claims.sub, sid: claims.sid, iat: now, exp: now + 600 },
        'another-secret-of-32-bytes-long!!',
      ),
      signJwt({ sub: claims.sub, sid: claims.sid, iat: now - 7200, exp: now - 3600 }),
      signJwt({ sub: 'not-a-uuid', sid: claims.sid, iat: now, exp: now + 600 }),
      // Never expiring: a leaked one would work forever.
      signJwt({ sub: claims.sub, sid: claims.sid, iat: now }),
      // A session that was never issued: no refresh token stands behind it.
      signJwt({ sub: claims.sub, sid: randomUUID(), iat: now, exp: now + 600 }),
    ];
    for (const token of forged) {
      const attempt = jar.copy();
      attempt.set('console_access_token', token);
      const response = await call('GET', '/account/profile', { jar: attempt });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'no_session', status: 401 });
    }
    const valid = signJwt({ sub: claims.sub, sid: claims.sid, iat: now, exp: now + 600 });
    const control = jar.copy();
    control.set('console_access_token', valid);
    expect((await call('GET', '/account/profile', { jar: control })).status).toBe(200);
  });

  it('rotates the refresh token and revokes the session when an old one is reused', async () => {
    const jar = await signIn('owner@example.com', owner.password);
    const stolen = jar.copy();
    const refreshed = await call('POST', '/refresh-token', { jar });
    expect(refreshed.status).toBe(200);
    expect(jar.get('console_refresh_token')).not.toBe(stolen.get('console_refresh_token'));
    expect(jar.get('console_access_token')).not.toBe(stolen.get('console_access_token'));
    expect((await call('GET', '/account/profile', { jar })).status).toBe(200);

    const reuse = await call('POST', '/refresh-token', { jar: stolen });
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toMatchObject({ code: 'invalid_refresh_token' });
    // The whole session is gone: the legitimate holder is signed out too.
    expect((await call('GET', '/account/profile', { jar })).status).toBe(401);
    expect((await call('POST', '/refresh-token', { jar })).status).toBe(401);
    await waitFor(async () => (await auditEvents('account.refresh_reused')).length === 1);
  });

  it('switches between member workspaces only', async () => {
    const jar = await signIn('owner@example.com', owner.password);
    const second = randomUUID();
    const { rows } = await db.query(`SELECT id FROM accounts WHERE email = 'owner@example.com'`);
    await db.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Second')`, [second]);
    await db.query(
      `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role) VALUES ($1, $2, $3, 'editor')`,
      [randomUUID(), second, (rows[0] as { id: string }).id],
    );

    const switched = await call('POST', '/workspaces/switch', { jar, body: { tenant_id: second } });
    expect(switched.status).toBe(200);
    expect(await switched.json()).toEqual({
      result: 'success',
      new_tenant: { id: second, name: 'Second', role: 'editor' },
    });
    expect(await (await call('GET', '/workspaces/current', { jar })).json()).toMatchObject({
      id: second,
    });

    const foreign = await call('POST', '/workspaces/switch', {
      jar,
      body: { tenant_id: randomUUID() },
    });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ code: 'workspace_not_found' });
    const malformed = await call('POST', '/workspaces/switch', { jar, body: { tenant_id: 'x' } });
    expect(malformed.status).toBe(400);
    await waitFor(async () => (await auditEvents('workspace.switched')).length === 1);
  });

  it('signs out: cookies cleared, session and refresh token dead', async () => {
    const jar = await signIn('owner@example.com', owner.password);
    const before = jar.copy();
    const response = await call('POST', '/logout', { jar });
    expect(response.status).toBe(200);
    expect(jar.header()).toBe('');
    expect((await call('GET', '/account/profile', { jar: before })).status).toBe(401);
    expect((await call('POST', '/refresh-token', { jar: before })).status).toBe(401);
  });

  it('refuses registration unless it is enabled', async () => {
    const body = { email: 'new@example.com', name: 'New', password: 'new-pass-123' };
    const refused = await call('POST', '/register', { body });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'registration_disabled' });

    const open = await ServiceProcess.start('api', { ...env, ALLOW_REGISTER: 'true' });
    try {
      const register = (payload: unknown) =>
        fetch(`${open.baseUrl}/console/api/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
      expect((await register(body)).status).toBe(201);
      const duplicate = await register({ ...body, email: 'NEW@example.com' });
      expect(duplicate.status).toBe(409);
      expect(await duplicate.json()).toMatchObject({ code: 'email_taken' });
    } finally {
      await open.stop();
    }
    expect(
      (await signIn('new@example.com', body.password)).get('console_access_token'),
    ).toBeTruthy();
  });

  it('manages accounts from the command line', () => {
    const listed = runBuiltCommand('accounts', ['list'], { DATABASE_URL: database.url });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('owner@example.com');
    const invalid = runBuiltCommand(
      'accounts',
      ['create', '--email', 'x@example.com', '--name', 'X', '--password', 'short'],
      { DATABASE_URL: database.url },
    );
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain('weak_password');
    const usage = runBuiltCommand('accounts', ['create', '--role', 'king'], {
      DATABASE_URL: database.url,
    });
    expect(usage.status).toBe(2);
  });

  it('writes the audit trail and keeps secrets out of the logs', async () => {
    for (const event of ['account.login_succeeded', 'account.login_failed', 'account.logout']) {
      await waitFor(async () => (await auditEvents(event)).length > 0, { description: event });
    }
    const failed = await auditEvents('account.login_failed');
    expect(JSON.stringify(failed)).not.toContain('wrong-password-1');

    const jar = await signIn('owner@example.com', owner.password);
    const secrets = [
      owner.password,
      'wrong-password-1',
      jar.get('console_access_token'),
      jar.get('console_refresh_token'),
      jar.get('csrf_token'),
      secretKey,
    ];
    await waitFor(() => api.lines.some((line) => line.includes('/console/api/login')));
    const logs = [...api.lines, ...worker.lines].join('\n');
    for (const secret of secrets) {
      expect(secret).toBeTruthy();
      expect(logs).not.toContain(secret);
    }
  });
});
