import { randomUUID } from 'node:crypto';
import {
  type CookieJar,
  runBuiltCommand,
  ServiceProcess,
  signInToConsole,
  ThrowawayRedis,
  waitFor,
} from '@dify/testing';
import { Client } from 'pg';

interface CodeResponse {
  device_code: string;
  user_code: string;
}

function isJsonObject(line: string): boolean {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null;
  } catch {
    return false;
  }
}

// A user code standing alone, as codes are issued: the same run inside a longer random id (a
// mail message id, a job id) is not one.
const USER_CODE =
  /(?<![A-Z0-9])[ABCDEFGHJKLMNPQRSTUVWXY3456789]{4}-[ABCDEFGHJKLMNPQRSTUVWXY3456789]{4}(?![A-Z0-9])/;

/**
 * Redis refusing writes in the middle of the device flow: out of memory (`maxmemory` with
 * `noeviction`) and read-only after a failover demoted it to a replica. ioredis attaches the
 * refused command and its arguments to the error it rejects with; those arguments hold the
 * published approval payload with its live token, device codes and user codes. The failures
 * must be logged, and the logs of every process must still hold none of those secrets.
 */
describe('logs while Redis refuses writes (api, auth and worker processes)', () => {
  const password = 'redis-failure-pass-1';
  let email: string;
  let redis: ThrowawayRedis;
  let api: ServiceProcess;
  let auth: ServiceProcess;
  let worker: ServiceProcess;
  let db: Client;
  let browser: CookieJar;
  /** Every secret this run handed out or typed, to look for verbatim in the logs. */
  const handedOut: string[] = [password];

  beforeAll(async () => {
    redis = await ThrowawayRedis.start({ persistent: false });
    const env = {
      REDIS_URL: redis.url,
      DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '1000',
      DEVICE_CODE_RATE_LIMIT_PER_HOUR: '10000',
    };
    auth = await ServiceProcess.start('auth', env);
    [api, worker] = await Promise.all([
      ServiceProcess.start('api', { ...env, AUTH_INTERNAL_URL: auth.baseUrl }),
      ServiceProcess.start('worker', { ...env, DATA_DIR: `/tmp/dify-e2e-mail-${randomUUID()}` }),
    ]);
    email = `redis-failure-${randomUUID()}@example.com`;
    const created = runBuiltCommand('accounts', [
      'create',
      '--email',
      email,
      '--name',
      'Approver',
      '--password',
      password,
    ]);
    expect(created.status).toBe(0);
    browser = await signInToConsole(api.baseUrl, email, password);
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop(), worker?.stop()]);
    await db?.end();
    await redis?.destroy();
  });

  const gateway = (path: string): string => `${api.baseUrl}${path}`;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(gateway(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  async function requestCode(): Promise<CodeResponse> {
    const response = await post('/openapi/v1/oauth/device/code', {
      client_id: 'difyctl',
      device_label: `laptop-${randomUUID()}`,
    });
    expect(response.status).toBe(200);
    const code = (await response.json()) as CodeResponse;
    handedOut.push(code.device_code, code.user_code);
    return code;
  }

  const approve = (userCode: string) =>
    post(
      '/openapi/v1/oauth/device/approve',
      { user_code: userCode },
      { cookie: browser.header(), 'x-csrf-token': browser.get('csrf_token') ?? '' },
    );

  const poll = (deviceCode: string) =>
    post('/openapi/v1/oauth/device/token', { client_id: 'difyctl', device_code: deviceCode });

  /**
   * Approves `userCode` with Redis breaking between the approval guard and the publish: the
   * token table is locked so the approval waits in token issuance, after the guard is taken and
   * the state re-read, then `breakRedis` runs and the lock is released. The publish is then the
   * first write Redis refuses, with the payload (and its token) as the command's argument.
   */
  async function approveAcrossFailure(
    userCode: string,
    breakRedis: () => Promise<void>,
  ): Promise<Response> {
    const lock = new Client({ connectionString: process.env.DATABASE_URL });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE oauth_access_tokens IN ACCESS EXCLUSIVE MODE');
      const approving = approve(userCode);
      await waitFor(
        async () => {
          const { rows } = await db.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return rows[0].waiting > 0;
        },
        { description: 'the approval to wait on the token table' },
      );
      await breakRedis();
      await lock.query('COMMIT');
      return await approving;
    } finally {
      await lock.end();
    }
  }

  /** Issuance, lookup, poll, console sign-in and the bearer API while Redis refuses writes. */
  async function driveWhileBroken(pending: CodeResponse, token: string): Promise<void> {
    const issued = await post('/openapi/v1/oauth/device/code', { client_id: 'difyctl' });
    expect(issued.status).toBeGreaterThanOrEqual(500);
    const polled = await poll(pending.device_code);
    expect(polled.status).toBeGreaterThanOrEqual(500);
    const looked = await fetch(
      gateway(`/openapi/v1/oauth/device/lookup?user_code=${pending.user_code}`),
    );
    expect(looked.status).toBeGreaterThanOrEqual(500);
    // Whether these fail open or closed is not this suite's concern; what they log is.
    await post('/console/api/login', { email, password });
    await fetch(gateway('/openapi/v1/account'), { headers: { authorization: `Bearer ${token}` } });
  }

  /** The auth log entries of the failed publish whose error says `reply`. */
  const publishFailures = (reply: string) =>
    auth
      .logEntries()
      .filter(
        (entry) =>
          entry.msg === 'approval publish failed; confirming its outcome' &&
          String((entry.err as { message?: unknown } | undefined)?.message).includes(reply),
      );

  /** The auth log entries of requests that failed on a Redis error saying `reply`. */
  const unhandledRedisErrors = (reply: string) =>
    auth
      .logEntries()
      .filter(
        (entry) =>
          entry.level === 'error' &&
          String((entry.err as { message?: unknown } | undefined)?.message).includes(reply),
      );

  let token: string;

  it('completes a flow while Redis is healthy, so the run holds a live token', async () => {
    const code = await requestCode();
    expect((await approve(code.user_code)).status).toBe(200);
    const granted = await poll(code.device_code);
    expect(granted.status).toBe(200);
    token = String(((await granted.json()) as { token: string }).token);
    expect(token).toMatch(/^dfoa_/);
    handedOut.push(token);
  });

  it('logs the refusals of a Redis out of memory, without a secret', async () => {
    const [forPoll, forApprove] = [await requestCode(), await requestCode()];
    await redis.control.config('SET', 'maxmemory-policy', 'noeviction');
    try {
      const approved = await approveAcrossFailure(forApprove.user_code, async () => {
        await redis.control.config('SET', 'maxmemory', '1');
      });
      expect(approved.status).toBe(500);
      expect(await approved.json()).toEqual({ error: 'server_error' });
      await driveWhileBroken(forPoll, token);
    } finally {
      await redis.control.config('SET', 'maxmemory', '0');
    }

    const [published] = await waitFor(() => {
      const found = publishFailures('OOM');
      return found.length > 0 && found;
    });
    // The error is logged with what an operator needs, but not the command's arguments.
    expect(published.err).toMatchObject({ type: 'ReplyError', command: { name: 'evalsha' } });
    expect(JSON.stringify(published.err)).not.toContain('"args"');
    await waitFor(() => unhandledRedisErrors('OOM').length > 0);
  });

  it('logs the refusals of a Redis demoted to a replica by a failover, without a secret', async () => {
    const standby = await ThrowawayRedis.start({ persistent: false });
    try {
      await standby.replicate(redis);
      await standby.waitUntilInSync();
      const [forPoll, forApprove] = [await requestCode(), await requestCode()];
      try {
        const approved = await approveAcrossFailure(forApprove.user_code, async () => {
          // The failover: the standby, holding the approval's guard and so everything written
          // before it, is promoted and the old primary follows it.
          await waitFor(async () => (await standby.control.keys('*approval_guard*')).length > 0, {
            description: 'the standby to hold the approval guard',
          });
          await standby.promote();
          await redis.replicate(standby);
          // Until its first sync is loaded a replica answers LOADING; the publish must meet
          // READONLY, the refusal of a replica in service.
          await redis.waitUntilInSync();
        });
        expect(approved.status).toBe(500);
        await driveWhileBroken(forPoll, token);
      } finally {
        await redis.promote();
      }
    } finally {
      await standby.destroy();
    }

    await waitFor(() => publishFailures('READONLY').length > 0);
    await waitFor(() => unhandledRedisErrors('READONLY').length > 0);
  });

  it('leaves no token, device code, user code or password in the logs of any process', async () => {
    await Promise.all([api.stop(), auth.stop(), worker.stop()]);
    const lines = [...api.lines, ...auth.lines, ...worker.lines];
    // Every line went through the redacting logger: nothing printed around it (a library's
    // console.error of an unheard error would carry the Redis command arguments verbatim).
    expect(lines.filter((line) => !isJsonObject(line))).toEqual([]);
    const logs = lines.join('\n');
    for (const secret of handedOut) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/dfo[ae]_[A-Za-z0-9_-]{8,}/);
    expect(logs).not.toMatch(/dc_[A-Za-z0-9_-]{20,}/);
    expect(logs).not.toMatch(USER_CODE);
  }, 90_000);
});
