import type { QueueOptions } from 'bullmq';
import {
  bullPrefix,
  failFastRedisOptions,
  redisOptionsFromUrl,
  type RedisSettings,
} from '../redis/redis-connection';

/** A process that only adds jobs (api, auth, beat), or one that also consumes them (worker). */
export type QueueRole = 'producer' | 'consumer';

/**
 * Root BullMQ options for `BullModule.forRoot`. A producer adds jobs while serving requests, so
 * its connection fails fast like the main client: an enqueue during an outage fails at once
 * instead of holding the request until Redis is back. A consumer keeps BullMQ's defaults (its
 * blocking reads must not time out, and queued commands resume its work after an outage) but
 * reconnects as quickly. Workers need `maxRetriesPerRequest: null` on their blocking connection;
 * BullMQ sets that itself when it is handed options rather than a client.
 */
export function bullRootOptions(
  settings: RedisSettings,
  role: QueueRole = 'producer',
): QueueOptions {
  const connection =
    role === 'producer'
      ? failFastRedisOptions(settings.url)
      : {
          ...redisOptionsFromUrl(settings.url),
          retryStrategy: (attempt: number) => Math.min(50 * attempt, 250),
        };
  return { connection, prefix: bullPrefix(settings.keyPrefix) };
}
