/**
 * What the Jest global setup prepared for this run: a freshly migrated database and a Redis key
 * prefix of its own. Tests read it here rather than from scattered process.env lookups.
 */
export interface TestEnvironment {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly keyPrefix: string;
}

export function testEnvironment(): TestEnvironment {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  const keyPrefix = process.env.REDIS_KEY_PREFIX;
  if (!databaseUrl || !redisUrl || !keyPrefix) {
    throw new Error('the test environment is not prepared; run tests through the jest configs');
  }
  return { databaseUrl, redisUrl, keyPrefix };
}

/** A prefix nested under the run's own, for a test that needs Redis state nobody else touches. */
export function isolatedKeyPrefix(label: string): string {
  return `${testEnvironment().keyPrefix}${label}-${Math.random().toString(36).slice(2, 8)}:`;
}
