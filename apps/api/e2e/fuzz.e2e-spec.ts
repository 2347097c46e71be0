import { randomBytes } from 'node:crypto';
import {
  CookieJar,
  createMigratedDatabase,
  dropDatabase,
  findLeakedSecrets,
  type FuzzRoute,
  fillPlaceholders,
  hostileRequest,
  isolatedKeyPrefix,
  pathSpellings,
  type RawHttpAnswer,
  SecretCollector,
  sendRawHttp,
  ServiceProcess,
  toRawRequest,
} from '@dify/testing';
import fc from 'fast-check';

// A bounded count keeps `npm test` short; FUZZ_RUNS=20000 is the long run. FUZZ_SEED replays one.
const RUNS = Number(process.env.FUZZ_RUNS ?? '4000');
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
// Fresh credentials now and then, since the fuzzer may sign out, rotate or revoke the old ones.
const REFRESH_EVERY = 250;

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Every public route of api and auth, each with a body that would be valid. Health and metrics are
 * on the ops listeners, which the fuzzer does not reach.
 */
const ROUTES: FuzzRoute[] = [
  { service: 'api', method: 'GET', path: '/console/api/setup' },
  {
    service: 'api',
    method: 'POST',
    path: '/console/api/setup',
    body: { email: '{{email}}', name: 'Fuzz', password: '{{password}}' },
  },
  {
    service: 'api',
    method: 'POST',
    path: '/console/api/register',
    body: { email: '{{new_email}}', name: 'New', password: '{{password}}' },
  },
  {
    service: 'api',
    method: 'POST',
    path: '/console/api/login',
    body: { email: '{{email}}', password: '{{password}}' },
  },
  { service: 'api', method: 'POST', path: '/console/api/refresh-token', body: {} },
  { service: 'api', method: 'POST', path: '/console/api/logout', body: {} },
  { service: 'api', method: 'GET', path: '/console/api/account/profile' },
  { service: 'api', method: 'GET', path: '/console/api/workspaces' },
  { service: 'api', method: 'GET', path: '/console/api/workspaces/current' },
  {
    service: 'api',
    method: 'POST',
    path: '/console/api/workspaces/switch',
    body: { tenant_id: '{{workspace_id}}' },
  },
  { service: 'api', method: 'GET', path: '/console/api/system-features' },
  { service: 'api', method: 'GET', path: '/openapi/v1/account' },
  { service: 'api', method: 'GET', path: '/v1/me' },
  {
    service: 'api',
    method: 'GET',
    path: '/openapi/v1/account/sessions',
    query: { page: '1', limit: '20' },
  },
  { service: 'api', method: 'DELETE', path: '/openapi/v1/account/sessions/self' },
  { service: 'api', method: 'DELETE', path: '/v1/oauth/authorizations/self' },
  { service: 'api', method: 'DELETE', path: '/openapi/v1/account/sessions/:id' },
  { service: 'api', method: 'GET', path: '/openapi/v1/workspaces' },
  { service: 'api', method: 'GET', path: '/openapi/v1/workspaces/:id' },
  { service: 'api', method: 'POST', path: '/openapi/v1/workspaces/:id/switch', body: {} },
  { service: 'api', method: 'GET', path: '/openapi/v1/_health' },
  { service: 'api', method: 'GET', path: '/openapi/v1/_version' },
  ...(['api', 'auth'] as const).flatMap((service): FuzzRoute[] => [
    {
      service,
      method: 'POST',
      path: '/openapi/v1/oauth/device/code',
      body: { client_id: 'difyctl', device_label: 'fuzz-laptop' },
    },
    { service, method: 'POST', path: '/v1/oauth/device/code', body: { client_id: 'difyctl' } },
    {
      service,
      method: 'POST',
      path: '/openapi/v1/oauth/device/token',
      body: { client_id: 'difyctl', device_code: '{{device_code}}', grant_type: DEVICE_GRANT },
    },
    {
      service,
      method: 'POST',
      path: '/v1/oauth/device/token',
      body: { client_id: 'difyctl', device_code: '{{device_code}}' },
    },
    {
      service,
      method: 'GET',
      path: '/openapi/v1/oauth/device/lookup',
      query: { user_code: '{{user_code}}' },
    },
    {
      service,
      method: 'GET',
      path: '/v1/oauth/device/lookup',
      query: { user_code: '{{user_code}}' },
    },
    {
      service,
      method: 'POST',
      path: '/openapi/v1/oauth/device/approve',
      body: { user_code: '{{user_code}}' },
    },
    {
      service,
      method: 'POST',
      path: '/openapi/v1/oauth/device/deny',
      body: { user_code: '{{user_code}}' },
    },
    {
      service,
      method: 'POST',
      path: '/openapi/v1/oauth/revoke',
      body: { token: '{{token}}', token_type_hint: 'access_token', client_id: 'difyctl' },
    },
    { service, method: 'GET', path: '/.well-known/oauth-authorization-server' },
  ]),
];

interface Credentials {
  jar: CookieJar;
  token: string;
  tokenId: string;
  userCode: string;
  deviceCode: string;
  workspaceId: string;
}

/**
 * Property-based fuzzing of every route of api and auth, as processes, with hostile bodies,
 * content types, headers, cookies, CSRF values, query strings, paths and request targets sent as
 * raw HTTP. Whatever the request, no answer is 500 or above, neither process exits, and no secret
 * the run handled (token, device code, user code, password, session cookie) reaches their logs.
 */
describe('fuzzing api and auth (processes)', () => {
  const serverUrl = () => process.env.TEST_DATABASE_SERVER_URL ?? '';
  const email = `fuzz-${randomBytes(4).toString('hex')}@example.com`;
  const passwords = Array.from({ length: 3 }, () => `Fz-${randomBytes(9).toString('base64url')}9`);
  const secrets = new SecretCollector();
  let database: { url: string; name: string };
  let api: ServiceProcess;
  let auth: ServiceProcess;
  let credentials: Credentials;
  const exits: string[] = [];

  beforeAll(async () => {
    database = await createMigratedDatabase(serverUrl());
    const env = {
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: isolatedKeyPrefix('fuzz'),
      ALLOW_REGISTER: 'true',
      // Limits high enough that the fuzzer explores the routes rather than only their 429s.
      DEVICE_CODE_RATE_LIMIT_PER_HOUR: '1000000',
      DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN: '1000000',
      DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR: '1000000',
      DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '1000000',
      OPENAPI_RATE_LIMIT_PER_TOKEN: '0',
      ACCOUNT_RATE_LIMIT_PER_MINUTE: '1000000',
      LOGIN_FAILURES_PER_IP: '1000000',
    };
    auth = await ServiceProcess.start('auth', env);
    api = await ServiceProcess.start('api', { ...env, AUTH_INTERNAL_URL: auth.baseUrl });
    for (const service of [api, auth]) {
      void service.exited.then((status) => exits.push(`${service.name} ${JSON.stringify(status)}`));
    }
    passwords.forEach((password) => secrets.add('password', password));
    const setup = await post('/console/api/setup', { email, name: 'Fuzz', password: passwords[0] });
    expect(setup.status).toBe(201);
    credentials = await freshCredentials();
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
    await dropDatabase(serverUrl(), database.name);
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return response;
  }

  /** A signed-in console session, a live token from a real approval, and a pending code. */
  async function freshCredentials(): Promise<Credentials> {
    const jar = new CookieJar();
    const login = await post('/console/api/login', { email, password: passwords[0] });
    expect(login.status).toBe(200);
    for (const cookie of jar.store(login)) secrets.add(cookie.name, cookie.value);
    const session = { cookie: jar.header(), 'x-csrf-token': jar.get('csrf_token') ?? '' };
    const workspace = await fetch(`${api.baseUrl}/console/api/workspaces/current`, {
      headers: session,
    });
    const { id: workspaceId } = (await workspace.json()) as { id: string };

    const issue = async () => {
      const answer = await post('/openapi/v1/oauth/device/code', {
        client_id: 'difyctl',
        device_label: `fuzz-${randomBytes(4).toString('hex')}`,
      });
      expect(answer.status).toBe(200);
      const code = (await answer.json()) as { device_code: string; user_code: string };
      secrets.add('device_code', code.device_code);
      secrets.add('user_code', code.user_code);
      return code;
    };
    const approved = await issue();
    expect(
      (await post('/openapi/v1/oauth/device/approve', { user_code: approved.user_code }, session))
        .status,
    ).toBe(200);
    const poll = await post('/openapi/v1/oauth/device/token', {
      client_id: 'difyctl',
      device_code: approved.device_code,
    });
    expect(poll.status).toBe(200);
    const minted = (await poll.json()) as { token: string; token_id: string };
    secrets.add('token', minted.token);
    const pending = await issue();
    return {
      jar,
      token: minted.token,
      tokenId: minted.token_id,
      userCode: pending.user_code,
      deviceCode: pending.device_code,
      workspaceId,
    };
  }

  /** The headers of a raw answer, by lower-case name. */
  function headersOf(answer: RawHttpAnswer): Map<string, string> {
    const head = answer.text.split('\r\n\r\n')[0].split('\r\n').slice(1);
    return new Map(
      head.map((line) => {
        const at = line.indexOf(':');
        return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
      }),
    );
  }

  // Headers a policy sets from the routed path: they must not depend on how the path is spelled.
  const POLICY_HEADERS = [
    'cache-control',
    'pragma',
    'x-content-type-options',
    'referrer-policy',
    'x-frame-options',
    'content-security-policy',
  ];

  it('treats every percent-encoded and absolute-form spelling of each route like the plain one', async () => {
    const values = {
      cookie: () => credentials.jar.header(),
      csrf: () => credentials.jar.session('csrf') ?? '',
      token: () => credentials.token,
      user_code: () => credentials.userCode,
      device_code: () => credentials.deviceCode,
      password: () => passwords[0],
      email: () => email,
      new_email: () => `spelled-${randomBytes(4).toString('hex')}@example.com`,
      workspace_id: () => credentials.workspaceId,
    };
    const differences: string[] = [];
    let sent = 0;
    let gated = 0;
    for (const route of ROUTES) {
      const port = route.service === 'api' ? api.port : auth.port;
      const path = route.path.replace(/:id/g, credentials.workspaceId);
      const query = route.query
        ? `?${Object.entries(route.query)
            .map(([key, value]) => `${key}=${encodeURIComponent(fillPlaceholders(value, values))}`)
            .join('&')}`
        : '';
      const send = (target: string) => {
        const body =
          route.body === undefined
            ? undefined
            : Buffer.from(fillPlaceholders(JSON.stringify(route.body), values));
        sent += 1;
        return sendRawHttp(port, {
          method: route.method,
          target: `${target}${query}`,
          headers: [
            ['host', `127.0.0.1:${port}`],
            ['connection', 'close'],
            // An outdated difyctl: the version gate refuses it on the gated paths, whatever
            // the spelling, before any state changes; other paths answer it as usual.
            ['user-agent', 'difyctl/0.0.1'],
            ['cookie', values.cookie()],
            ['x-csrf-token', values.csrf()],
            ['authorization', `Bearer ${values.token()}`],
            ...(body
              ? ([
                  ['content-type', 'application/json'],
                  ['content-length', String(body.length)],
                ] as [string, string][])
              : []),
          ],
          body,
        });
      };
      const plain = await send(path);
      secrets.harvest(plain.text);
      if (plain.status === 426) gated += 1;
      const plainHeaders = headersOf(plain);
      for (const spelling of pathSpellings(path, 'x')) {
        const answer = await send(spelling.target);
        secrets.harvest(answer.text);
        const where = `${route.service} ${route.method} ${spelling.label}`;
        if (answer.status === undefined || answer.status >= 500) {
          differences.push(`${where}: answered ${answer.status ?? 'nothing'}`);
          continue;
        }
        if ((answer.status === 426) !== (plain.status === 426)) {
          differences.push(`${where}: version gate ${answer.status}, plain ${plain.status}`);
        }
        const headers = headersOf(answer);
        for (const name of POLICY_HEADERS) {
          if (headers.get(name) !== plainHeaders.get(name)) {
            differences.push(
              `${where}: ${name} ${headers.get(name) ?? '(none)'}, plain ${plainHeaders.get(name) ?? '(none)'}`,
            );
          }
        }
      }
    }
    expect(differences).toEqual([]);
    // The gate comparison means something only if the plain spellings met the gate.
    expect(gated).toBeGreaterThan(10);
    expect(exits).toEqual([]);
    process.stdout.write(
      `fuzz spellings: ${sent} requests over ${ROUTES.length} routes, ${gated} gated plain\n`,
    );
    // Sign-out, refresh and revocation above used the credentials up.
    credentials = await freshCredentials();
  }, 120_000);

  it(
    'answers every hostile request below 500, stays up and logs no secret',
    async () => {
      const statuses = new Map<string, number>();
      let sent = 0;
      const values = {
        cookie: () => credentials.jar.header(),
        csrf: () => credentials.jar.get('csrf_token') ?? '',
        token: () => credentials.token,
        user_code: () => credentials.userCode,
        device_code: () => credentials.deviceCode,
        password: () => passwords[sent % passwords.length],
        email: () => email,
        workspace_id: () => credentials.workspaceId,
        session_id: () => credentials.tokenId,
      };
      const port = { api: () => api.port, auth: () => auth.port };

      await fc.assert(
        fc.asyncProperty(hostileRequest(ROUTES, ['api', 'auth']), async (request) => {
          if (sent > 0 && sent % REFRESH_EVERY === 0) credentials = await freshCredentials();
          sent += 1;
          const target = port[request.service as 'api' | 'auth']();
          const answer = await sendRawHttp(
            target,
            toRawRequest(request, `127.0.0.1:${target}`, values),
          );
          secrets.harvest(answer.text);
          const key = answer.status === undefined ? 'none' : String(answer.status);
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          // No answer at all would hide a crash; an answer of 500 or more is a defect.
          expect(answer.status).toBeDefined();
          expect(answer.status).toBeLessThan(500);
          expect(exits).toEqual([]);
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
      );

      for (const service of [api, auth]) {
        expect((await fetch(`${service.opsUrl}/health/ready`)).status).toBe(200);
      }
      expect(exits).toEqual([]);
      const lines = [...api.lines, ...auth.lines];
      const leaks = findLeakedSecrets(lines, secrets.byKind);
      // Where it leaked, with the line cut short: enough to find the logger.
      expect(leaks.map((leak) => `${leak.kind}: ${lines[leak.line].slice(0, 300)}`)).toEqual([]);
      process.stdout.write(
        `fuzz: ${sent} requests, ${secrets.count()} secrets watched, statuses ${JSON.stringify(
          Object.fromEntries([...statuses].sort()),
        )}, 0 answers >= 500, ${api.lines.length + auth.lines.length} log lines clean\n`,
      );
    },
    60_000 + RUNS * 250,
  );
});
