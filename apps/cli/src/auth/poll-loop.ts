import { DEVICE_FLOW } from '@dify/domain';
import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import type { Clock } from '../system/clock';
import { sanitizeForDisplay } from '../wire/wire-fields';
import type { TokenGrant } from '../wire/token-grant.parser';
import type { PollAnswer } from './poll-answer';

/** How many times a 5xx or network failure is retried before the login gives up. */
export const MAX_POLL_RETRIES = 5;
const BACKOFF_CAP_SECONDS = 16;

export interface PollLoopOptions {
  readonly poll: () => Promise<PollAnswer>;
  readonly clock: Clock;
  /** The interval the server sent; 0 (or absent) means the default of 5 s. */
  readonly intervalSeconds: number;
  readonly expiresInSeconds: number;
  /** Told each time the interval grows, so the person can see why the wait got longer. */
  readonly onSlowDown?: (intervalSeconds: number) => void;
}

/** 1, 2, 4, 8, 16, 16, … seconds for the first, second, … consecutive failure. */
export function backoffSeconds(failures: number): number {
  return Math.min(2 ** (failures - 1), BACKOFF_CAP_SECONDS);
}

function authFailure(code: string, message: string): CliError {
  return new CliError(code, message, EXIT_CODE.auth, {
    hint: "Run 'difyctl auth login' to try again.",
    httpStatus: 400,
  });
}

/**
 * Polls until the person approves or the flow ends (RFC 8628 §3.4–3.5). It waits `interval`
 * before every poll, the first included; each `slow_down` adds 5 s to the interval for good; a
 * 5xx or network failure is retried up to five times, each retry waiting its backoff on top of
 * the interval; a 429 is waited out once. It never polls past the code's lifetime.
 */
export async function pollForToken(options: PollLoopOptions): Promise<TokenGrant> {
  const { clock } = options;
  let interval =
    options.intervalSeconds > 0 ? options.intervalSeconds : DEVICE_FLOW.pollIntervalSeconds;
  const deadline = clock.now() + options.expiresInSeconds * 1000;
  let failures = 0;
  let extraWaitSeconds = 0;
  let rateLimitedLastTime = false;
  for (;;) {
    await clock.sleep((interval + extraWaitSeconds) * 1000);
    if (clock.now() >= deadline) {
      throw authFailure('expired_token', 'code expired before authorization');
    }
    const answer = await options.poll();
    extraWaitSeconds = 0;
    if (answer.kind !== 'unavailable') failures = 0;
    if (answer.kind !== 'rate_limited') rateLimitedLastTime = false;
    switch (answer.kind) {
      case 'token':
        return answer.grant;
      case 'authorization_pending':
        break;
      case 'slow_down':
        interval += DEVICE_FLOW.slowDownStepSeconds;
        options.onSlowDown?.(interval);
        break;
      case 'expired_token':
        throw authFailure('expired_token', 'code expired before authorization');
      case 'access_denied':
        throw authFailure('access_denied', 'authorization denied');
      case 'invalid_grant':
        throw authFailure('invalid_grant', 'the server rejected this sign-in code (invalid_grant)');
      case 'error':
        throw new CliError(
          answer.code,
          `sign-in failed: ${sanitizeForDisplay(answer.code)}`,
          EXIT_CODE.generic,
          { httpStatus: answer.httpStatus },
        );
      case 'unavailable':
        failures += 1;
        if (failures > MAX_POLL_RETRIES) {
          throw new CliError(
            'poll_unavailable',
            `device-flow poll unavailable after retries (${answer.reason})`,
            EXIT_CODE.generic,
            { hint: 'Check that the server is up, then run the login again.' },
          );
        }
        extraWaitSeconds = backoffSeconds(failures);
        break;
      case 'rate_limited':
        if (rateLimitedLastTime) {
          throw new CliError(
            'rate_limited',
            `rate limited by the server; retry in ${answer.retryAfterSeconds} s`,
            EXIT_CODE.generic,
            { httpStatus: 429 },
          );
        }
        rateLimitedLastTime = true;
        extraWaitSeconds = Math.max(0, answer.retryAfterSeconds - interval);
        break;
    }
  }
}
