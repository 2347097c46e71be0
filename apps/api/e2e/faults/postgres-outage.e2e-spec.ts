import { randomUUID } from 'node:crypto';
import { ThrowawayBackends, type TimedAnswer, waitFor } from '@dify/testing';
import { FaultFlow } from './fault-flow';

const OUTAGE_MS = 10_000;
// "About a second", generous for a loaded two-core machine.
const OUTAGE_ANSWER_BOUND_MS = 2_000;
const LOAD_LOOPS = 3;

type Phase = 'before' | 'outage' | 'after';

interface Observed {
  readonly phase: Phase;
  readonly route: string;
  readonly answer: TimedAnswer;
}

/** Postgres stopped for ten seconds under a mix of console, bearer and device traffic. */
describe('Postgres outage', () => {
  let backends: ThrowawayBackends;
  let flow: FaultFlow;

  beforeAll(async () => {
    backends = await ThrowawayBackends.start();
    flow = await FaultFlow.start(backends);
  }, 120_000);

  afterAll(async () => {
    await flow?.stop();
    await backends?.destroy();
  });

  it('answers 503 within a second while Postgres is down, then everything works again', async () => {
    const token = await flow.signInDevice();
    const lookupCode = ((await flow.requestCode()).body as { user_code: string }).user_code;
    const routes: Record<string, () => Promise<TimedAnswer>> = {
      login: () => flow.login(),
      profile: () => flow.profile(),
      'console workspaces': () =>
        flow.get('/console/api/workspaces', { cookie: flow.browser.header() }),
      'bearer account': () => flow.account(token),
      'bearer sessions': () => flow.sessions(token),
      'device code': () => flow.requestCode(),
      lookup: () => flow.get(`/openapi/v1/oauth/device/lookup?user_code=${lookupCode}`),
      'bad bearer': () => flow.account(`dfoa_${randomUUID().replace(/-/g, '')}0000000000000`),
    };

    let phase: Phase = 'before';
    let running = true;
    const observed: Observed[] = [];
    const loops = Array.from({ length: LOAD_LOOPS }, async () => {
      while (running) {
        for (const [route, call] of Object.entries(routes)) {
          const at = phase;
          const answer = await call();
          // An answer that straddles a phase change belongs to neither.
          if (at === phase) observed.push({ phase: at, route, answer });
        }
      }
    });

    await waitFor(() => observed.length >= 3 * Object.keys(routes).length, {
      description: 'some traffic before the outage',
    });
    await backends.postgres.stop();
    phase = 'outage';
    const stopped = Date.now();
    await waitFor(async () => (await fetch(`${flow.api.opsUrl}/health/ready`)).status === 503, {
      timeoutMs: 2_000,
      description: 'api to report not-ready',
    });
    const notReadyMs = Date.now() - stopped;
    await waitFor(() => Date.now() - stopped >= OUTAGE_MS, { timeoutMs: OUTAGE_MS + 5_000 });
    phase = 'before';
    await backends.postgres.resume();
    const resumed = Date.now();
    await waitFor(
      async () =>
        (await fetch(`${flow.api.opsUrl}/health/ready`)).status === 200 &&
        (await fetch(`${flow.auth.opsUrl}/health/ready`)).status === 200,
      { timeoutMs: 5_000, description: 'both services to report ready again' },
    );
    const readyAgainMs = Date.now() - resumed;
    phase = 'after';
    const afterStart = observed.length;
    await waitFor(() => observed.length - afterStart >= 2 * Object.keys(routes).length, {
      description: 'traffic after the outage',
    });
    running = false;
    await Promise.all(loops);

    const during = observed.filter((entry) => entry.phase === 'outage');
    const slowest = Math.max(...during.map((entry) => entry.answer.ms));
    process.stdout.write(
      `postgres outage: ${during.length} answers in ${OUTAGE_MS} ms, slowest ${slowest.toFixed(0)} ms, ` +
        `not-ready after ${notReadyMs} ms, ready ${readyAgainMs} ms after restart\n`,
    );

    // Never a 500, and every 503 is the route's envelope with a Retry-After.
    for (const { route, answer } of observed) {
      expect(`${route}: ${answer.status}`).not.toMatch(/: 50[0-24-9]$/);
      if (answer.status !== 503) continue;
      expect(answer.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(answer.body).toEqual(
        route === 'device code' || route === 'lookup'
          ? { error: 'temporarily_unavailable' }
          : expect.objectContaining({ code: 'service_unavailable', status: 503 }),
      );
    }
    expect(during.length).toBeGreaterThan(Object.keys(routes).length);
    expect(slowest).toBeLessThan(OUTAGE_ANSWER_BOUND_MS);
    const statusesDuring = (route: string) =>
      [
        ...new Set(during.filter((entry) => entry.route === route).map((e) => e.answer.status)),
      ].sort();
    // What needs Postgres answers 503, never 401 (a session that cannot be checked is not absent).
    for (const route of ['login', 'profile', 'console workspaces', 'bearer sessions']) {
      expect({ route, statuses: statusesDuring(route) }).toEqual({ route, statuses: [503] });
    }
    // What Redis alone serves keeps working.
    expect(statusesDuring('device code')).toEqual([200]);
    expect(statusesDuring('bad bearer').every((status) => status === 401 || status === 503)).toBe(
      true,
    );

    const after = observed.filter((entry) => entry.phase === 'after');
    expect(
      after.filter((entry) => entry.answer.status !== (entry.route === 'bad bearer' ? 401 : 200)),
    ).toEqual([]);
    for (const service of [flow.api, flow.auth]) {
      expect(service.lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    }
  });
});
