import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.token';
import { RateLimitExceededError, retryAfterSecondsFor } from './rate-limit-exceeded.error';
import {
  parseSlidingWindowReply,
  SLIDING_WINDOW_COMMAND,
  SLIDING_WINDOW_LUA,
  type SlidingWindowMode,
  type SlidingWindowReply,
} from './sliding-window.script';

/** The answer of `hit` and `check`. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Entries in the window after the call; an allowed `hit` counts its own entry. */
  readonly count: number;
  /** How many more entries the window admits; 0 when limited. */
  readonly remaining: number;
  /** 0 when allowed; otherwise how long until the bucket admits again, in Redis-clock ms. */
  readonly retryAfterMs: number;
  /** 0 when allowed; otherwise `Retry-After`: whole seconds, rounded up, at least 1. */
  readonly retryAfterSeconds: number;
  /** The entry an allowed `hit` added; `release` takes it back. */
  readonly member?: string;
}

// Window entries must be unique within their key, not secret (`release` hands one back). A random
// tag per process and a counter keep them unique across processes without a CSPRNG call per
// request: 16 hex characters, like the 8 random bytes they replace.
const MEMBER_TAG = randomBytes(4).toString('hex');
let memberCounter = 0;

function nextMember(): string {
  memberCounter = (memberCounter + 1) >>> 0;
  return `${MEMBER_TAG}${memberCounter.toString(16).padStart(8, '0')}`;
}

/** The shared client once the script is defined on it; ioredis adds the method at run time. */
type ScriptedRedis = Redis & {
  [SLIDING_WINDOW_COMMAND]: (
    key: string,
    mode: SlidingWindowMode,
    limit: number,
    windowMs: number,
    member: string,
  ) => Promise<unknown>;
};

/**
 * Sliding-window rate limits (docs/device-flow.md, "Rate limits"). Each call is one script round
 * trip on one key.
 *
 * Keys are given without the deployment prefix (each feature builds its own with
 * `rateLimitBucket`): the injected client has `keyPrefix` set, and ioredis applies it to script
 * KEYS too. Redis failures propagate: whether a route fails open or closed is the caller's
 * decision, not a silent default here.
 */
@Injectable()
export class RateLimiter {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    // Defined once per client; ioredis then calls it by SHA and reloads it after a NOSCRIPT.
    // Redefining on the same client (a second instance) replaces an identical definition.
    redis.defineCommand(SLIDING_WINDOW_COMMAND, { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
    this.redis = redis as ScriptedRedis;
  }

  /** Counts a request against the bucket when the bucket has room; a limited hit records nothing. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    return this.decide(key, 'hit', limit, windowSeconds);
  }

  /** Answers what `hit` would, without recording anything. */
  check(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    return this.decide(key, 'check', limit, windowSeconds);
  }

  /** Records one entry whatever the count; answers the count in the window, this entry included. */
  async record(key: string, windowSeconds: number): Promise<number> {
    const reply = await this.run(key, 'record', 0, windowSeconds);
    return reply.count;
  }

  /** `hit`, throwing `RateLimitExceededError` when the bucket is spent. */
  async enforce(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const decision = await this.hit(key, limit, windowSeconds);
    if (!decision.allowed) throw new RateLimitExceededError(decision.retryAfterMs);
    return decision;
  }

  /**
   * Takes back one entry an allowed `hit` added (its decision's `member`): for a bucket that
   * counts attempts up front and forgives the ones that turned out fine.
   */
  async release(key: string, member: string): Promise<void> {
    assertKey(key);
    await this.redis.zrem(key, member);
  }

  /**
   * Empties a bucket. Meant for the console sign-in lockout (a successful sign-in forgives earlier
   * failures). The device buckets (docs/device-flow.md, "Rate limits") are never reset: there,
   * success never clears failures.
   */
  async reset(key: string): Promise<void> {
    assertKey(key);
    await this.redis.del(key);
  }

  private async decide(
    key: string,
    mode: 'hit' | 'check',
    limit: number,
    windowSeconds: number,
  ): Promise<RateLimitDecision> {
    // A limit of 0 has no meaning here; a setting where 0 disables a limit must skip the call.
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`a rate limit must be a positive integer, got ${limit}`);
    }
    const reply = await this.run(key, mode, limit, windowSeconds);
    return {
      allowed: reply.allowed,
      limit,
      count: reply.count,
      remaining: reply.allowed ? Math.max(0, limit - reply.count) : 0,
      retryAfterMs: reply.allowed ? 0 : reply.retryAfterMs,
      retryAfterSeconds: reply.allowed ? 0 : retryAfterSecondsFor(reply.retryAfterMs),
      ...(reply.member === undefined ? {} : { member: reply.member }),
    };
  }

  private async run(
    key: string,
    mode: SlidingWindowMode,
    limit: number,
    windowSeconds: number,
  ): Promise<SlidingWindowReply> {
    assertKey(key);
    const windowMs = Math.round(windowSeconds * 1_000);
    if (!Number.isFinite(windowSeconds) || windowMs < 1) {
      throw new RangeError(`a rate-limit window must be a positive number of seconds`);
    }
    const member = nextMember();
    return parseSlidingWindowReply(
      await this.redis[SLIDING_WINDOW_COMMAND](key, mode, limit, windowMs, member),
    );
  }
}

function assertKey(key: string): void {
  if (key.length === 0) throw new RangeError('a rate-limit key must not be empty');
}
