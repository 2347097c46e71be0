import { randomUUID } from 'node:crypto';
import { dataSourceOptions } from '@dify/db';
import {
  isolatedKeyPrefix,
  runBuiltCommand,
  ServiceProcess,
  signInToConsole,
  testEnvironment,
  waitFor,
} from '@dify/testing';
import { DataSource } from 'typeorm';

/**
 * Disabling an account from the operator command ends it everywhere at once: its device tokens
 * answer 401 on the very next call (no cached answer outlives the ban) and its console session
 * is refused, through the gateway and auth processes.
 */
describe('disabling an account (accounts command, api and auth processes)', () => {
  const password = 'disable-me-pass-1';
  let api: ServiceProcess;
  let auth: ServiceProcess;
  let worker: ServiceProcess;
  let db: DataSource;
  // Buckets and caches of its own (other suites ask for codes from this address too); the
  // command must evict from the same cache the gateway reads.
  const redis = { REDIS_KEY_PREFIX: isolatedKeyPrefix('account-disable') };
  const accounts = (args: string[]) => runBuiltCommand('accounts', args, redis);

  beforeAll(async () => {
    auth = await ServiceProcess.start('auth', redis);
    api = await ServiceProcess.start('api', { ...redis, AUTH_INTERNAL_URL: auth.baseUrl });
    worker = await ServiceProcess.start('worker', { ...redis, WORKER_QUEUES: 'audit' });
    db = await new DataSource(
      dataSourceOptions({ url: testEnvironment().databaseUrl, poolMax: 2, applicationName: 'e2e' }),
    ).initialize();
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop(), worker?.stop()]);
    await db?.destroy();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  async function deviceToken(email: string, label: string): Promise<string> {
    const browser = await signInToConsole(api.baseUrl, email, password);
    const code = (await (
      await post('/openapi/v1/oauth/device/code', { client_id: 'difyctl', device_label: label })
    ).json()) as { device_code: string; user_code: string };
    const approved = await post(
      '/openapi/v1/oauth/device/approve',
      { user_code: code.user_code },
      { cookie: browser.header(), 'x-csrf-token': browser.get('csrf_token') ?? '' },
    );
    expect(approved.status).toBe(200);
    const polled = await post('/openapi/v1/oauth/device/token', {
      client_id: 'difyctl',
      device_code: code.device_code,
    });
    expect(polled.status).toBe(200);
    return ((await polled.json()) as { access_token: string }).access_token;
  }

  const account = (token: string) =>
    fetch(`${api.baseUrl}/openapi/v1/account`, { headers: { authorization: `Bearer ${token}` } });

  it('answers 401 to the account’s device tokens and console session right after the ban', async () => {
    const email = `banned-${randomUUID()}@example.com`;
    const created = accounts([
      'create',
      '--email',
      email,
      '--name',
      'Banned',
      '--password',
      password,
    ]);
    expect(created.status).toBe(0);
    const tokens = [await deviceToken(email, 'laptop'), await deviceToken(email, 'desktop')];
    const browser = await signInToConsole(api.baseUrl, email, password);
    // Both answers are now in the bearer cache.
    for (const token of tokens) expect((await account(token)).status).toBe(200);

    const disabled = accounts(['disable', '--email', email.toUpperCase()]);
    expect(disabled.stderr).toBe('');
    expect(disabled.status).toBe(0);
    expect(disabled.stdout).toContain('revoked 2 device tokens');
    const accountId = /disabled ([0-9a-f-]{36})/.exec(disabled.stdout)?.[1];
    const recorded = await waitFor(
      async () => {
        const rows: { service: string; payload: Record<string, unknown> }[] = await db.query(
          `SELECT service, payload FROM audit_logs WHERE event = 'account.disabled' AND account_id = $1`,
          [accountId],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { description: 'the account.disabled audit row' },
    );
    expect(recorded).toEqual([{ service: 'accounts', payload: { revoked_device_tokens: 2 } }]);

    for (const token of tokens) expect((await account(token)).status).toBe(401);
    const profile = await fetch(`${api.baseUrl}/console/api/account/profile`, {
      headers: { cookie: browser.header() },
    });
    expect(profile.status).toBe(401);
    const login = await post('/console/api/login', { email, password });
    expect(login.status).toBe(401);
    expect(accounts(['list']).stdout).toMatch(
      new RegExp(`${email.replace(/[.]/g, '\\.')}\\tBanned\\tbanned`),
    );
  });

  it('refuses to disable an account that does not exist', () => {
    const missing = accounts(['disable', '--email', 'nobody@example.com']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('account_not_found');
  });
});
