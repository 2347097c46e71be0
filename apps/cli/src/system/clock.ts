import { CliError } from '../errors/cli-error';

/** Time as the poll loop sees it; injected so tests run the loop without waiting. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with an interrupted error when the run is cancelled. */
  sleep(ms: number): Promise<void>;
}

/** The real clock; `signal` (Ctrl-C) cuts every sleep short. */
export function systemClock(signal?: AbortSignal): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(CliError.interrupted());
          return;
        }
        const onAbort = () => {
          clearTimeout(timer);
          reject(CliError.interrupted());
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
