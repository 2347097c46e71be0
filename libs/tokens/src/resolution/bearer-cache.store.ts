import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@dify/platform';
import type Redis from 'ioredis';
import { BEARER_CACHE_INVALID, BEARER_CACHE_SECONDS, TOKEN_KEYS } from '../token-keys.constants';

/**
 * How long a revoked or replaced token's entry stays `invalid` after its revoker wrote it: twice
 * the positive TTL, so it outlives every resolution that could still be in flight (see
 * `MAX_RESOLUTION_AGE_MS`).
 */
export const BEARER_TOMBSTONE_SECONDS = BEARER_CACHE_SECONDS.positive * 2;

/**
 * A resolution older than this (from its cache read to its cache write) writes nothing: it may
 * have outlived the tombstone of a revocation that committed after its lookup.
 */
export const MAX_RESOLUTION_AGE_MS = (BEARER_TOMBSTONE_SECONDS * 1_000) / 2;

/**
 * One script, one key (`auth:token:<hash>`). Modes:
 * - `put` value ttl: write the entry unless the key holds `invalid`. A revoker writes `invalid`
 *   after its commit, so a resolution that looked the row up before that commit can never put a
 *   positive entry back over it, whatever the interleaving; and a short negative entry never
 *   shortens a revocation's longer one.
 * - `drop` expected: delete the key only while it still holds `expected` (an entry found past its
 *   `expires_at`), never a tombstone written meanwhile.
 * Reply 1 when it wrote or deleted, else 0.
 */
const BEARER_CACHE_LUA = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == 'put' then
  if current == ARGV[4] then
    return 0
  end
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
if current == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

const BEARER_CACHE_COMMAND = 'bearerCacheWrite';

type ScriptedRedis = Redis & {
  [BEARER_CACHE_COMMAND]: (key: string, ...args: (string | number)[]) => Promise<unknown>;
};

/**
 * The bearer cache (`auth:token:<sha256 hex>`): positive entries and `invalid`, written by
 * resolution; tombstones written by revocation and rotation. Redis failures propagate: each
 * caller decides whether a failed write matters.
 */
@Injectable()
export class BearerCacheStore {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    redis.defineCommand(BEARER_CACHE_COMMAND, { numberOfKeys: 1, lua: BEARER_CACHE_LUA });
    this.redis = redis as ScriptedRedis;
  }

  read(tokenHash: string): Promise<string | null> {
    return this.redis.get(TOKEN_KEYS.bearer(tokenHash));
  }

  /** Writes a resolution's answer unless the token was revoked meanwhile. */
  async put(tokenHash: string, value: string, ttlSeconds: number): Promise<boolean> {
    const reply = await this.redis[BEARER_CACHE_COMMAND](
      TOKEN_KEYS.bearer(tokenHash),
      'put',
      value,
      ttlSeconds,
      BEARER_CACHE_INVALID,
    );
    return reply === 1;
  }

  /** Deletes the entry only while it still holds `expected`. */
  async drop(tokenHash: string, expected: string): Promise<boolean> {
    const reply = await this.redis[BEARER_CACHE_COMMAND](
      TOKEN_KEYS.bearer(tokenHash),
      'drop',
      expected,
    );
    return reply === 1;
  }

  /**
   * Marks a token dead after the commit that killed it (revocation, rotation, compensation).
   * Unconditional: it replaces whatever a resolution cached before.
   */
  async tombstone(tokenHash: string): Promise<void> {
    await this.redis.set(
      TOKEN_KEYS.bearer(tokenHash),
      BEARER_CACHE_INVALID,
      'EX',
      BEARER_TOMBSTONE_SECONDS,
    );
  }

  /** Forgets whatever is cached, tombstone included: a compensation gave the token back. */
  async forget(tokenHash: string): Promise<void> {
    await this.redis.del(TOKEN_KEYS.bearer(tokenHash));
  }
}
