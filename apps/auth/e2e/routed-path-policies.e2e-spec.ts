import {
  isolatedKeyPrefix,
  pathSpellings,
  type RawHttpAnswer,
  sendRawHttp,
  ServiceProcess,
} from '@dify/testing';

const CODE_BODY = Buffer.from(JSON.stringify({ client_id: 'difyctl', device_label: 'laptop' }));

function postCode(port: number, target: string): Promise<RawHttpAnswer> {
  return sendRawHttp(port, {
    method: 'POST',
    target,
    headers: [
      ['Host', `127.0.0.1:${port}`],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(CODE_BODY.length)],
      ['Connection', 'close'],
    ],
    body: CODE_BODY,
  });
}

function get(port: number, target: string, userAgent: string): Promise<RawHttpAnswer> {
  return sendRawHttp(port, {
    method: 'GET',
    target,
    headers: [
      ['Host', `127.0.0.1:${port}`],
      ['User-Agent', userAgent],
      ['Connection', 'close'],
    ],
  });
}

/** The value of one response header in a raw answer, lower-cased name. */
function headerOf(answer: RawHttpAnswer, name: string): string | undefined {
  const head = answer.text.split('\r\n\r\n')[0] ?? '';
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/**
 * Policies keyed on a path (the issuance throttle, the client-version gate, the caching and
 * framing headers) must see the path the router routes on: a percent-encoded spelling or an
 * absolute-form target reaches the same handler, so it must meet the same policy.
 */
describe('path-based policies follow the routed path', () => {
  let auth: ServiceProcess;
  let api: ServiceProcess;

  beforeAll(async () => {
    // Buckets of its own: other suites ask for codes from this address too.
    const redis = { REDIS_KEY_PREFIX: isolatedKeyPrefix('routed-path') };
    auth = await ServiceProcess.start('auth', { ...redis, DEVICE_CODE_RATE_LIMIT_PER_HOUR: '2' });
    api = await ServiceProcess.start('api', { ...redis, AUTH_INTERNAL_URL: auth.baseUrl });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  it('keeps charging the issuance bucket whatever spelling of the code path is used', async () => {
    for (let i = 0; i < 2; i += 1) {
      expect((await postCode(auth.port, '/openapi/v1/oauth/device/code')).status).toBe(200);
    }
    expect((await postCode(auth.port, '/openapi/v1/oauth/device/code')).status).toBe(429);
    const spellings = [
      '/openapi/v1/oauth/device/%63ode',
      '/openapi/v1/oauth/%64evice/code',
      '/openapi/v1/oauth/device/cod%65',
      '/openapi/v1/oauth/device/code?x=1',
      '/v1/oauth/device/code',
      '/v1/oauth/device/%63ode',
      'http://x/openapi/v1/oauth/device/code',
      'http://x/v1/oauth/device/c%6fde',
      // Each letter of each segment encoded in turn, and the absolute form, of both paths.
      ...['/openapi/v1/oauth/device/code', '/v1/oauth/device/code'].flatMap((path) =>
        pathSpellings(path, 'x').map((spelling) => spelling.target),
      ),
    ];
    for (const target of spellings) {
      const answer = await postCode(auth.port, target);
      expect({ target, status: answer.status }).toEqual({ target, status: 429 });
      expect(answer.text).toContain('"error":"rate_limited"');
    }
    // Through the gateway too: it proxies every spelling and auth charges the same bucket.
    for (const target of spellings) {
      expect({ target, status: (await postCode(api.port, target)).status }).toEqual({
        target,
        status: 429,
      });
    }
  });

  it('gates an old difyctl and sets the API headers on an absolute-form target', async () => {
    for (const target of [
      'http://evil.example/openapi/v1/account',
      '/openapi/v1/%61ccount',
      'https://evil.example/v1/me',
    ]) {
      const answer = await get(api.port, target, 'difyctl/0.1.0');
      expect({ target, status: answer.status }).toEqual({ target, status: 426 });
      expect(headerOf(answer, 'cache-control')).toBe('no-store');
      expect(headerOf(answer, 'x-frame-options')).toBe('DENY');
      expect(headerOf(answer, 'content-security-policy')).toBe("frame-ancestors 'none'");
    }
  });

  it('sets the API headers on an encoded or absolute-form answer of a current client', async () => {
    for (const target of ['http://evil.example/openapi/v1/account', '/openapi/v1/%61ccount']) {
      const answer = await get(api.port, target, 'difyctl/9.9.9');
      expect({ target, status: answer.status }).toEqual({ target, status: 401 });
      expect(headerOf(answer, 'cache-control')).toBe('no-store');
      expect(headerOf(answer, 'pragma')).toBe('no-cache');
      expect(headerOf(answer, 'x-frame-options')).toBe('DENY');
    }
  });
});
