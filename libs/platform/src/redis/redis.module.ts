import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import Redis from 'ioredis';
import type { HealthIndicator } from '../health/health-indicator';
import { failFastRedisOptions, type RedisSettings } from './redis-connection';
import { watchRedisConnection } from './redis-connection-watch';
import { REDIS } from './redis.token';

export { REDIS };

@Injectable()
export class RedisHealthIndicator implements HealthIndicator {
  readonly name = 'redis';

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async check(): Promise<void> {
    await this.redis.ping();
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    // quit() lets queued commands finish; a client that is not connected has nothing to finish
    // and would otherwise keep reconnecting.
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
  }
}

// Start-up waits this long for the first connection; past it the process starts anyway and
// reports not-ready until Redis answers.
const FIRST_CONNECT_WAIT_MS = 3_000;

/**
 * The shared client, fail-fast (see failFastRedisOptions). Without an offline queue a command
 * sent before the first connection would fail, so start-up waits briefly for it.
 */
async function connectedClient(settings: RedisSettings): Promise<Redis> {
  const client = new Redis({
    ...failFastRedisOptions(settings.url),
    keyPrefix: settings.keyPrefix,
    // Commands issued in the same tick by concurrent requests share one write.
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  watchRedisConnection(client, 'main');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS);
    client.once('ready', done);
    function done(): void {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
  });
  return client;
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(settings: RedisSettings): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: () => connectedClient(settings),
        },
        RedisHealthIndicator,
        RedisLifecycle,
      ],
      exports: [REDIS, RedisHealthIndicator],
    };
  }
}
