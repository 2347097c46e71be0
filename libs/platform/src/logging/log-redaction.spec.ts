import { Writable } from 'node:stream';
import { ReplyError } from 'ioredis';
import pino from 'pino';
import { serviceLoggerOptions } from './logger-options';
import { redactLogValue } from './log-value.redactor';
import { isSecretLogKey } from './secret-keys';
import { redactUrl } from './redaction';
import { redactSecretText } from './secret-text';

const ACCOUNT_TOKEN = 'dfoa_Jw3kQ9xZb2LmN4pR7sT1vY8cD5fG6hK0aB3eW2qU9iO';
const SSO_TOKEN = 'dfoe_Zq8wE7rT6yU5iO4pA3sD2fG1hJ0kL9zX8cV7bN6mQ5w';
const DEVICE_CODE = 'dc_Mn5bV4cX3zL2kJ1hG0fD9sA8pO7iU6yT5rE4wQ3eRtY';
const USER_CODE = 'WDJB-MJHT';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOiJzLTEyMyIsInN1YiI6ImEifQ.kq3Vb1mZ0c4N9xwQyFh2sTg7uLpR8oEaDjK5iWnB6Xc';
const ARGON2 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';
const SECRETS = [ACCOUNT_TOKEN, SSO_TOKEN, DEVICE_CODE, USER_CODE, JWT, ARGON2];

/** A logger built exactly as the services build theirs, writing its lines to memory. */
function capturingLogger(): { logger: pino.Logger; output: () => string; lines: () => unknown[] } {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const logger = pino(serviceLoggerOptions('test', 'debug'), sink);
  return {
    logger,
    output: () => written.join(''),
    lines: () => written.map((line) => JSON.parse(line) as unknown),
  };
}

/** What ioredis rejects with when Redis refuses a script call: the reply, plus the call. */
function redisReplyError(message: string, args: unknown[]): Error {
  const error = new ReplyError(message);
  Object.assign(error, { command: { name: 'evalsha', args } });
  return error;
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/dfo[ae]_|dc_[A-Za-z0-9]/);
}

describe('the service loggers', () => {
  it('drop the arguments ioredis attaches to a refused command, keeping what it was', () => {
    const { logger, output, lines } = capturingLogger();
    const payload = JSON.stringify({ token: ACCOUNT_TOKEN, access_token: ACCOUNT_TOKEN });
    const error = redisReplyError("OOM command not allowed when used memory > 'maxmemory'.", [
      '9f3c0a',
      1,
      `prefix:oauth_device:${DEVICE_CODE}`,
      'approved',
      'transition:abc:0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e5f',
      payload,
      60,
    ]);
    logger.warn({ err: error }, 'approval publish failed; confirming its outcome');

    expectNoSecret(output());
    expect(lines()[0]).toMatchObject({
      level: 'warn',
      service: 'test',
      msg: 'approval publish failed; confirming its outcome',
      err: {
        type: 'ReplyError',
        message: "OOM command not allowed when used memory > 'maxmemory'.",
        command: { name: 'evalsha' },
      },
    });
    expect(output()).not.toContain('"args"');
  });

  it('hide secret keys at any depth, in any case, inside arrays and error causes', () => {
    const { logger, output, lines } = capturingLogger();
    const cause = new Error('the store refused', {
      cause: redisReplyError('READONLY You can’t write against a read only replica.', [USER_CODE]),
    });
    Object.assign(cause, {
      detail: { deviceCode: 'opaque-1', nested: [{ UserCode: 'opaque-2' }] },
    });
    logger.error(
      {
        err: new Error('approve failed', { cause }),
        request: {
          headers: {
            Authorization: 'Bearer opaque-3',
            Cookie: 'access_token=opaque-4',
            'X-CSRF-Token': 'opaque-5',
            'set-cookie': ['csrf_token=opaque-6'],
          },
          body: { user_code: 'opaque-7', password: 'opaque-8', newPassword: 'opaque-9' },
        },
        settings: { LICENSE_KEY: 'opaque-10', licenseKey: 'opaque-11', SECRET_KEY: 'opaque-12' },
        attempts: [[{ grant: 'opaque-13' }], { device_code: 'opaque-14', token_hash: 'opaque-15' }],
      },
      'approval failed',
    );

    expect(output()).not.toMatch(/opaque-\d+/);
    expectNoSecret(output());
    const [line] = lines() as [
      { err: { cause: { message: string; cause: { type: string; command: unknown } } } },
    ];
    expect(line.err.cause.message).toBe('the store refused');
    expect(line.err.cause.cause).toMatchObject({
      type: 'ReplyError',
      command: { name: 'evalsha' },
    });
  });

  it('replace secret-shaped text in messages, bindings and plain strings', () => {
    const { logger, output } = capturingLogger();
    logger.child({ note: `seen ${USER_CODE}` }).info(
      {
        key: `oauth_device:user_code:${USER_CODE}`,
        header: `Bearer ${SSO_TOKEN}`,
        stored: { hash: ARGON2 },
        url: 'redis://worker:hunter2hunter2@redis.internal:6379/0',
        header2: 'console_access_token=opaque-1; csrf_token=opaque-2; theme=dark',
        query: 'GET /device?user_code=abcd-efgh&code=opaque-3&lang=en',
        escaped: JSON.stringify({ note: `line\n${USER_CODE}`, cookie: JWT }),
      },
      `polled ${DEVICE_CODE} for ${ACCOUNT_TOKEN}`,
    );
    logger.error(new Error(`no state for ${DEVICE_CODE}`));

    expectNoSecret(output());
    expect(output()).not.toContain('hunter2');
    expect(output()).toContain('redis://worker:[Redacted]@redis.internal:6379/0');
    expect(output()).not.toMatch(/opaque-\d|abcd-efgh/);
    expect(output()).toContain('theme=dark');
    expect(output()).toContain('lang=en');
  });

  it('keep what an operator needs: ids, codes of errors, counts and status', () => {
    const { logger, lines } = capturingLogger();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    logger.info(
      {
        err: refused,
        token_id: '0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e5f',
        token_type: 'Bearer',
        request_id: 'trace-42',
        expires_at: new Date('2026-12-01T10:00:00.000Z'),
        client_id: 'difyctl',
        rotated: true,
      },
      'kept',
    );
    expect(lines()[0]).toMatchObject({
      err: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:6379' },
      token_id: '0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e5f',
      token_type: 'Bearer',
      request_id: 'trace-42',
      expires_at: '2026-12-01T10:00:00.000Z',
      client_id: 'difyctl',
      rotated: true,
    });
  });

  it('survive cycles, deep nesting, buffers and throwing getters', () => {
    const { logger, lines } = capturingLogger();
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = looped;
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    Object.assign(first, { cause: second });
    let deep: Record<string, unknown> = { token: 'opaque-deep' };
    for (let level = 0; level < 5_000; level += 1) deep = { a: [deep] };
    const hostile = {
      get explode(): never {
        throw new Error('getter');
      },
    };

    logger.info({ looped, err: second, deep, data: Buffer.from(DEVICE_CODE), hostile }, 'odd');

    const [line] = lines() as [Record<string, unknown>];
    expect(line.looped).toEqual({ name: 'loop', self: '[Circular]' });
    expect(line.data).toBe('[Buffer of 46 bytes]');
    expect(line.hostile).toEqual({ explode: '[Unreadable]' });
    expect(JSON.stringify(line)).toContain('[Truncated]');
    expect(JSON.stringify(line)).toContain('[Circular]');
  });

  it('redact the query of a logged request URL and never log its headers', () => {
    const { logger, output, lines } = capturingLogger();
    logger.info(
      {
        req: {
          id: 'r-1',
          method: 'GET',
          url: '/openapi/v1/oauth/device/lookup?user_code=abcd%20efgh&x=1',
          headers: { cookie: `access_token=${JWT}` },
        },
        res: { statusCode: 200, headers: { 'set-cookie': 'csrf_token=opaque-1' } },
      },
      'request completed',
    );
    expect(lines()[0]).toMatchObject({
      req: {
        id: 'r-1',
        method: 'GET',
        url: '/openapi/v1/oauth/device/lookup?user_code=%5BRedacted%5D&x=1',
      },
      res: { statusCode: 200 },
    });
    expect(output()).not.toContain('abcd');
    expect(output()).not.toContain('opaque-1');
    expectNoSecret(output());
  });
});

describe('isSecretLogKey', () => {
  it.each([
    'token',
    'access_token',
    'refreshToken',
    'Authorization',
    'Set-Cookie',
    'x-csrf-token',
    'csrfToken',
    'device_code',
    'userCode',
    'code',
    'code_verifier',
    'password',
    'password_hash',
    'licenseKey',
    'LICENCE_KEY',
    'SECRET_KEY',
    'args',
  ])('treats %s as secret', (key) => expect(isSecretLogKey(key)).toBe(true));

  it.each(['token_id', 'token_type', 'request_id', 'event_id', 'status_code', 'client_id', 'msg'])(
    'keeps %s',
    (key) => expect(isSecretLogKey(key)).toBe(false),
  );
});

describe('redactSecretText', () => {
  it('leaves ordinary text alone', () => {
    const text =
      '{"time":"2026-12-01T10:00:00.000Z","request_id":"0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e5f",' +
      '"msg":"GET /health/ready?verbose=1 answered READ-ONLY in 12 ms","hit_rate":"ABCD_EFGH"}';
    expect(redactSecretText(text)).toBe(text);
  });

  it('finds every secret shape', () => {
    for (const secret of SECRETS) {
      expect(redactSecretText(`before ${secret} after`)).toBe('before [Redacted] after');
    }
  });
});

describe('redactLogValue', () => {
  it('copies rather than mutating what the caller logged', () => {
    const fields = { body: { password: 'opaque' } };
    expect(redactLogValue(fields)).toEqual({ body: { password: '[Redacted]' } });
    expect(fields.body.password).toBe('opaque');
  });
});

describe('redactUrl', () => {
  it('hides secret query parameters and keeps the rest', () => {
    expect(redactUrl('/openapi/v1/oauth/device/lookup?user_code=ABCD-EFGH&x=1')).toBe(
      '/openapi/v1/oauth/device/lookup?user_code=%5BRedacted%5D&x=1',
    );
    expect(redactUrl('/device?User_Code=abcd&token=t&token=u')).toBe(
      '/device?User_Code=%5BRedacted%5D&token=%5BRedacted%5D',
    );
    expect(redactUrl('/health/ready')).toBe('/health/ready');
  });
});
