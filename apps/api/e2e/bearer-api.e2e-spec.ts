import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLicenseKeyPair, signLicense } from '@dify/licensing';
import { bullPrefix, redisOptionsFromUrl } from '@dify/platform';
import { QUEUES } from '@dify/queue-contracts';
import {
  createMigratedDatabase,
  dropDatabase,
  isolatedKeyPrefix,
  ServiceProcess,
  testEnvironment,
  waitFor,
} from '@dify/testing';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Client } from 'pg';

const DAY_MS = 86_400_000;
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

const INVALID_BEARER = '{"code":"invalid_bearer","message":"invalid bearer","status":401}';
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
};
// Headers that differ on every response by design; everything else must be identical.
const PER_RESPONSE_HEADERS = new Set(['x-request-id', 'date', 'keep-alive', 'connection']);

interface Seeded {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly workspaces: { readonly id: string; readonly name: string; readonly role: string }[];
}

interface Minted {
  readonly token: string;
  readonly id: string;
  readonly hash: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * The bearer API through the gateway process, with a worker writing the audit trail. The device
 * flow that mints tokens is another service's, so tokens are minted here the way the tokens library
 * stores them: a row holding the SHA-256 of `dfoa_`/`dfoe_` + 43 base64url characters.
 */
describe('bearer API (api process)', () => {
  const { redisUrl } = testEnvironment();
  const serverUrl = () => process.env.TEST_DATABASE_SERVER_URL ?? '';
  // A key prefix of the suite's own: no schedule of another suite writes license:status here.
  const prefix = isolatedKeyPrefix('bearer-api');
  let database: { url: string; name: string };
  let env: Record<string, string>;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let db: Client;
  let redis: Redis;
  let touches: Queue;
  let alice: Seeded;
  let bob: Seeded;

  beforeAll(async () => {
    database = await createMigratedDatabase(serverUrl());
    env = { DATABASE_URL: database.url, REDIS_KEY_PREFIX: prefix };
    [api, worker] = await Promise.all([
      ServiceProcess.start('api', env),
      ServiceProcess.start('worker', { ...env, WORKER_QUEUES: 'audit' }),
    ]);
    db = new Client({ connectionString: database.url });
    await db.connect();
    redis = new Redis(redisUrl);
    touches = new Queue(QUEUES.tokenUsage, {
      connection: redisOptionsFromUrl(redisUrl),
      prefix: bullPrefix(prefix),
    });
    alice = await seedAccount('Alice', [
      { name: 'Alice Main', role: 'owner', current: true },
      { name: 'Alice Side', role: 'editor', current: false },
    ]);
    bob = await seedAccount('Bob', [{ name: 'Bob Main', role: 'owner', current: true }]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await touches?.close();
    await redis?.quit();
    await db?.end();
    await dropDatabase(serverUrl(), database.name);
  });

  // ---- fixtures -------------------------------------------------------------------------------

  let tenantClock = Date.parse('2030-01-01T00:00:00.000Z');

  async function seedAccount(
    name: string,
    workspaces: { name: string; role: string; current: boolean }[],
  ): Promise<Seeded> {
    const id = randomUUID();
    const email = `${name.toLowerCase()}-${id.slice(0, 8)}@example.com`;
    await db.query(`INSERT INTO accounts (id, email, name, status) VALUES ($1, $2, $3, 'active')`, [
      id,
      email,
      name,
    ]);
    const seeded: Seeded = { id, email, name, workspaces: [] };
    for (const workspace of workspaces) {
      const workspaceId = randomUUID();
      // Distinct creation times make "oldest first" a fact the test can state.
      tenantClock += 60_000;
      await db.query(`INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)`, [
        workspaceId,
        workspace.name,
        new Date(tenantClock),
      ]);
      await db.query(
        `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role, current)
         VALUES ($1, $2, $3, $4, $5)`,
        [randomUUID(), workspaceId, id, workspace.role, workspace.current],
      );
      seeded.workspaces.push({ id: workspaceId, name: workspace.name, role: workspace.role });
    }
    return seeded;
  }

  /** A token row exactly as the tokens library writes one; only the hash of the plaintext is stored. */
  async function mint(
    owner: Seeded | { email: string; issuer: string },
    options: { createdAt?: Date; expiresAt?: Date; revoked?: boolean; id?: string } = {},
  ): Promise<Minted> {
    const external = !('id' in owner);
    const token = `${external ? 'dfoe_' : 'dfoa_'}${randomBytes(32).toString('base64url')}`;
    const hash = createHash('sha256').update(token).digest('hex');
    const id = options.id ?? randomUUID();
    await db.query(
      `INSERT INTO oauth_access_tokens
         (id, subject_email, subject_issuer, account_id, client_id, device_label, prefix,
          token_hash, created_at, expires_at, revoked_at)
       VALUES ($1, $2, $3, $4, 'difyctl', $5, $6, $7, $8, $9, $10)`,
      [
        id,
        owner.email,
        external ? owner.issuer : 'dify:account',
        external ? null : owner.id,
        `device ${id}`,
        token.slice(0, 5),
        options.revoked ? null : hash,
        options.createdAt ?? new Date(),
        options.expiresAt ?? new Date(Date.now() + 14 * DAY_MS),
        options.revoked ? new Date() : null,
      ],
    );
    return { token, id, hash };
  }

  async function call(
    service: ServiceProcess,
    method: string,
    path: string,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** Runs `work` against a gateway started with `overrides`, and stops it afterwards. */
  async function withApi(
    overrides: Record<string, string>,
    work: (gateway: ServiceProcess) => Promise<void>,
  ): Promise<void> {
    const gateway = await ServiceProcess.start('api', { ...env, ...overrides });
    try {
      await work(gateway);
    } finally {
      await gateway.stop();
    }
  }

  function stableHeaders(headers: Headers): Record<string, string> {
    return Object.fromEntries([...headers].filter(([name]) => !PER_RESPONSE_HEADERS.has(name)));
  }

  function expectSecurityHeaders(answer: Answer): void {
    expect(Object.fromEntries(answer.headers)).toMatchObject(SECURITY_HEADERS);
  }

  const auditRows = async (event: string, where = 'true', params: unknown[] = []) =>
    (
      await db.query<Record<string, unknown>>(
        `SELECT * FROM audit_logs WHERE event = $1 AND ${where} ORDER BY occurred_at`,
        [event, ...params],
      )
    ).rows;

  const tokenRow = async (id: string) =>
    (
      await db.query<{ revoked_at: Date | null; token_hash: string | null }>(
        `SELECT revoked_at, token_hash FROM oauth_access_tokens WHERE id = $1`,
        [id],
      )
    ).rows[0];

  // ---- meta -----------------------------------------------------------------------------------

  it('answers _health and _version without authentication', async () => {
    const health = await call(api, 'GET', '/openapi/v1/_health');
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ ok: true });
    expectSecurityHeaders(health);

    const version = await call(api, 'GET', '/openapi/v1/_version', 'not-even-a-token');
    expect(version.status).toBe(200);
    expect(version.json()).toEqual({ version: PACKAGE_VERSION, edition: 'community' });
    expectSecurityHeaders(version);
  });

  // ---- authentication -------------------------------------------------------------------------

  it('answers 401 bearer_required with WWW-Authenticate: Bearer without a bearer token', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Basic YWxpY2U6c2VjcmV0' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer    ' },
      { authorization: 'Token abc' },
    ];
    for (const headers of cases) {
      const answer = await call(api, 'GET', '/openapi/v1/account', undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.json()).toEqual({
        code: 'bearer_required',
        message: 'bearer token required',
        status: 401,
      });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expectSecurityHeaders(answer);
    }
  });

  it('answers unknown prefix, unknown, revoked and expired tokens with one identical 401', async () => {
    const revoked = await mint(alice, { revoked: true });
    const expired = await mint(alice, {
      createdAt: new Date(Date.now() - 20 * DAY_MS),
      expiresAt: new Date(Date.now() - 1_000),
    });
    const presented = [
      `dfp_${randomBytes(32).toString('base64url')}`,
      `app-${randomBytes(32).toString('base64url')}`,
      `dfoa_${randomBytes(32).toString('base64url')}`,
      `dfoe_${randomBytes(32).toString('base64url')}`,
      'dfoa_short',
      revoked.token,
      expired.token,
    ];
    const answers: Answer[] = [];
    for (const token of presented)
      answers.push(await call(api, 'GET', '/openapi/v1/account', token));

    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.text).toBe(INVALID_BEARER);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(stableHeaders(answer.headers)).toEqual(stableHeaders(answers[0].headers));
    }
    expectSecurityHeaders(answers[0]);
    // The expired row was looked at, not skipped: resolution hard-expired it.
    expect(await tokenRow(expired.id)).toMatchObject({ token_hash: null });
    expect((await tokenRow(expired.id)).revoked_at).not.toBeNull();
  });

  it('answers 503 bearer_auth_disabled on every bearer route when the kill switch is off', async () => {
    const { token } = await mint(alice);
    await withApi({ ENABLE_OAUTH_BEARER: 'false' }, async (gateway) => {
      for (const [method, path, bearer] of [
        ['GET', '/openapi/v1/account', token],
        ['GET', '/v1/me', undefined],
        ['GET', '/openapi/v1/workspaces', token],
        ['DELETE', '/openapi/v1/account/sessions/self', token],
      ] as const) {
        const answer = await call(gateway, method, path, bearer);
        expect(answer.status).toBe(503);
        expect(answer.json()).toEqual({
          code: 'bearer_auth_disabled',
          message: 'bearer authentication is disabled',
          status: 503,
        });
        expectSecurityHeaders(answer);
      }
      expect((await call(gateway, 'GET', '/openapi/v1/_health')).status).toBe(200);
    });
    // The token itself was never revoked; it works again once the switch is back on.
    expect((await call(api, 'GET', '/openapi/v1/account', token)).status).toBe(200);
  });

  // ---- rate limits ----------------------------------------------------------------------------

  it('limits each token per minute before resolving it, and /v1/me shares the bucket', async () => {
    const { token } = await mint(alice);
    const other = await mint(alice);
    const unknown = `dfoa_${randomBytes(32).toString('base64url')}`;
    await withApi({ OPENAPI_RATE_LIMIT_PER_TOKEN: '3' }, async (gateway) => {
      expect((await call(gateway, 'GET', '/openapi/v1/account', token)).status).toBe(200);
      expect((await call(gateway, 'GET', '/v1/me', token)).status).toBe(200);
      expect((await call(gateway, 'GET', '/openapi/v1/workspaces', token)).status).toBe(200);

      const limited = await call(gateway, 'GET', '/v1/me', token);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.json()).toEqual({
        code: 'rate_limited',
        message: 'rate limited',
        status: 429,
        details: { retry_after_ms: expect.any(Number) },
      });
      expectSecurityHeaders(limited);

      // Unknown tokens spend their own bucket too: guessing is throttled like any caller.
      for (let i = 0; i < 3; i += 1) {
        expect((await call(gateway, 'GET', '/openapi/v1/account', unknown)).status).toBe(401);
      }
      expect((await call(gateway, 'GET', '/openapi/v1/account', unknown)).status).toBe(429);

      // Buckets are per token: another token of the same account is unaffected.
      expect((await call(gateway, 'GET', '/openapi/v1/account', other.token)).status).toBe(200);
    });
  });

  it('adds a per-account bucket on the account route, and a per-token limit of 0 skips Redis', async () => {
    const carol = await seedAccount('Carol', [
      { name: 'Carol Main', role: 'owner', current: true },
    ]);
    const first = await mint(carol);
    const second = await mint(carol);
    await withApi(
      { OPENAPI_RATE_LIMIT_PER_TOKEN: '0', ACCOUNT_RATE_LIMIT_PER_MINUTE: '2' },
      async (gateway) => {
        expect((await call(gateway, 'GET', '/openapi/v1/account', first.token)).status).toBe(200);
        expect((await call(gateway, 'GET', '/v1/me', second.token)).status).toBe(200);
        const limited = await call(gateway, 'GET', '/openapi/v1/account', first.token);
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        // The bucket is the account's, whichever token asks; other routes are not counted.
        expect((await call(gateway, 'GET', '/v1/me', second.token)).status).toBe(429);
        const sessions = await call(gateway, 'GET', '/openapi/v1/account/sessions', first.token);
        expect(sessions.status).toBe(200);
      },
    );
    for (const { hash } of [first, second]) {
      expect(await redis.exists(`${prefix}rl:bearer:token:${hash}`)).toBe(0);
    }
    expect(await redis.exists(`${prefix}rl:account:account:${carol.id}`)).toBe(1);
  });

  // ---- account --------------------------------------------------------------------------------

  it('describes the account, with /v1/me answering byte for byte the same', async () => {
    const { token } = await mint(alice);
    const canonical = await call(api, 'GET', '/openapi/v1/account', token);
    expect(canonical.status).toBe(200);
    expect(canonical.json()).toEqual({
      subject_type: 'account',
      subject_email: alice.email,
      account: { id: alice.id, email: alice.email, name: 'Alice' },
      workspaces: alice.workspaces.map(({ id, name, role }) => ({ id, name, role })),
      default_workspace_id: alice.workspaces[0].id,
    });
    expectSecurityHeaders(canonical);

    const alias = await call(api, 'GET', '/v1/me', token);
    expect(alias.status).toBe(200);
    expect(alias.text).toBe(canonical.text);
    expect(stableHeaders(alias.headers)).toEqual(stableHeaders(canonical.headers));
  });

  it('reports no default workspace for an account without one', async () => {
    const loner = await seedAccount('Loner', []);
    const { token } = await mint(loner);
    const answer = await call(api, 'GET', '/openapi/v1/account', token);
    expect(answer.json()).toMatchObject({ workspaces: [], default_workspace_id: null });
  });

  it('notes a use at most once a minute per token', async () => {
    const { token, id } = await mint(alice);
    for (let i = 0; i < 5; i += 1) {
      expect((await call(api, 'GET', '/openapi/v1/account', token)).status).toBe(200);
    }
    const jobs = await touches.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.filter((job) => (job.data as { tokenId?: string }).tokenId === id)).toHaveLength(1);
    const ttl = await redis.ttl(`${prefix}auth:touch:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  // ---- sessions -------------------------------------------------------------------------------

  it('lists only the caller’s live sessions, newest first, and pages them', async () => {
    const dave = await seedAccount('Dave', [{ name: 'Dave Main', role: 'owner', current: true }]);
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
    const newest = await mint(dave, { createdAt: at(1) });
    const second = await mint(dave, { createdAt: at(2) });
    const third = await mint(dave, { createdAt: at(3) });
    // Two rows created in the same instant are ordered by id, descending.
    const tie = [randomUUID(), randomUUID()].sort().reverse();
    const fourth = await mint(dave, { createdAt: at(4), id: tie[0] });
    const fifth = await mint(dave, { createdAt: at(4), id: tie[1] });
    await mint(dave, { createdAt: at(0), revoked: true });
    await mint(dave, { createdAt: at(60 * 24 * 15), expiresAt: at(5) });
    await mint({ email: dave.email, issuer: 'https://idp.example.com' });
    await mint(alice, { createdAt: at(0) });
    const expectedOrder = [newest, second, third, fourth, fifth].map((session) => session.id);

    const all = await call(api, 'GET', '/openapi/v1/account/sessions', newest.token);
    expect(all.status).toBe(200);
    const body = all.json<{ data: Record<string, unknown>[] }>();
    expect(body).toMatchObject({ page: 1, limit: 100, total: 5, has_more: false, hints: [] });
    expect(body.data.map((session) => session.id)).toEqual(expectedOrder);
    expect(body.data[1]).toEqual({
      id: second.id,
      prefix: 'dfoa_',
      client_id: 'difyctl',
      device_label: `device ${second.id}`,
      created_at: at(2).toISOString(),
      last_used_at: null,
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expectSecurityHeaders(all);

    const page = async (query: string) =>
      (await call(api, 'GET', `/openapi/v1/account/sessions?${query}`, newest.token)).json<{
        page: number;
        limit: number;
        total: number;
        has_more: boolean;
        data: { id: string }[];
      }>();
    const p2 = await page('page=2&limit=2');
    expect(p2).toMatchObject({ page: 2, limit: 2, total: 5, has_more: true, hints: [] });
    expect(p2.data.map((session) => session.id)).toEqual(expectedOrder.slice(2, 4));
    const p3 = await page('page=3&limit=2');
    expect(p3).toMatchObject({ page: 3, total: 5, has_more: false });
    expect(p3.data.map((session) => session.id)).toEqual(expectedOrder.slice(4));
    expect(await page('page=9&limit=2')).toMatchObject({ total: 5, has_more: false, data: [] });
  });

  it.each([
    'page=0',
    'page=-3',
    'limit=0',
    'limit=101',
    'limit=999',
    'limit=abc',
    'page=1.5',
    'page=1&page=2',
    'page=',
    'sort=created_at',
  ])('refuses ?%s with 400 invalid_param on both lists', async (query) => {
    const { token } = await mint(alice);
    for (const path of ['/openapi/v1/account/sessions', '/openapi/v1/workspaces']) {
      const answer = await call(api, 'GET', `${path}?${query}`, token);
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({
        code: 'invalid_param',
        status: 400,
        details: [expect.objectContaining({ loc: ['query', query.split('=')[0]] })],
      });
      expectSecurityHeaders(answer);
    }
  });

  it('revokes the presenting token through sessions/self and its legacy alias', async () => {
    for (const path of ['/openapi/v1/account/sessions/self', '/v1/oauth/authorizations/self']) {
      const { token, id } = await mint(alice);
      expect((await call(api, 'GET', '/openapi/v1/account', token)).status).toBe(200);

      const revoked = await call(api, 'DELETE', path, token);
      expect(revoked.status).toBe(200);
      expect(revoked.text).toBe('{"status":"revoked"}');
      expectSecurityHeaders(revoked);

      // Revocation also drops the cached positive entry: the very next call is refused.
      const after = await call(api, 'GET', '/openapi/v1/account', token);
      expect(after.status).toBe(401);
      expect(after.text).toBe(INVALID_BEARER);
      expect(await tokenRow(id)).toMatchObject({ token_hash: null });
      await waitFor(
        async () =>
          (await auditRows('oauth.token_revoked', `payload->>'token_id' = $2`, [id])).length === 1,
        { description: `oauth.token_revoked for ${path}` },
      );
      const [event] = await auditRows('oauth.token_revoked', `payload->>'token_id' = $2`, [id]);
      expect(event.payload).toMatchObject({ via: 'self', client_id: 'difyctl' });
    }
  });

  it('revokes an own session by id, idempotently, and hides everyone else’s', async () => {
    const caller = await mint(alice);
    const laptop = await mint(alice);
    const bobs = await mint(bob);
    const path = (id: string) => `/openapi/v1/account/sessions/${id}`;

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const revoked = await call(api, 'DELETE', path(laptop.id), caller.token);
      expect(revoked.status).toBe(200);
      expect(revoked.json()).toEqual({ status: 'revoked' });
    }
    expect((await call(api, 'GET', '/openapi/v1/account', laptop.token)).text).toBe(INVALID_BEARER);

    for (const id of [bobs.id, randomUUID(), 'not-a-uuid', laptop.id.toUpperCase()]) {
      const hidden = await call(api, 'DELETE', path(id), caller.token);
      expect(hidden.status).toBe(404);
      expect(hidden.json()).toEqual({
        code: 'session_not_found',
        message: 'session not found',
        status: 404,
      });
    }
    // Bob's session survived the attempt on it, and the caller's own token still works.
    expect((await call(api, 'GET', '/openapi/v1/account', bobs.token)).status).toBe(200);
    expect((await call(api, 'GET', '/openapi/v1/account', caller.token)).status).toBe(200);
    await waitFor(
      async () =>
        (await auditRows('oauth.token_revoked', `payload->>'token_id' = $2`, [laptop.id]))
          .length === 1,
      { description: 'one oauth.token_revoked for the laptop session' },
    );
  });

  // ---- workspaces -----------------------------------------------------------------------------

  it('lists, shows and switches the caller’s workspaces, and 404s anyone else’s', async () => {
    const { token } = await mint(alice);
    const [main, side] = alice.workspaces;

    const list = await call(api, 'GET', '/openapi/v1/workspaces', token);
    expect(list.status).toBe(200);
    expect(list.json()).toEqual({
      page: 1,
      limit: 100,
      total: 2,
      has_more: false,
      data: [
        { id: main.id, name: main.name, role: 'owner', status: 'normal', current: true },
        { id: side.id, name: side.name, role: 'editor', status: 'normal', current: false },
      ],
      hints: [],
    });
    const paged = await call(api, 'GET', '/openapi/v1/workspaces?page=1&limit=1', token);
    expect(paged.json()).toMatchObject({ total: 2, has_more: true, data: [{ id: main.id }] });

    const shown = await call(api, 'GET', `/openapi/v1/workspaces/${side.id}`, token);
    expect(shown.json()).toEqual({
      id: side.id,
      name: side.name,
      role: 'editor',
      status: 'normal',
      current: false,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });

    const switched = await call(api, 'POST', `/openapi/v1/workspaces/${side.id}/switch`, token);
    expect(switched.status).toBe(200);
    expect(switched.json()).toEqual({
      id: side.id,
      name: side.name,
      role: 'editor',
      status: 'normal',
      current: true,
    });
    expect((await call(api, 'GET', '/openapi/v1/account', token)).json()).toMatchObject({
      default_workspace_id: side.id,
    });
    expect(
      (await call(api, 'POST', `/openapi/v1/workspaces/${main.id}/switch`, token)).status,
    ).toBe(200);

    const notFound = { code: 'workspace_not_found', message: 'workspace not found', status: 404 };
    for (const id of [bob.workspaces[0].id, randomUUID(), 'not-a-uuid']) {
      const get = await call(api, 'GET', `/openapi/v1/workspaces/${id}`, token);
      expect(get.status).toBe(404);
      expect(get.json()).toEqual(notFound);
      const post = await call(api, 'POST', `/openapi/v1/workspaces/${id}/switch`, token);
      expect(post.status).toBe(404);
      expect(post.json()).toEqual(notFound);
    }
    // Bob's workspace was not touched by the attempt.
    const bobs = await db.query(`SELECT current FROM tenant_account_joins WHERE tenant_id = $1`, [
      bob.workspaces[0].id,
    ]);
    expect(bobs.rows).toEqual([{ current: true }]);
  });

  // ---- subject type ---------------------------------------------------------------------------

  it('refuses an SSO (dfoe_) token on the account and workspace routes, and audits it', async () => {
    const external = {
      email: `ext-${randomUUID()}@partner.example`,
      issuer: 'https://idp.example.com',
    };
    const sso = await mint(external);
    const routes = [
      ['GET', '/openapi/v1/account'],
      ['GET', '/v1/me'],
      ['GET', '/openapi/v1/account/sessions'],
      ['DELETE', '/openapi/v1/account/sessions/self'],
      ['GET', '/openapi/v1/workspaces'],
      ['GET', `/openapi/v1/workspaces/${alice.workspaces[0].id}`],
      ['POST', `/openapi/v1/workspaces/${alice.workspaces[0].id}/switch`],
    ] as const;
    for (const [method, path] of routes) {
      const answer = await call(api, method, path, sso.token);
      expect(answer.status).toBe(403);
      expect(answer.json()).toMatchObject({ code: 'unsupported_token_type', status: 403 });
      expectSecurityHeaders(answer);
    }
    // The token is refused, not revoked.
    expect((await tokenRow(sso.id)).token_hash).toBe(sso.hash);

    const denied = () =>
      auditRows('openapi.wrong_surface_denied', `payload->>'token_id' = $2`, [sso.id]);
    await waitFor(async () => (await denied()).length === routes.length, {
      description: 'one openapi.wrong_surface_denied per refused call',
    });
    const rows = await denied();
    expect(rows[0]).toMatchObject({
      service: 'api',
      subject_type: 'external_sso',
      subject_email: external.email,
      subject_issuer: external.issuer,
      payload: {
        subject_type: 'external_sso',
        attempted_path: '/openapi/v1/account',
        client_id: 'difyctl',
        token_id: sso.id,
      },
    });
    expect(rows.map((row) => (row.payload as { attempted_path: string }).attempted_path)).toEqual(
      routes.map(([, path]) => path),
    );
    expect(JSON.stringify(rows)).not.toContain(sso.token);
    expect(JSON.stringify(rows)).not.toContain(sso.hash);
  });

  // ---- licence --------------------------------------------------------------------------------

  describe('licence gate', () => {
    const pair = generateLicenseKeyPair();
    const licence = (days: number) =>
      signLicense({
        privateKeyPem: pair.privateKeyPem,
        licensee: 'Acme Corp',
        expiresAt: new Date(Date.now() + days * DAY_MS),
      });
    const features = async (gateway: ServiceProcess) =>
      (await call(gateway, 'GET', '/console/api/system-features')).json();

    it('passes the community edition (no licence) and reports it', async () => {
      const { token } = await mint(alice);
      expect((await call(api, 'GET', '/openapi/v1/account', token)).status).toBe(200);
      expect(await features(api)).toEqual({
        edition: 'community',
        license: { status: 'none' },
        device_flow: { sso_available: false },
      });
    });

    it('answers 403 license_invalid for an installed licence that does not verify', async () => {
      const { token } = await mint(alice);
      const sso = await mint({
        email: `ext-${randomUUID()}@partner.example`,
        issuer: 'https://idp',
      });
      await withApi(
        {
          LICENSE_KEY: 'not-a-licence',
          LICENSE_PUBLIC_KEY: pair.publicKeyPem,
          SSO_ISSUER: 'https://idp.example.com',
        },
        async (gateway) => {
          for (const path of ['/openapi/v1/account', '/v1/me', '/openapi/v1/workspaces']) {
            const refused = await call(gateway, 'GET', path, token);
            expect(refused.status).toBe(403);
            expect(refused.json()).toEqual({
              code: 'license_invalid',
              message: 'license invalid',
              status: 403,
            });
            expectSecurityHeaders(refused);
          }
          // The subject check comes first (docs/bearer-api.md, "Route requirements"): an SSO token
          // learns about its type, not the licence.
          const wrongType = await call(gateway, 'GET', '/openapi/v1/account', sso.token);
          expect(wrongType.json()).toMatchObject({ code: 'unsupported_token_type' });
          expect((await call(gateway, 'GET', '/openapi/v1/_version')).json()).toEqual({
            version: PACKAGE_VERSION,
            edition: 'enterprise',
          });
          expect(await features(gateway)).toEqual({
            edition: 'enterprise',
            license: { status: 'inactive' },
            device_flow: { sso_available: false },
          });
        },
      );
    });

    it('serves a valid licence, and offers no SSO while its routes are not served', async () => {
      const { token } = await mint(alice);
      await withApi(
        {
          LICENSE_KEY: licence(100),
          LICENSE_PUBLIC_KEY: pair.publicKeyPem.trim().replace(/\n/g, '\\n'),
          SSO_ISSUER: 'https://idp.example.com',
        },
        async (gateway) => {
          expect((await call(gateway, 'GET', '/openapi/v1/account', token)).status).toBe(200);
          expect(await features(gateway)).toEqual({
            edition: 'enterprise',
            license: { status: 'active' },
            device_flow: { sso_available: false },
          });
        },
      );
    });

    it('denies an unknown status shared in license:status, even over a valid local licence', async () => {
      const { token } = await mint(alice);
      const ownPrefix = isolatedKeyPrefix('bearer-grace');
      await redis.set(`${ownPrefix}license:status`, JSON.stringify({ status: 'grace' }));
      await withApi(
        {
          REDIS_KEY_PREFIX: ownPrefix,
          LICENSE_KEY: licence(100),
          LICENSE_PUBLIC_KEY: pair.publicKeyPem,
          SSO_ISSUER: 'https://idp.example.com',
        },
        async (gateway) => {
          const refused = await call(gateway, 'GET', '/openapi/v1/account', token);
          expect(refused.status).toBe(403);
          expect(refused.json()).toMatchObject({ code: 'license_invalid' });
          expect(await features(gateway)).toEqual({
            edition: 'enterprise',
            license: { status: 'unknown' },
            device_flow: { sso_available: false },
          });
        },
      );
    });
  });

  // ---- headers --------------------------------------------------------------------------------

  it('carries the security headers on unmatched API paths too', async () => {
    for (const path of ['/openapi/v1/nowhere', '/v1/nowhere']) {
      const answer = await call(api, 'GET', path);
      expect(answer.status).toBe(404);
      expectSecurityHeaders(answer);
    }
    const consoleAnswer = await call(api, 'GET', '/console/api/system-features');
    expect(consoleAnswer.headers.get('pragma')).toBeNull();
  });

  it('keeps tokens out of the logs', async () => {
    const { token, hash } = await mint(alice);
    await call(api, 'GET', '/openapi/v1/account', token);
    await waitFor(() => api.lines.some((line) => line.includes('/openapi/v1/account')));
    const logs = api.lines.join('\n');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(hash);
  });
});
