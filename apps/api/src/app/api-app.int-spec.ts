import { randomBytes } from 'node:crypto';
import { listenOps, MAX_BODY_BYTES } from '@dify/http-edge';
import { loadEnv } from '@dify/platform';
import { testEnvironment } from '@dify/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from './api-app.factory';
import { apiEnvSchema } from './api.env';

function configFor(overrides: Record<string, string> = {}) {
  const { databaseUrl, redisUrl, keyPrefix } = testEnvironment();
  return loadEnv(apiEnvSchema, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

async function start(overrides: Record<string, string> = {}): Promise<NestFastifyApplication> {
  const app = await createApiApp(configFor(overrides));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('api app (real Postgres and Redis)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await start();
  });

  afterAll(() => app.close());

  it('keeps health and metrics off its own router unless asked for the probes', async () => {
    for (const url of ['/health/live', '/health/ready', '/metrics']) {
      const hidden = await app.inject({ method: 'GET', url });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json()).toMatchObject({ code: 'not_found', status: 404 });
    }
    const withProbes = await start({ HEALTH_ON_MAIN_PORT: 'true' });
    try {
      const live = await withProbes.inject({ method: 'GET', url: '/health/live' });
      expect(live.json()).toEqual({ status: 'ok' });
      const ready = await withProbes.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ ready: true, checks: { postgres: 'up', redis: 'up' } });
      expect((await withProbes.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await withProbes.close();
    }
  });

  it('answers unknown routes with the canonical 404 envelope', async () => {
    const response = await app.inject({ method: 'GET', url: '/no/such/route' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      code: 'not_found',
      message: 'Cannot GET /no/such/route',
      status: 404,
    });
  });

  it('answers malformed and oversized bodies with 4xx envelopes, never 500', async () => {
    const cases = [
      { payload: '{"broken', type: 'application/json', status: 400 },
      { payload: 'x'.repeat(MAX_BODY_BYTES + 1), type: 'application/json', status: 413 },
    ];
    for (const { payload, type, status } of cases) {
      const response = await app.inject({
        method: 'POST',
        url: '/console/api/login',
        payload,
        headers: { 'content-type': type },
      });
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject({ status, code: expect.any(String) });
    }
  });

  it('echoes an acceptable X-Request-Id and replaces a forged one', async () => {
    const echoed = await app.inject({
      method: 'GET',
      url: '/console/api/system-features',
      headers: { 'x-request-id': 'req-123' },
    });
    expect(echoed.headers['x-request-id']).toBe('req-123');
    const forged = await app.inject({
      method: 'GET',
      url: '/console/api/system-features',
      headers: { 'x-request-id': 'evil\nline' },
    });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Prometheus metrics including request durations on its ops listener', async () => {
    const opsPort = await listenOps(app, { port: 0, host: '127.0.0.1' });
    await app.inject({ method: 'GET', url: '/console/api/system-features' });
    const response = await fetch(`http://127.0.0.1:${opsPort}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(body).toContain('http_request_duration_seconds_bucket');
    expect(body).toContain('process_cpu_user_seconds_total');
  });

  it('reports not ready while Redis does not answer', async () => {
    const isolated = await start({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    try {
      const opsPort = await listenOps(isolated, { port: 0, host: '127.0.0.1' });
      const ready = await fetch(`http://127.0.0.1:${opsPort}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        ready: false,
        checks: { postgres: 'up', redis: 'down' },
      });
    } finally {
      await isolated.close();
    }
  });
});
