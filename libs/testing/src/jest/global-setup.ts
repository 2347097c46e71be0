import { randomBytes } from 'node:crypto';
import { createMigratedDatabase } from '../test-database';

const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';

/**
 * Runs once before the integration or end-to-end suite: a fresh, migrated database and a Redis
 * key prefix for this run only. The values reach every test worker through process.env.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_SERVER_URL;
  const database = await createMigratedDatabase(serverUrl);
  process.env.TEST_DATABASE_SERVER_URL = serverUrl;
  process.env.TEST_DATABASE_NAME = database.name;
  process.env.DATABASE_URL = database.url;
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  process.env.REDIS_KEY_PREFIX = `test:${randomBytes(4).toString('hex')}:`;
}
