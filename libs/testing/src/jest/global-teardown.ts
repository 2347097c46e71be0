import { deleteKeysWithPrefix } from '../redis-keys';
import { dropDatabase } from '../test-database';

/** Drops the run's database and deletes its Redis keys, unless KEEP_TEST_DATA asks to inspect them. */
export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_TEST_DATA === 'true') return;
  const serverUrl = process.env.TEST_DATABASE_SERVER_URL;
  const name = process.env.TEST_DATABASE_NAME;
  const redisUrl = process.env.REDIS_URL;
  const prefix = process.env.REDIS_KEY_PREFIX;
  if (serverUrl && name) await dropDatabase(serverUrl, name);
  if (redisUrl && prefix) await deleteKeysWithPrefix(redisUrl, prefix);
}
