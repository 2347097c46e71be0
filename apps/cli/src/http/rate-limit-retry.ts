import type { Clock } from '../system/clock';
import { retryAfterSeconds } from './answer.rules';
import type { HttpSend } from './http-client';

// A server asking for a longer pause than this is better reported than waited out in silence.
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Wraps `send` so that a 429 is waited out once, for its `Retry-After`, and the request sent
 * again. A second 429 (or a wait longer than a minute) is handed back for the caller to report.
 * `onWait` hears the pause before it starts, so a person is not left looking at a silent terminal.
 */
export function retryOnceWhenRateLimited(
  send: HttpSend,
  clock: Clock,
  onWait: (seconds: number) => void = () => undefined,
): HttpSend {
  return async (request) => {
    const first = await send(request);
    if (first.status !== 429) return first;
    const seconds = retryAfterSeconds(first, clock.now());
    if (seconds > MAX_RETRY_AFTER_SECONDS) return first;
    onWait(seconds);
    await clock.sleep(seconds * 1000);
    return send(request);
  };
}

/** The line a person reads while the CLI waits out a 429 (stderr: stdout stays clean for --json). */
export function announceRateLimitPause(
  context: { readonly output: { prompt(line: string): void } },
  seconds: number,
): void {
  context.output.prompt(`The server asked to slow down; trying again in ${seconds} s…`);
}
