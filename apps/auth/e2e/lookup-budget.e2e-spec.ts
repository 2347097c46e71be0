import { randomUUID } from 'node:crypto';
import { isolatedKeyPrefix, runBuiltCommand, ServiceProcess, signInToConsole } from '@dify/testing';

/** The failed-lookup budget as the /device page meets it, through the gateway and auth. */
describe('failed-lookup budget (api and auth processes)', () => {
  let api: ServiceProcess;
  let auth: ServiceProcess;

  beforeAll(async () => {
    // Budgets of its own: other suites look codes up from this address too.
    const redis = { REDIS_KEY_PREFIX: isolatedKeyPrefix('lookup-budget') };
    auth = await ServiceProcess.start('auth', {
      ...redis,
      DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR: '10',
    });
    api = await ServiceProcess.start('api', { ...redis, AUTH_INTERNAL_URL: auth.baseUrl });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  const lookup = (userCode: string, cookie?: string) =>
    fetch(`${api.baseUrl}/openapi/v1/oauth/device/lookup?user_code=${userCode}`, {
      headers: cookie ? { cookie } : {},
    });

  it('lets a signed-in person look up codes after anonymous guessing spent its budget', async () => {
    const email = `looker-${randomUUID()}@example.com`;
    const password = 'lookup-budget-pass-1';
    expect(
      runBuiltCommand('accounts', [
        'create',
        '--email',
        email,
        '--name',
        'Looker',
        '--password',
        password,
      ]).status,
    ).toBe(0);
    const browser = await signInToConsole(api.baseUrl, email, password);
    const code = (await (
      await fetch(`${api.baseUrl}/openapi/v1/oauth/device/code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'difyctl' }),
      })
    ).json()) as { user_code: string };

    // A budget of 10 an hour gives this network 1 miss: the guesser is done after one.
    expect((await lookup('ABCD-EFGH')).status).toBe(200);
    const anonymous = await lookup(code.user_code);
    expect(anonymous.status).toBe(429);
    expect(await anonymous.json()).toMatchObject({ error: 'rate_limited' });

    const signedIn = await lookup(code.user_code, browser.header());
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ valid: true });
    // A forged cookie is no session: it gets the anonymous answer.
    expect((await lookup(code.user_code, 'console_access_token=forged')).status).toBe(429);
  });
});
