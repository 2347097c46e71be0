/**
 * Every rate-limit bucket key starts with this, so all buckets sit under `rl:*`
 * (docs/redis-state.md, "Keys"). Each feature owns its bucket prefixes next to its other Redis
 * keys; they are wire names there.
 */
export const RATE_LIMIT_KEY_NAMESPACE = 'rl:';

/**
 * One caller's bucket under a feature's prefix. The deployment's `REDIS_KEY_PREFIX` is not part
 * of it: the shared ioredis client adds it.
 */
export function rateLimitBucket(prefix: string, id: string, what: string): string {
  // An empty id would put every caller into one shared bucket; the client IP is `unknown`, never ''.
  if (id.length === 0) throw new RangeError(`a rate-limit key needs a non-empty ${what}`);
  return `${prefix}${id}`;
}
