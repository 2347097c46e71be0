import { randomUUID } from 'node:crypto';
import { consoleCookieNames } from '@dify/domain';
import {
  isolatedKeyPrefix,
  parseSetCookie,
  runBuiltCommand,
  ServiceProcess,
  signInToConsole,
} from '@dify/testing';

const PUBLIC_URL = 'https://console.example.test';

/**
 * A deployment whose public URL is https names its console cookies `__Host-` (Secure, Path=/, no
 * Domain), so no other host can plant or shadow them; the refresh cookie, which stays on
 * /console/api, is `__Secure-`. Sign-in, refresh, a device approval through auth and sign-out
 * all work with those names, and a plain-named cookie planted beside them is not read.
 */
describe('console cookies of an https deployment (api and auth processes)', () => {
  const names = consoleCookieNames({ secure: true });
  const password = 'https-cookie-pass-1';
  const email = `https-${randomUUID()}@example.com`;
  const redis = { REDIS_KEY_PREFIX: isolatedKeyPrefix('https-cookies') };
  const https = { ...redis, CONSOLE_API_URL: PUBLIC_URL, CONSOLE_WEB_URL: PUBLIC_URL };
  let api: ServiceProcess;
  let auth: ServiceProcess;

  beforeAll(async () => {
    auth = await ServiceProcess.start('auth', https);
    api = await ServiceProcess.start('api', { ...https, AUTH_INTERNAL_URL: auth.baseUrl });
    const created = runBuiltCommand(
      'accounts',
      ['create', '--email', email, '--name', 'Https', '--password', password],
      redis,
    );
    expect(created.status).toBe(0);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const profile = (cookie: string) =>
    fetch(`${api.baseUrl}/console/api/account/profile`, { headers: { cookie } });

  it('sets __Host- cookies at sign-in and keeps them through refresh, approval and sign-out', async () => {
    const login = await post('/console/api/login', { email, password });
    expect(login.status).toBe(200);
    const set = login.headers.getSetCookie().map(parseSetCookie);
    expect(set.map((cookie) => cookie.name).sort()).toEqual(
      ['__Host-console_access_token', '__Host-csrf_token', '__Secure-console_refresh_token'].sort(),
    );
    for (const cookie of set) {
      expect(cookie.attributes.secure).toBe(true);
      expect(cookie.attributes.domain).toBeUndefined();
      expect(cookie.attributes.path).toBe(cookie.name === names.refresh ? '/console/api' : '/');
    }

    const jar = await signInToConsole(api.baseUrl, email, password, names);
    expect((await profile(jar.header())).status).toBe(200);

    const refreshed = await post('/console/api/refresh-token', {}, jar.sessionHeaders());
    expect(refreshed.status).toBe(200);
    const before = jar.session('access');
    jar.store(refreshed);
    expect(jar.session('access')).not.toBe(before);
    expect((await profile(jar.header())).status).toBe(200);

    // auth reads the same names: the approval is admitted on the __Host- access and CSRF cookies.
    const code = (await (
      await post('/openapi/v1/oauth/device/code', { client_id: 'difyctl', device_label: 'https' })
    ).json()) as { user_code: string };
    const approved = await post(
      '/openapi/v1/oauth/device/approve',
      { user_code: code.user_code },
      jar.sessionHeaders(),
    );
    expect(approved.status).toBe(200);

    const loggedOut = await post('/console/api/logout', {}, jar.sessionHeaders());
    expect(loggedOut.status).toBe(200);
    const cleared = loggedOut.headers.getSetCookie().map(parseSetCookie);
    expect(cleared.map((cookie) => cookie.name).sort()).toEqual(Object.values(names).sort());
    jar.store(loggedOut);
    expect(jar.session('access')).toBeUndefined();
    expect((await profile(jar.header())).status).toBe(401);
  });

  it('does not read the plain names on an https deployment', async () => {
    const jar = await signInToConsole(api.baseUrl, email, password, names);
    const plain = consoleCookieNames({ secure: false });
    const renamed = Object.entries(names)
      .map(([cookie, name]) => `${plain[cookie as keyof typeof plain]}=${jar.get(name) ?? ''}`)
      .join('; ');
    expect((await profile(renamed)).status).toBe(401);
    // A CSRF cookie planted under the plain name does not stand in for the __Host- one.
    const planted = await post(
      '/console/api/refresh-token',
      {},
      {
        cookie: `${names.access}=${jar.session('access') ?? ''}; ${names.refresh}=${
          jar.session('refresh') ?? ''
        }; ${plain.csrf}=${jar.session('csrf') ?? ''}`,
        'x-csrf-token': jar.session('csrf') ?? '',
      },
    );
    expect(planted.status).toBe(403);
  });
});
