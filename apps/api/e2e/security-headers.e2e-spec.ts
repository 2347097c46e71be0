import { ServiceProcess } from '@dify/testing';

/** Answers of both services, through the gateway and straight from auth, on an https deployment. */
describe('security headers on every answer (api and auth processes)', () => {
  let auth: ServiceProcess;
  let api: ServiceProcess;
  const publicUrls = {
    CONSOLE_API_URL: 'https://console.example',
    CONSOLE_WEB_URL: 'https://console.example',
  };

  beforeAll(async () => {
    auth = await ServiceProcess.start('auth', publicUrls);
    api = await ServiceProcess.start('api', { ...publicUrls, AUTH_INTERNAL_URL: auth.baseUrl });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  const json = { 'content-type': 'application/json' };
  const cases: readonly (readonly [string, () => string, RequestInit])[] = [
    [
      'gateway login refused',
      () => `${api.baseUrl}/console/api/login`,
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password' }),
      },
    ],
    ['gateway console profile signed out', () => `${api.baseUrl}/console/api/account/profile`, {}],
    ['gateway console 404', () => `${api.baseUrl}/console/api/nowhere`, {}],
    ['gateway 404', () => `${api.baseUrl}/nowhere`, {}],
    ['gateway /device page', () => `${api.baseUrl}/device`, {}],
    [
      'proxied lookup',
      () => `${api.baseUrl}/openapi/v1/oauth/device/lookup?user_code=ABCD-EFGH`,
      {},
    ],
    ['auth metadata', () => `${auth.baseUrl}/.well-known/oauth-authorization-server`, {}],
    ['auth 404', () => `${auth.baseUrl}/nowhere`, {}],
  ];

  it.each(cases)('%s', async (_name, url, init) => {
    const response = await fetch(url(), init);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
    if (new URL(url()).pathname.startsWith('/console/api')) {
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });
});
