import type { QueueOptions } from 'bullmq';
import { bullPrefix, redisOptionsFromUrl, type RedisSettings } from '../redis/redis-connection';

/**
 * Root BullMQ options for `BullModule.forRoot`. Workers need `maxRetriesPerRequest: null` on their
 * blocking connection; BullMQ sets that itself when it is handed options rather than a client.
 */
export function bullRootOptions(settings: RedisSettings): QueueOptions {
  return {
    connection: redisOptionsFromUrl(settings.url),
    prefix: bullPrefix(settings.keyPrefix),
  };
}
