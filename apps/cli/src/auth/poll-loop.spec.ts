import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import type { Clock } from '../system/clock';
import type { TokenGrant } from '../wire/token-grant.parser';
import type { PollAnswer } from './poll-answer';
import { backoffSeconds, pollForToken } from './poll-loop';

const GRANT: TokenGrant = {
  token: 'dfoa_test',
  token_id: '0199a1b2-0000-7000-8000-000000000001',
  expires_at: '2030-01-01T00:00:00.000Z',
  subject_type: 'account',
  account: { id: 'a', email: 'you@example.com', name: 'You' },
  subject_email: null,
  subject_issuer: null,
  workspaces: [],
  default_workspace_id: null,
};

/** A clock whose sleeps return at once and move time forward; it records every wait. */
function fakeClock(): Clock & { readonly sleeps: number[]; readonly pollTimes: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    pollTimes: [],
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms / 1000);
      now += ms;
      return Promise.resolve();
    },
  };
}

/** A poll that answers `answers` in order and records when each poll happened. */
function scripted(clock: ReturnType<typeof fakeClock>, answers: PollAnswer[]) {
  let index = 0;
  return () => {
    clock.pollTimes.push(clock.now() / 1000);
    const answer = answers[index];
    index += 1;
    if (!answer) throw new Error('polled more often than scripted');
    return Promise.resolve(answer);
  };
}

const pending: PollAnswer = { kind: 'authorization_pending' };
const slowDown: PollAnswer = { kind: 'slow_down' };
const unavailable: PollAnswer = { kind: 'unavailable', reason: 'HTTP 503' };
const token: PollAnswer = { kind: 'token', grant: GRANT };

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected the poll loop to fail');
}

describe('pollForToken', () => {
  it('waits the interval before every poll, the first included, and returns the grant', async () => {
    const clock = fakeClock();
    const grant = await pollForToken({
      poll: scripted(clock, [pending, pending, token]),
      clock,
      intervalSeconds: 5,
      expiresInSeconds: 900,
    });
    expect(grant).toBe(GRANT);
    expect(clock.sleeps).toEqual([5, 5, 5]);
    expect(clock.pollTimes).toEqual([5, 10, 15]);
  });

  it('uses 5 s when the server sent no interval (or 0), and honours a longer one', async () => {
    const clock = fakeClock();
    await pollForToken({
      poll: scripted(clock, [pending, token]),
      clock,
      intervalSeconds: 0,
      expiresInSeconds: 900,
    });
    expect(clock.sleeps).toEqual([5, 5]);

    const slow = fakeClock();
    await pollForToken({
      poll: scripted(slow, [token]),
      clock: slow,
      intervalSeconds: 12,
      expiresInSeconds: 900,
    });
    expect(slow.sleeps).toEqual([12]);
  });

  it('adds 5 s to the interval on each slow_down, for that and every later poll', async () => {
    const clock = fakeClock();
    const intervals: number[] = [];
    await pollForToken({
      poll: scripted(clock, [slowDown, pending, slowDown, pending, token]),
      clock,
      intervalSeconds: 5,
      expiresInSeconds: 900,
      onSlowDown: (interval) => intervals.push(interval),
    });
    expect(clock.sleeps).toEqual([5, 10, 10, 15, 15]);
    expect(intervals).toEqual([10, 15]);
  });

  it.each([
    [
      { kind: 'expired_token' } as PollAnswer,
      'expired_token',
      'code expired before authorization',
      EXIT_CODE.auth,
    ],
    [
      { kind: 'access_denied' } as PollAnswer,
      'access_denied',
      'authorization denied',
      EXIT_CODE.auth,
    ],
    [
      { kind: 'invalid_grant' } as PollAnswer,
      'invalid_grant',
      expect.stringContaining('invalid_grant'),
      EXIT_CODE.auth,
    ],
    [
      { kind: 'error', code: 'unsupported_grant_type', httpStatus: 400 } as PollAnswer,
      'unsupported_grant_type',
      expect.stringContaining('unsupported_grant_type'),
      EXIT_CODE.generic,
    ],
  ])('ends on %o with its message and exit code', async (answer, code, message, exitCode) => {
    const clock = fakeClock();
    const error = await failure(
      pollForToken({
        poll: scripted(clock, [pending, answer]),
        clock,
        intervalSeconds: 5,
        expiresInSeconds: 900,
      }),
    );
    expect(error).toMatchObject({ code, message, exitCode });
    expect(clock.pollTimes).toHaveLength(2);
  });

  it('retries 5xx and network failures with backoff 1, 2, 4, 8, 16 s on top of the interval', async () => {
    const clock = fakeClock();
    const grant = await pollForToken({
      poll: scripted(clock, [
        unavailable,
        unavailable,
        unavailable,
        unavailable,
        unavailable,
        token,
      ]),
      clock,
      intervalSeconds: 5,
      expiresInSeconds: 900,
    });
    expect(grant).toBe(GRANT);
    expect(clock.sleeps).toEqual([5, 6, 7, 9, 13, 21]);
  });

  it('gives up after five retries with exit 1', async () => {
    const clock = fakeClock();
    const error = await failure(
      pollForToken({
        poll: scripted(
          clock,
          Array.from({ length: 6 }, () => unavailable),
        ),
        clock,
        intervalSeconds: 5,
        expiresInSeconds: 900,
      }),
    );
    expect(error.message).toContain('device-flow poll unavailable after retries');
    expect(error.exitCode).toBe(EXIT_CODE.generic);
    expect(clock.pollTimes).toHaveLength(6);
  });

  it('starts the backoff over after an answer gets through', async () => {
    const clock = fakeClock();
    await pollForToken({
      poll: scripted(clock, [unavailable, unavailable, pending, unavailable, token]),
      clock,
      intervalSeconds: 5,
      expiresInSeconds: 900,
    });
    expect(clock.sleeps).toEqual([5, 6, 7, 5, 6]);
  });

  it('caps the backoff at 16 s', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(backoffSeconds)).toEqual([1, 2, 4, 8, 16, 16, 16]);
  });

  it('waits out one 429 for its Retry-After, and fails on a second in a row', async () => {
    const clock = fakeClock();
    await pollForToken({
      poll: scripted(clock, [{ kind: 'rate_limited', retryAfterSeconds: 30 }, token]),
      clock,
      intervalSeconds: 5,
      expiresInSeconds: 900,
    });
    expect(clock.sleeps).toEqual([5, 30]);

    const twice = fakeClock();
    const error = await failure(
      pollForToken({
        poll: scripted(twice, [
          { kind: 'rate_limited', retryAfterSeconds: 2 },
          { kind: 'rate_limited', retryAfterSeconds: 2 },
        ]),
        clock: twice,
        intervalSeconds: 5,
        expiresInSeconds: 900,
      }),
    );
    expect(error).toMatchObject({ code: 'rate_limited', exitCode: EXIT_CODE.generic });
  });

  it('stops at the code lifetime without polling again', async () => {
    const clock = fakeClock();
    const error = await failure(
      pollForToken({
        poll: scripted(clock, [pending, pending]),
        clock,
        intervalSeconds: 5,
        expiresInSeconds: 12,
      }),
    );
    expect(error).toMatchObject({ code: 'expired_token', exitCode: EXIT_CODE.auth });
    expect(clock.pollTimes).toEqual([5, 10]);
  });

  it('passes an interruption through (exit 130)', async () => {
    const clock = fakeClock();
    const interrupted: Clock = {
      now: clock.now,
      sleep: () => Promise.reject(CliError.interrupted()),
    };
    const error = await failure(
      pollForToken({
        poll: scripted(clock, []),
        clock: interrupted,
        intervalSeconds: 5,
        expiresInSeconds: 900,
      }),
    );
    expect(error.exitCode).toBe(EXIT_CODE.interrupted);
  });
});
