import type { RedisOptions } from 'ioredis';

export interface RedisSettings {
  readonly url: string;
  readonly keyPrefix: string;
}

/** Connection options from a `redis://` or `rediss://` URL, without any key prefix. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Longest a command may wait for its reply before it fails (a hung or overloaded Redis). */
export const REDIS_COMMAND_TIMEOUT_MS = 750;

/**
 * Options of a client that serves requests: while Redis is unreachable every command fails at
 * once (no offline queue, no retry of commands in flight) or within the command timeout, so an
 * answer during an outage never waits on a reconnect and never gets slower as the outage lasts.
 * Reconnection keeps trying every few hundred milliseconds, so service resumes as soon as Redis
 * is back.
 */
export function failFastRedisOptions(url: string): RedisOptions {
  return {
    ...redisOptionsFromUrl(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 1_000,
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 250),
  };
}

/**
 * BullMQ refuses ioredis' `keyPrefix`, so queues get the deployment prefix through BullMQ's own
 * `prefix` option instead. Both derive from REDIS_KEY_PREFIX so one deployment's keys stay together.
 */
export function bullPrefix(keyPrefix: string): string {
  return `${keyPrefix}bull`;
}
