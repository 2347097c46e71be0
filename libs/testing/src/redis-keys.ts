import Redis from 'ioredis';

/** Deletes every key under a test run's prefix (SCAN, never KEYS, so a shared server stays responsive). */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix) throw new Error('refusing to delete keys without a prefix');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    // SCAN walks the whole keyspace whatever the pattern: on a Redis shared with other runs that
    // holds many keys, large steps keep a clean-up to a few round trips instead of thousands.
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
