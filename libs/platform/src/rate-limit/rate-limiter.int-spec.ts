import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '@dify/domain';
import Redis from 'ioredis';
import { redisOptionsFromUrl } from '../redis/redis-connection';
import { RateLimitExceededError } from './rate-limit-exceeded.error';
import { RateLimiter } from './rate-limiter.service';
import { SLIDING_WINDOW_LUA } from './sliding-window.script';

// `@dify/testing` depends on `@dify/platform`, so importing it here would make the two projects a
// cycle in the Nx graph. The run's Redis URL and key prefix come from the same Jest global setup.
function runRedis(): { url: string; keyPrefix: string } {
  const url = process.env.REDIS_URL;
  const keyPrefix = process.env.REDIS_KEY_PREFIX;
  if (!url || !keyPrefix) {
    throw new Error('the test environment is not prepared; run tests through jest.int.config.js');
  }
  return { url, keyPrefix };
}

describe('RateLimiter (real Redis)', () => {
  const { url: redisUrl, keyPrefix: runPrefix } = runRedis();
  const clients: Redis[] = [];
  let redis: Redis;
  let raw: Redis;
  let limiter: RateLimiter;
  let prefix: string;

  /** A prefix under the run's own that no other test touches. */
  function isolatedPrefix(label: string): string {
    return `${runPrefix}${label}-${randomBytes(3).toString('hex')}:`;
  }

  function clientWithPrefix(keyPrefix: string): Redis {
    const client = new Redis({ ...redisOptionsFromUrl(redisUrl), keyPrefix });
    clients.push(client);
    return client;
  }

  /** Milliseconds on the Redis clock, the one the script uses. */
  async function redisNowMs(): Promise<number> {
    const [seconds, micros] = await raw.time();
    return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  }

  /** Waits on the Redis clock, never longer than the time still missing. */
  async function untilRedisMs(target: number): Promise<void> {
    for (let now = await redisNowMs(); now < target; now = await redisNowMs()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(target - now, 50)));
    }
  }

  async function entries(key: string): Promise<{ member: string; score: number }[]> {
    const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
    const result: { member: string; score: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      result.push({ member: flat[i], score: Number(flat[i + 1]) });
    }
    return result;
  }

  /** Every key under a prefix, as Redis names it (SCAN ignores ioredis' keyPrefix). */
  async function keysUnder(keyPrefix: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found.sort();
  }

  async function deleteKeysUnder(keyPrefix: string): Promise<void> {
    const keys = await keysUnder(keyPrefix);
    if (keys.length > 0) await raw.unlink(...keys);
  }

  beforeAll(() => {
    prefix = isolatedPrefix('rate-limit');
    redis = clientWithPrefix(prefix);
    raw = new Redis(redisUrl);
    clients.push(raw);
    limiter = new RateLimiter(redis);
  });

  afterAll(async () => {
    await deleteKeysUnder(prefix);
    await Promise.all(clients.map((client) => client.quit()));
  });

  it('allows up to the limit, then answers limited with a Retry-After within the window', async () => {
    const key = 'rl:test:up-to-limit';
    const allowed = [];
    for (let i = 0; i < 3; i += 1) allowed.push(await limiter.hit(key, 3, 60));

    expect(allowed.map((d) => [d.allowed, d.count, d.remaining, d.retryAfterSeconds])).toEqual([
      [true, 1, 2, 0],
      [true, 2, 1, 0],
      [true, 3, 0, 0],
    ]);
    const limited = await limiter.hit(key, 3, 60);
    expect(limited).toMatchObject({ allowed: false, limit: 3, count: 3, remaining: 0 });
    // The oldest entry is a few ms old, so the wait is just under the 60 s window, rounded up.
    expect(limited.retryAfterSeconds).toBe(60);
    expect(limited.retryAfterMs).toBeGreaterThan(55_000);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('records nothing for a limited hit', async () => {
    const key = 'rl:test:limited-records-nothing';
    await limiter.hit(key, 2, 60);
    await limiter.hit(key, 2, 60);
    const before = await entries(key);
    const ttlBefore = await redis.pttl(key);

    for (let i = 0; i < 5; i += 1) {
      expect((await limiter.hit(key, 2, 60)).allowed).toBe(false);
    }

    expect(await entries(key)).toEqual(before);
    // Not even the expiry moves: a client hammering a spent bucket cannot keep it alive.
    expect(await redis.pttl(key)).toBeLessThanOrEqual(ttlBefore);
  });

  it('rounds Retry-After up to whole seconds from the oldest entry', async () => {
    const key = 'rl:test:retry-after';
    await limiter.hit(key, 1, 2);
    const limited = await limiter.hit(key, 1, 2);
    const [oldest] = await entries(key);
    const now = await redisNowMs();

    expect(limited.allowed).toBe(false);
    expect(limited.retryAfterMs).toBeGreaterThanOrEqual(oldest.score + 2_000 - now);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect(limited.retryAfterSeconds).toBe(Math.ceil(limited.retryAfterMs / 1_000));
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('slides: an entry leaves the window when it ages out, later entries stay', async () => {
    const key = 'rl:test:sliding';
    const first = await limiter.hit(key, 2, 2);
    const [firstEntry] = await entries(key);
    await untilRedisMs(firstEntry.score + 1_000);
    const second = await limiter.hit(key, 2, 2);
    const limited = await limiter.hit(key, 2, 2);

    expect([first.allowed, second.allowed, limited.allowed]).toEqual([true, true, false]);
    expect(limited.retryAfterSeconds).toBe(1);

    // Until the first entry ages out the bucket stays spent; once it has, a fixed window
    // would start again from zero, but a sliding one frees exactly that entry's slot.
    expect((await limiter.check(key, 2, 2)).allowed).toBe(false);
    await untilRedisMs(firstEntry.score + 2_000);
    expect(await limiter.check(key, 2, 2)).toMatchObject({ allowed: true, count: 1 });

    expect((await limiter.hit(key, 2, 2)).allowed).toBe(true);
    expect((await limiter.hit(key, 2, 2)).allowed).toBe(false);
    expect((await entries(key)).map((e) => e.score)).not.toContain(firstEntry.score);
  });

  it('check never records, and answers what hit would', async () => {
    const key = 'rl:test:check';
    const empty = await limiter.check(key, 2, 60);
    expect(empty).toMatchObject({ allowed: true, count: 0, remaining: 2, retryAfterSeconds: 0 });
    expect(await redis.exists(key)).toBe(0);

    await limiter.hit(key, 2, 60);
    expect(await limiter.check(key, 2, 60)).toMatchObject({
      allowed: true,
      count: 1,
      remaining: 1,
    });
    await limiter.hit(key, 2, 60);
    const spent = await limiter.check(key, 2, 60);
    expect(spent).toMatchObject({ allowed: false, count: 2, remaining: 0 });
    expect(spent.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    expect(await redis.zcard(key)).toBe(2);
  });

  it('record records without checking, and a later hit or check sees it', async () => {
    const key = 'rl:test:record';
    const counts = [];
    for (let i = 0; i < 5; i += 1) counts.push(await limiter.record(key, 60));

    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(await redis.zcard(key)).toBe(5);
    expect((await limiter.check(key, 3, 60)).allowed).toBe(false);
    expect((await limiter.hit(key, 3, 60)).allowed).toBe(false);
    expect((await limiter.check(key, 6, 60)).allowed).toBe(true);
  });

  it('measures the wait to the entry that brings an over-full bucket back under its limit', async () => {
    const key = 'rl:test:over-full';
    await limiter.record(key, 2);
    const [first] = await entries(key);
    await untilRedisMs(first.score + 600);
    await limiter.record(key, 2);
    const [, second] = await entries(key);

    const before = await redisNowMs();
    const limited = await limiter.check(key, 1, 2);
    const after = await redisNowMs();

    // Two entries against a limit of one: the second entry's expiry, not the first's, readmits.
    expect(limited.allowed).toBe(false);
    expect(limited.retryAfterMs).toBeGreaterThanOrEqual(second.score + 2_000 - after);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(second.score + 2_000 - before);
    expect(limited.retryAfterMs).toBeGreaterThan(first.score + 2_000 - before);
  });

  it('sets the bucket to expire after twice the window on every recorded entry', async () => {
    const hitKey = 'rl:test:ttl-hit';
    await limiter.hit(hitKey, 5, 30);
    const hitTtl = await redis.pttl(hitKey);
    expect(hitTtl).toBeGreaterThan(59_000);
    expect(hitTtl).toBeLessThanOrEqual(60_000);

    const recordKey = 'rl:test:ttl-record';
    await limiter.record(recordKey, 2);
    const recordTtl = await redis.pttl(recordKey);
    expect(recordTtl).toBeGreaterThan(3_000);
    expect(recordTtl).toBeLessThanOrEqual(4_000);
  });

  it('touches exactly one key, a sorted set of `<ms>-<random>` members scored by the Redis clock', async () => {
    const isolated = isolatedPrefix('rate-limit-one-key');
    const own = new RateLimiter(clientWithPrefix(isolated));
    const key = 'rl:test:one-key';
    try {
      const start = await redisNowMs();
      await own.hit(key, 2, 60);
      await own.check(key, 2, 60);
      await own.record(key, 60);
      await own.hit(key, 2, 60);
      await own.check(key, 2, 60);
      const end = await redisNowMs();

      expect(await keysUnder(isolated)).toEqual([`${isolated}${key}`]);
      expect(await raw.type(`${isolated}${key}`)).toBe('zset');

      const flat = await raw.zrange(`${isolated}${key}`, 0, -1, 'WITHSCORES');
      expect(flat).toHaveLength(4);
      for (let i = 0; i < flat.length; i += 2) {
        const member = flat[i];
        const score = Number(flat[i + 1]);
        expect(member).toMatch(/^\d{13}-[0-9a-f]{16}$/);
        expect(member.split('-')[0]).toBe(String(score));
        expect(score).toBeGreaterThanOrEqual(start);
        expect(score).toBeLessThanOrEqual(end);
      }
    } finally {
      await deleteKeysUnder(isolated);
    }
  });

  it('answers each call with one EVALSHA round trip whose script reads TIME and names only the bucket', async () => {
    const key = 'rl:test:one-round-trip';
    const bucket = `${prefix}${key}`;
    const sentinel = `${prefix}rl:test:monitor-sentinel`;
    // ioredis sends the full script once per connection, then only its SHA.
    await limiter.check(key, 1, 60);
    const feed: { args: string[]; fromScript: boolean }[] = [];
    const monitor = await raw.monitor();
    try {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        feed.push({ args, fromScript: source === 'lua' });
      });
      await limiter.hit(key, 1, 60);
      await limiter.hit(key, 1, 60);
      await limiter.check(key, 1, 60);
      await limiter.record(key, 60);
      await raw.get(sentinel);
      // MONITOR reports asynchronously; the sentinel, sent last, marks the end of our commands.
      const deadline = Date.now() + 5_000;
      while (!feed.some(({ args }) => args.includes(sentinel))) {
        if (Date.now() > deadline) throw new Error('MONITOR never reported the sentinel');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      monitor.disconnect();
    }

    const sha = createHash('sha1').update(SLIDING_WINDOW_LUA).digest('hex');
    const calls = feed.flatMap((event, index) =>
      !event.fromScript && event.args.includes(bucket) ? [index] : [],
    );
    expect(calls.map((index) => feed[index].args.slice(0, 4))).toEqual(
      Array.from({ length: 4 }, () => [expect.stringMatching(/^evalsha$/i), sha, '1', bucket]),
    );
    // Redis runs a script atomically, so the commands it issued follow its call in the feed.
    for (const index of calls) {
      const inner: string[][] = [];
      for (let next = index + 1; next < feed.length && feed[next].fromScript; next += 1) {
        inner.push(feed[next].args);
      }
      expect(inner[0]).toEqual(['TIME']);
      expect(inner.slice(1).every((args) => args[1] === bucket)).toBe(true);
    }
  });

  it('allows exactly the limit out of many concurrent hits from several clients', async () => {
    const key = 'rl:test:concurrent';
    const limiters = Array.from({ length: 5 }, () => new RateLimiter(clientWithPrefix(prefix)));

    const decisions = await Promise.all(
      limiters.flatMap((each) => Array.from({ length: 10 }, () => each.hit(key, 10, 60))),
    );

    expect(decisions).toHaveLength(50);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds >= 1)).toBe(true);
    expect(await redis.zcard(key)).toBe(10);
  });

  it('enforce passes while there is room and then throws a rate_limited DomainError', async () => {
    const key = 'rl:test:enforce';
    await expect(limiter.enforce(key, 1, 60)).resolves.toMatchObject({ allowed: true, count: 1 });

    const error: unknown = await limiter.enforce(key, 1, 60).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitExceededError);
    expect(error).toBeInstanceOf(DomainError);
    const limited = error as RateLimitExceededError;
    expect(limited.code).toBe('rate_limited');
    expect(limited.retryAfterSeconds).toBe(60);
    expect(limited.details).toEqual({ retry_after_ms: limited.retryAfterMs });
    expect(await redis.zcard(key)).toBe(1);
  });

  it('reset empties a bucket, so the next hit starts from zero', async () => {
    const key = 'rl:test:reset';
    await limiter.hit(key, 1, 60);
    expect((await limiter.hit(key, 1, 60)).allowed).toBe(false);

    await limiter.reset(key);

    expect(await redis.exists(key)).toBe(0);
    expect(await limiter.hit(key, 1, 60)).toMatchObject({ allowed: true, count: 1 });
  });

  it('refuses a meaningless limit, window or key before sending anything', async () => {
    const key = 'rl:test:invalid';
    await expect(limiter.hit(key, 0, 60)).rejects.toThrow(RangeError);
    await expect(limiter.check(key, 1.5, 60)).rejects.toThrow(RangeError);
    await expect(limiter.hit(key, 1, 0)).rejects.toThrow(RangeError);
    await expect(limiter.record(key, Number.NaN)).rejects.toThrow(RangeError);
    await expect(limiter.hit('', 1, 60)).rejects.toThrow(RangeError);
    await expect(limiter.reset('')).rejects.toThrow(RangeError);
    expect(await redis.exists(key)).toBe(0);
  });

  it('applies the client key prefix, and only it, to the bucket key', async () => {
    await limiter.hit('rl:test:prefixed', 1, 60);
    expect(await keysUnder(prefix)).toContain(`${prefix}rl:test:prefixed`);
    expect(await raw.exists('rl:test:prefixed')).toBe(0);
  });
});
