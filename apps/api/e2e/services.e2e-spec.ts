import { type ServiceName, ServiceProcess, waitFor } from '@dify/testing';

/** Every service boots from its build output and answers its operational endpoints. */
describe('the four services as processes', () => {
  const services = new Map<ServiceName, ServiceProcess>();

  beforeAll(async () => {
    for (const name of ['api', 'auth', 'worker', 'beat'] as const) {
      services.set(name, await ServiceProcess.start(name));
    }
  });

  afterAll(async () => {
    await Promise.all([...services.values()].map((service) => service.stop('SIGKILL')));
  });

  it.each(['api', 'auth', 'worker', 'beat'] as const)(
    '%s is live, ready and scrapable',
    async (name) => {
      const service = services.get(name);
      if (!service) throw new Error(`${name} did not start`);
      const live = await fetch(`${service.opsUrl}/health/live`);
      expect(await live.json()).toEqual({ status: 'ok' });

      const ready = await fetch(`${service.opsUrl}/health/ready`);
      expect(ready.status).toBe(200);
      const expectedChecks = name === 'beat' ? { redis: 'up' } : { postgres: 'up', redis: 'up' };
      expect(await ready.json()).toEqual({ ready: true, checks: expectedChecks });

      const metrics = await fetch(`${service.opsUrl}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain('process_resident_memory_bytes');

      const missing = await fetch(`${service.baseUrl}/nowhere`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: 'not_found', status: 404 });
    },
  );

  it.each(['api', 'auth'] as const)(
    '%s answers health and metrics on its ops port only, with 404 on the public port',
    async (name) => {
      const service = services.get(name);
      if (!service) throw new Error(`${name} did not start`);
      expect(service.opsPort).not.toBe(service.port);
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        expect((await fetch(`${service.opsUrl}${path}`)).status).toBe(200);
        const hidden = await fetch(`${service.baseUrl}${path}`);
        expect(hidden.status).toBe(404);
        expect(await hidden.json()).toEqual({
          code: 'not_found',
          message: `Cannot GET ${path}`,
          status: 404,
        });
      }
    },
  );

  it.each(['api', 'auth'] as const)(
    '%s adds the health probes to its public port when asked, never the metrics',
    async (name) => {
      const service = await ServiceProcess.start(name, { HEALTH_ON_MAIN_PORT: 'true' });
      try {
        expect(await (await fetch(`${service.baseUrl}/health/live`)).json()).toEqual({
          status: 'ok',
        });
        expect((await fetch(`${service.baseUrl}/health/ready`)).status).toBe(200);
        const metrics = await fetch(`${service.baseUrl}/metrics`);
        expect(metrics.status).toBe(404);
        expect(await metrics.text()).not.toContain('process_resident_memory_bytes');
        expect((await fetch(`${service.opsUrl}/metrics`)).status).toBe(200);
      } finally {
        await service.stop('SIGKILL');
      }
    },
  );

  it('logs JSON lines with the request id of each HTTP request', async () => {
    const api = services.get('api');
    if (!api) throw new Error('api did not start');
    const response = await fetch(`${api.baseUrl}/nowhere?user_code=ABCD-EFGH`, {
      headers: { 'x-request-id': 'trace-42' },
    });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    expect(await response.text()).not.toContain('ABCD-EFGH');
    const line = await waitFor(() =>
      api
        .logEntries()
        .find((entry) => (entry.req as { id?: string } | undefined)?.id === 'trace-42'),
    );
    expect(line).toMatchObject({ service: 'api', level: 'info', res: { statusCode: 404 } });
    expect(JSON.stringify(line)).not.toContain('ABCD-EFGH');
  });

  it.each(['api', 'auth'] as const)('%s drains and exits 0 on SIGTERM', async (name) => {
    const service = await ServiceProcess.start(name);
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('names API_OPS_PORT when the ops port is taken', async () => {
    const taken = services.get('worker')?.port ?? 0;
    const api = await ServiceProcess.start(
      'api',
      { API_OPS_PORT: String(taken) },
      { waitUntilReady: false },
    );
    expect((await api.exited).code).toBe(1);
    const fatal = api.logEntries().find((entry) => entry.level === 'fatal');
    expect(fatal).toMatchObject({
      variable: 'API_OPS_PORT',
      cause: `port ${taken} is already in use`,
    });
  });

  it('refuses to start with bad configuration, naming every bad variable', async () => {
    const api = await ServiceProcess.start(
      'api',
      {
        API_PORT: 'eighty',
        API_OPS_PORT: '70000',
        SECRET_KEY: 'short',
        DATABASE_URL: 'mysql://nope',
        LOG_LEVEL: 'loud',
      },
      { waitUntilReady: false },
    );
    const status = await api.exited;
    expect(status.code).toBe(1);
    const output = api.lines.join('\n');
    for (const variable of [
      'API_PORT',
      'API_OPS_PORT',
      'SECRET_KEY',
      'DATABASE_URL',
      'LOG_LEVEL',
    ]) {
      expect(output).toContain(variable);
    }
    expect(output).not.toContain('short');
  });
});
