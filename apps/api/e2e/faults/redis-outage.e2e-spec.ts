import { ServiceProcess, ThrowawayBackends, type TimedAnswer, waitFor } from '@dify/testing';
import { Client } from 'pg';
import { FaultFlow } from './fault-flow';

// How long the outage is observed; answers must not slow down as it lasts.
const OUTAGE_OBSERVED_MS = 4_000;
// "About a second", generous for a loaded two-core machine.
const OUTAGE_ANSWER_BOUND_MS = 1_500;

/** Redis stopped in the middle of a device flow, then started again; no service restarts. */
describe('Redis outage', () => {
  let backends: ThrowawayBackends;
  let flow: FaultFlow;
  let worker: ServiceProcess;
  let beat: ServiceProcess;

  beforeAll(async () => {
    backends = await ThrowawayBackends.start();
    flow = await FaultFlow.start(backends);
    [worker, beat] = await Promise.all([
      ServiceProcess.start('worker', backends.env),
      ServiceProcess.start('beat', backends.env),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([flow?.stop(), worker?.stop(), beat?.stop()]);
    await backends?.destroy();
  });

  async function approvalsAudited(): Promise<number> {
    const db = new Client({ connectionString: backends.databaseUrl });
    await db.connect();
    try {
      const result = await db.query<{ count: string }>(
        `SELECT count(*) FROM audit_logs WHERE event = 'oauth.device_flow_approved'`,
      );
      return Number(result.rows[0].count);
    } finally {
      await db.end();
    }
  }

  it('answers 503 within a second on every route while Redis is down, then the flow completes', async () => {
    const token = await flow.signInDevice();
    await waitFor(async () => (await approvalsAudited()) === 1, {
      description: 'the first approval to be audited',
    });
    const code = (await flow.requestCode()).body as { device_code: string; user_code: string };

    await backends.redis.stop();
    const answers: { route: string; answer: TimedAnswer }[] = [];
    const ask = async (route: string, call: () => Promise<TimedAnswer>) =>
      answers.push({ route, answer: await call() });
    const started = Date.now();
    while (Date.now() - started < OUTAGE_OBSERVED_MS) {
      await ask('device code', () => flow.requestCode());
      await ask('poll', () => flow.poll(code.device_code));
      await ask('lookup', () =>
        flow.get(`/openapi/v1/oauth/device/lookup?user_code=${code.user_code}`),
      );
      await ask('approve', () => flow.approve(code.user_code));
      await ask('profile', () => flow.profile());
      await ask('login', () => flow.login());
      await ask('bearer account', () => flow.account(token));
      for (const service of [flow.api, flow.auth]) {
        await ask(`${service.name} readiness`, () =>
          fetch(`${service.opsUrl}/health/ready`).then(async (response) => ({
            status: response.status,
            ms: 0,
            body: await response.json(),
            headers: response.headers,
          })),
        );
      }
    }

    const summary = answers.map(({ route, answer }) => `${route}: ${answer.status}`);
    expect(summary.filter((line) => !line.endsWith(': 503'))).toEqual([]);
    for (const { route, answer } of answers) {
      if (route.endsWith('readiness')) continue;
      expect(answer.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      const device = ['device code', 'poll', 'lookup', 'approve'].includes(route);
      expect(answer.body).toEqual(
        device
          ? { error: 'temporarily_unavailable' }
          : expect.objectContaining({ code: 'service_unavailable', status: 503 }),
      );
    }
    const slowest = Math.max(...answers.map(({ answer }) => answer.ms));
    process.stdout.write(
      `redis outage: ${answers.length} answers, slowest ${slowest.toFixed(0)} ms\n`,
    );
    expect(slowest).toBeLessThan(OUTAGE_ANSWER_BOUND_MS);

    await backends.redis.resume();
    const resumed = Date.now();
    await waitFor(
      async () =>
        (await fetch(`${flow.api.opsUrl}/health/ready`)).status === 200 &&
        (await fetch(`${flow.auth.opsUrl}/health/ready`)).status === 200,
      { timeoutMs: 5_000, description: 'both services to report ready again' },
    );
    process.stdout.write(`redis outage: ready again ${Date.now() - resumed} ms after restart\n`);

    expect((await flow.profile()).status).toBe(200);
    expect((await flow.approve(code.user_code)).status).toBe(200);
    const granted = await flow.poll(code.device_code);
    expect(granted.status).toBe(200);
    const fresh = (granted.body as { token: string }).token;
    expect((await flow.account(fresh)).status).toBe(200);
    expect((await flow.account(token)).status).toBe(200);

    // The worker picked its queue up again by itself.
    await waitFor(async () => (await approvalsAudited()) === 2, {
      description: 'the approval after the outage to be audited',
    });

    // Every process logged the outage as JSON, once per connection, and nothing else on stderr.
    for (const service of [flow.api, flow.auth, worker, beat]) {
      expect({ [service.name]: service.lines.filter((line) => !line.startsWith('{')) }).toEqual({
        [service.name]: [],
      });
      const lost = service
        .logEntries()
        .filter((entry) => entry.msg === 'redis connection lost')
        .map((entry) => String(entry.connection));
      expect(lost).toContain('main');
      expect({ [service.name]: lost.length }).toEqual({ [service.name]: new Set(lost).size });
      const restored = service
        .logEntries()
        .filter((entry) => entry.msg === 'redis connection restored')
        .map((entry) => String(entry.connection));
      expect(restored).toContain('main');
    }
  });
});
