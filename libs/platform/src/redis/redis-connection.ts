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

/**
 * BullMQ refuses ioredis' `keyPrefix`, so queues get the deployment prefix through BullMQ's own
 * `prefix` option instead. Both derive from REDIS_KEY_PREFIX so one deployment's keys stay together.
 */
export function bullPrefix(keyPrefix: string): string {
  return `${keyPrefix}bull`;
}
