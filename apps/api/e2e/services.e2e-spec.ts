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
      const live = await fetch(`${service.baseUrl}/health/live`);
      expect(await live.json()).toEqual({ status: 'ok' });

      const ready = await fetch(`${service.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      const expectedChecks = name === 'beat' ? { redis: 'up' } : { postgres: 'up', redis: 'up' };
      expect(await ready.json()).toEqual({ ready: true, checks: expectedChecks });

      const metrics = await fetch(`${service.baseUrl}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain('process_resident_memory_bytes');

      const missing = await fetch(`${service.baseUrl}/nowhere`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: 'not_found', status: 404 });
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

  it('refuses to start with bad configuration, naming every bad variable', async () => {
    const api = await ServiceProcess.start(
      'api',
      { API_PORT: 'eighty', SECRET_KEY: 'short', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'loud' },
      { waitUntilReady: false },
    );
    const status = await api.exited;
    expect(status.code).toBe(1);
    const output = api.lines.join('\n');
    for (const variable of ['API_PORT', 'SECRET_KEY', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(output).toContain(variable);
    }
    expect(output).not.toContain('short');
  });
});
