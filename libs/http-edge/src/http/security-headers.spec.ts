import Fastify, { type FastifyInstance } from 'fastify';
import { publicUrlsAreHttps, registerSecurityHeaders } from './security-headers';

async function appWith(options: { strictTransportSecurity: boolean }): Promise<FastifyInstance> {
  const fastify = Fastify();
  registerSecurityHeaders(fastify, options);
  fastify.get('/openapi/v1/_version', (_request, reply) => reply.send({ version: '1' }));
  fastify.post('/console/api/login', async (_request, reply) =>
    reply.header('set-cookie', 'csrf_token=x').send({ result: 'success' }),
  );
  fastify.get('/device', async (_request, reply) =>
    reply
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .type('text/html')
      .send('<html></html>'),
  );
  fastify.get('/assets/app.js', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=31536000, immutable').send('x'),
  );
  await fastify.ready();
  return fastify;
}

describe('security headers', () => {
  let plain: FastifyInstance;
  let https: FastifyInstance;

  beforeAll(async () => {
    plain = await appWith({ strictTransportSecurity: false });
    https = await appWith({ strictTransportSecurity: true });
  });

  afterAll(async () => {
    await Promise.all([plain.close(), https.close()]);
  });

  it.each([
    ['GET', '/openapi/v1/_version'],
    ['POST', '/console/api/login'],
    ['GET', '/console/api/nowhere'],
    ['GET', '/device'],
    ['GET', '/assets/app.js'],
    ['GET', '/not-a-route'],
  ] as const)('%s %s carries nosniff and no-referrer', async (method, url) => {
    const response = await plain.inject({ method, url });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('never stores a console answer, found or not', async () => {
    for (const [method, url] of [
      ['POST', '/console/api/login'],
      ['GET', '/console/api/nowhere'],
      ['GET', '/console/api/../api/x'],
    ] as const) {
      const response = await plain.inject({ method, url });
      expect({ url, cache: response.headers['cache-control'] }).toEqual({
        url,
        cache: 'no-store',
      });
    }
  });

  it('keeps the cache policy a route chose for itself', async () => {
    const response = await plain.inject({ method: 'GET', url: '/assets/app.js' });
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('asks browsers to keep to https when the deployment is https', async () => {
    const response = await https.inject({ method: 'GET', url: '/device' });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    // The page set it already: one value, not two.
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('calls a deployment https when either public URL is', () => {
    const http = 'http://localhost:5001';
    expect(publicUrlsAreHttps({ CONSOLE_API_URL: http, CONSOLE_WEB_URL: http })).toBe(false);
    expect(
      publicUrlsAreHttps({ CONSOLE_API_URL: http, CONSOLE_WEB_URL: 'HTTPS://console.example' }),
    ).toBe(true);
    expect(
      publicUrlsAreHttps({ CONSOLE_API_URL: 'https://api.example', CONSOLE_WEB_URL: http }),
    ).toBe(true);
  });
});
