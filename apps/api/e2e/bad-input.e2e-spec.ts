import { randomBytes, randomUUID } from 'node:crypto';
import {
  CookieJar,
  createMigratedDatabase,
  dropDatabase,
  isolatedKeyPrefix,
  ServiceProcess,
  waitFor,
} from '@dify/testing';
import { Client } from 'pg';

/** `{"a":[[[…]]]}`: far deeper than any body the services accept, and than a recursive walk survives. */
function nestedBody(depth: number): string {
  return `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

/** An address of the documentation range, so each test has rate buckets of its own. */
function clientIp(): string {
  return `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
}

/**
 * Hostile input against the gateway and auth processes, on a database and key prefix of the
 * suite's own: every answer is a clear 4xx with a code, and both services stay up.
 */
describe('bad input (api and auth processes)', () => {
  const serverUrl = () => process.env.TEST_DATABASE_SERVER_URL ?? '';
  const owner = { email: 'owner@example.com', name: 'Owner', password: 'correct-horse-1' };
  let database: { url: string; name: string };
  let api: ServiceProcess;
  let auth: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    database = await createMigratedDatabase(serverUrl());
    const env = {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: isolatedKeyPrefix('bad-input'),
      ALLOW_REGISTER: 'true',
    };
    auth = await ServiceProcess.start('auth', env);
    api = await ServiceProcess.start('api', { ...env, AUTH_INTERNAL_URL: auth.baseUrl });
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
    await db?.end();
    await dropDatabase(serverUrl(), database.name);
  });

  const send = (
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Response> =>
    fetch(`${api.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body,
      signal,
    });

  async function expectAlive(): Promise<void> {
    for (const service of [api, auth]) {
      expect((await fetch(`${service.opsUrl}/health/live`)).status).toBe(200);
    }
  }

  it('refuses a NUL character or a lone surrogate in a string field with 400 invalid_param', async () => {
    for (const path of ['/console/api/setup', '/console/api/register']) {
      const answer = await send('POST', path, JSON.stringify({ ...owner, name: 'Own\u0000er' }));
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({
        code: 'invalid_param',
        status: 400,
        details: [expect.objectContaining({ type: 'nul_character', loc: ['body', 'name'] })],
      });
    }
    // In an email or a password, and in a field the DTO does not even know.
    for (const body of [
      { ...owner, email: 'own\u0000er@example.com' },
      { ...owner, password: 'correct\u0000horse-1' },
      { ...owner, extra: { deep: ['\u0000'] } },
    ]) {
      const answer = await send('POST', '/console/api/setup', JSON.stringify(body));
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ code: 'invalid_param' });
    }
    // Half a surrogate pair made the email validator throw; it is refused like a NUL.
    for (const [path, body] of [
      ['/console/api/setup', `{"email":"owner@example.com\\ud800","name":"Owner","password":[]}`],
      ['/console/api/login', `{"email":"\\udfffowner@example.com","password":"x"}`],
    ]) {
      const answer = await send('POST', path, body);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(await answer.json()).toMatchObject({
        code: 'invalid_param',
        details: [expect.objectContaining({ type: 'invalid_unicode', loc: ['body', 'email'] })],
      });
    }
    // The device endpoints read their own dialect: a user code keeps only its alphabet.
    const lookup = await send(
      'GET',
      '/openapi/v1/oauth/device/lookup?user_code=ABCD%00EFGH',
      undefined,
      {
        'x-forwarded-for': clientIp(),
      },
    );
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toMatchObject({ valid: false });
    const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM accounts');
    expect(rows[0].count).toBe('0');
    await expectAlive();

    expect((await send('POST', '/console/api/setup', JSON.stringify(owner))).status).toBe(201);
  });

  it('bounds the depth of every JSON body, answering in the dialect of the route', async () => {
    // The owner exists once the first-run setup has run (here, or in the test above).
    await send('POST', '/console/api/setup', JSON.stringify(owner));
    const jar = new CookieJar();
    const credentials = { email: owner.email, password: owner.password };
    jar.store(await send('POST', '/console/api/login', JSON.stringify(credentials)));
    expect(jar.get('csrf_token')).toBeDefined();
    const session = { cookie: jar.header(), 'x-csrf-token': jar.get('csrf_token') ?? '' };
    const consoleRoutes: [string, string, Record<string, string>][] = [
      ['POST', '/console/api/login', {}],
      ['POST', '/console/api/setup', {}],
      ['POST', '/console/api/register', {}],
      ['POST', '/console/api/refresh-token', session],
      ['POST', '/console/api/logout', session],
      ['POST', '/console/api/workspaces/switch', session],
      ['POST', `/openapi/v1/workspaces/${randomUUID()}/switch`, {}],
      ['DELETE', '/openapi/v1/account/sessions/self', {}],
    ];
    const deviceRoutes: [string, string, Record<string, string>][] = [
      ['POST', '/openapi/v1/oauth/device/code', {}],
      ['POST', '/v1/oauth/device/code', {}],
      ['POST', '/openapi/v1/oauth/device/token', {}],
      ['POST', '/v1/oauth/device/token', {}],
      ['POST', '/openapi/v1/oauth/device/approve', session],
      ['POST', '/openapi/v1/oauth/device/deny', session],
      ['POST', '/openapi/v1/oauth/revoke', {}],
    ];
    for (const depth of [5_000, 33]) {
      for (const [method, path, headers] of consoleRoutes) {
        const answer = await send(method, path, nestedBody(depth), headers);
        expect({ path, status: answer.status }).toEqual({ path, status: 400 });
        expect(await answer.json()).toMatchObject({
          code: 'invalid_param',
          status: 400,
          details: [expect.objectContaining({ type: 'max_depth', loc: ['body'] })],
        });
      }
      for (const [method, path, headers] of deviceRoutes) {
        const answer = await send(method, path, nestedBody(depth), {
          ...headers,
          'x-forwarded-for': clientIp(),
        });
        expect({ path, status: answer.status }).toEqual({ path, status: 400 });
        expect(await answer.json()).toEqual({ error: 'invalid_request' });
      }
    }
    await expectAlive();
    // A body of ordinary depth still reaches validation and its field errors.
    const shallow = await send('POST', '/console/api/login', nestedBody(2));
    expect(await shallow.json()).toMatchObject({
      code: 'invalid_param',
      details: expect.arrayContaining([expect.objectContaining({ type: 'unknown_field' })]),
    });
  });

  describe('revocation', () => {
    const revoke = (token: string, ip: string, signal?: AbortSignal) =>
      send(
        'POST',
        '/openapi/v1/oauth/revoke',
        JSON.stringify({ token }),
        {
          'x-forwarded-for': ip,
        },
        signal,
      );

    const waitingOnTokens = async (): Promise<number> => {
      const { rows } = await db.query<{ count: string }>(
        `SELECT count(*) FROM pg_locks
          WHERE NOT granted AND relation = 'oauth_access_tokens'::regclass`,
      );
      return Number(rows[0].count);
    };

    it('answers a value that is not token-shaped without any query', async () => {
      const locker = new Client({ connectionString: database.url });
      await locker.connect();
      try {
        // While the table is locked, any query on it waits: an answer proves none was made.
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE oauth_access_tokens IN ACCESS EXCLUSIVE MODE');
        const ip = clientIp();
        for (const token of [
          'dfoa_',
          'dfoa_short',
          `dfoa_${'a'.repeat(44)}`,
          `dfoe_${'!'.repeat(43)}`,
          `dfoa_${'a'.repeat(42)}\n`,
        ]) {
          const answer = await revoke(token, ip, AbortSignal.timeout(10_000));
          expect(answer.status).toBe(200);
          expect(await answer.json()).toEqual({});
        }
        expect(await waitingOnTokens()).toBe(0);

        // The probe is sound: a well-formed token does query, and waits for the lock.
        const wellFormed = revoke(`dfoa_${randomBytes(32).toString('base64url')}`, ip);
        await waitFor(async () => (await waitingOnTokens()) > 0, {
          description: 'the well-formed revocation to wait on the table lock',
        });
        await locker.query('ROLLBACK');
        const answer = await wellFormed;
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual({});
      } finally {
        await locker.end();
      }
    });

    it('limits revocations per client IP', async () => {
      const ip = clientIp();
      const token = `dfoa_${randomBytes(32).toString('base64url')}`;
      for (let i = 0; i < 60; i += 1) {
        expect((await revoke(token, ip)).status).toBe(200);
      }
      const limited = await revoke(token, ip);
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another address has a bucket of its own.
      let other = clientIp();
      while (other === ip) other = clientIp();
      expect((await revoke(token, other)).status).toBe(200);
    });
  });

  it('refuses public URLs with a query or a fragment at boot, naming the variable', async () => {
    const cases: [ServiceProcess['name'], string, string][] = [
      ['api', 'CONSOLE_API_URL', 'http://localhost:5001/?tenant=1'],
      ['api', 'CONSOLE_WEB_URL', 'http://localhost:5001/#device'],
      ['auth', 'CONSOLE_API_URL', 'http://localhost:5001/#x'],
      ['auth', 'CONSOLE_WEB_URL', 'http://localhost:5001?'],
    ];
    for (const [name, variable, value] of cases) {
      const service = await ServiceProcess.start(
        name,
        { DATABASE_URL: database.url, [variable]: value },
        { waitUntilReady: false },
      );
      // A service that boots anyway is stopped at once rather than left to time the test out.
      let exited = false;
      void service.exited.then(() => (exited = true));
      const outcome = await waitFor(
        async () => {
          if (exited) return 'exited';
          const ready = await fetch(`${service.opsUrl}/health/ready`).catch(() => undefined);
          return ready?.status === 200 ? 'ready' : undefined;
        },
        { timeoutMs: 20_000, description: `${name} to exit or become ready` },
      );
      const booted = outcome === 'ready';
      if (booted) await service.stop();
      const status = await service.exited;
      expect({ name, variable, booted, code: status.code }).toEqual({
        name,
        variable,
        booted: false,
        code: 1,
      });
      // The refusal is one JSON line that lists each bad variable with its problem.
      await waitFor(
        () =>
          service.logEntries().some(
            (entry) =>
              entry.level === 'fatal' &&
              JSON.stringify(entry.problems).includes(
                JSON.stringify({
                  variable,
                  problem: 'must not carry a query string or fragment',
                }),
              ),
          ),
        { description: `${name} to name ${variable}` },
      );
    }
  });
});
