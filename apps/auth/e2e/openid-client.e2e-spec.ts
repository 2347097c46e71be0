import { randomUUID } from 'node:crypto';
import { freePort, runBuiltCommand, ServiceProcess, signInToConsole, waitFor } from '@dify/testing';
import { Issuer, type TokenSet } from 'openid-client';

/**
 * A generic RFC 8628 client completes the whole flow against the gateway: discovery through
 * RFC 8414 metadata, the device authorization request and polling in the form dialect.
 */
describe('openid-client against the gateway', () => {
  let api: ServiceProcess;
  let auth: ServiceProcess;

  beforeAll(async () => {
    const apiPort = await freePort();
    const issuer = `http://127.0.0.1:${apiPort}`;
    // Other suites of the run share this machine's IP bucket; this one is about the protocol.
    auth = await ServiceProcess.start('auth', {
      CONSOLE_API_URL: issuer,
      CONSOLE_WEB_URL: issuer,
      DEVICE_CODE_RATE_LIMIT_PER_HOUR: '10000',
    });
    api = await ServiceProcess.start(
      'api',
      { AUTH_INTERNAL_URL: auth.baseUrl, CONSOLE_API_URL: issuer, CONSOLE_WEB_URL: issuer },
      { port: apiPort },
    );
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  it('discovers the endpoints, gets a code, and receives a token once the user approves', async () => {
    const email = `oidc-${randomUUID()}@example.com`;
    const password = 'oidc-client-pass-1';
    expect(
      runBuiltCommand('accounts', [
        'create',
        '--email',
        email,
        '--name',
        'OIDC',
        '--password',
        password,
      ]).status,
    ).toBe(0);

    const issuer = await Issuer.discover(`${api.baseUrl}/.well-known/oauth-authorization-server`);
    expect(issuer.metadata.device_authorization_endpoint).toBe(
      `${api.baseUrl}/openapi/v1/oauth/device/code`,
    );
    const client = new issuer.Client({ client_id: 'difyctl', token_endpoint_auth_method: 'none' });
    const handle = await client.deviceAuthorization();
    expect(handle.user_code).toMatch(/^[A-Z3-9]{4}-[A-Z3-9]{4}$/);
    expect(handle.verification_uri_complete).toContain(handle.user_code);

    const polling: Promise<TokenSet> = handle.poll();
    const browser = await signInToConsole(api.baseUrl, email, password);
    const approved = await fetch(`${api.baseUrl}/openapi/v1/oauth/device/approve`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: browser.header(),
        'x-csrf-token': browser.get('csrf_token') ?? '',
      },
      body: JSON.stringify({ user_code: handle.user_code }),
    });
    expect(approved.status).toBe(200);

    const tokens = await polling;
    expect(tokens.token_type?.toLowerCase()).toBe('bearer');
    expect(tokens.access_token).toMatch(/^dfoa_[A-Za-z0-9_-]{43}$/);
    expect(tokens.expires_in).toBeGreaterThan(0);

    const me = await waitFor(async () => {
      const response = await fetch(`${api.baseUrl}/openapi/v1/account`, {
        headers: { authorization: `Bearer ${tokens.access_token ?? ''}` },
      });
      return response.status === 200 && ((await response.json()) as { account: { email: string } });
    });
    expect(me.account.email).toBe(email);
  }, 60_000);
});
