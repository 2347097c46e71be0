import { createMigratedDatabase } from '../test-database';
import { ThrowawayPostgres } from './throwaway-postgres';
import { ThrowawayRedis } from './throwaway-redis';

/**
 * A Redis and a Postgres of one test's own (the database migrated), for tests that stop and
 * restart them under running services. `env` points services at them.
 */
export class ThrowawayBackends {
  private constructor(
    readonly redis: ThrowawayRedis,
    readonly postgres: ThrowawayPostgres,
    readonly databaseUrl: string,
  ) {}

  static async start(): Promise<ThrowawayBackends> {
    const [redis, postgres] = await Promise.all([
      ThrowawayRedis.start(),
      ThrowawayPostgres.start(),
    ]);
    try {
      const database = await createMigratedDatabase(postgres.serverUrl);
      return new ThrowawayBackends(redis, postgres, database.url);
    } catch (error) {
      await Promise.all([redis.destroy(), postgres.destroy()]);
      throw error;
    }
  }

  get env(): Record<string, string> {
    return { DATABASE_URL: this.databaseUrl, REDIS_URL: this.redis.url };
  }

  async destroy(): Promise<void> {
    await Promise.all([this.redis.destroy(), this.postgres.destroy()]);
  }
}
