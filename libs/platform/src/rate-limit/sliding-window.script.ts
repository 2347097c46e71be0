/**
 * The sliding-window limiter of docs/device-flow.md, "Rate limits" as one Lua script, so a decision
 * costs one round trip and no other client can slip in between the count and the write.
 *
 * Invariants the script keeps:
 * - It names exactly one key, the bucket (a sorted set whose scores are Redis-clock milliseconds),
 *   so it is safe on Redis Cluster.
 * - `now` comes from Redis `TIME`, never from the caller, so app replicas with skewed clocks agree.
 *   Redis 5+ replicates a script's effects, so a write after `TIME` is allowed.
 * - A limited `hit` or any `check` adds nothing; only an allowed `hit` and every `record` add one
 *   member `<ms>-<random>` (the random part comes from the caller's CSPRNG, because Lua's
 *   `math.random` is deterministic inside scripts) and push the expiry to 2 × window.
 *
 * Arguments: mode (`hit` | `check` | `record`), limit (ignored by `record`), window in ms, the
 * random member suffix. Reply: `{allowed (1|0), count in window, retry after in ms (0 if allowed)}`,
 * plus the member written when the call recorded one, so the caller can take it back.
 *
 * The wait is measured to the entry whose expiry brings the count under the limit. While only `hit`
 * writes a bucket the count never passes the limit and that entry is the oldest one, as documented
 * (docs/device-flow.md, "Rate limits"); when `record` pushed a bucket past its limit (the global
 * lookup-miss budget) it is a later entry, so a client honouring Retry-After is not limited again
 * on arrival.
 */
export const SLIDING_WINDOW_LUA = `
local key = KEYS[1]
local mode = ARGV[1]
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if mode ~= 'record' and count >= limit then
  local rank = count - limit
  local entry = redis.call('ZRANGE', key, rank, rank, 'WITHSCORES')
  local wait = tonumber(entry[2]) + window - now
  if wait < 1 then wait = 1 end
  return {0, count, wait}
end
if mode == 'check' then
  return {1, count, 0}
end
local member = string.format('%d-%s', now, ARGV[4])
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window * 2)
return {1, count + 1, 0, member}
`;

/** The name the script is registered under with ioredis `defineCommand` on the shared client. */
export const SLIDING_WINDOW_COMMAND = 'rateLimitSlidingWindow';

export type SlidingWindowMode = 'hit' | 'check' | 'record';

export interface SlidingWindowReply {
  readonly allowed: boolean;
  readonly count: number;
  readonly retryAfterMs: number;
  /** The entry this call added, when it added one. */
  readonly member?: string;
}

/** Reads the script's reply, refusing anything else: a wrong shape means a wrong script ran. */
export function parseSlidingWindowReply(reply: unknown): SlidingWindowReply {
  if (
    !Array.isArray(reply) ||
    (reply.length !== 3 && reply.length !== 4) ||
    !reply.slice(0, 3).every((item): item is number => Number.isInteger(item)) ||
    (reply.length === 4 && (typeof reply[3] !== 'string' || reply[0] !== 1))
  ) {
    throw new Error('the rate-limit script answered an unexpected reply');
  }
  const [allowed, count, retryAfterMs, member] = reply as [number, number, number, string?];
  return {
    allowed: allowed === 1,
    count,
    retryAfterMs,
    ...(member === undefined ? {} : { member }),
  };
}
