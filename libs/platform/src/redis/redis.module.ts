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
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { redisOptionsFromUrl, type RedisSettings } from './redis-connection';
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

@Global()
@Module({})
export class RedisModule {
  static forRoot(settings: RedisSettings): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          useFactory: () =>
            new Redis({
              ...redisOptionsFromUrl(settings.url),
              keyPrefix: settings.keyPrefix,
              // Fail a command quickly while Redis is down instead of queueing it forever.
              maxRetriesPerRequest: 2,
              // Commands issued in the same tick by concurrent requests share one write.
              enableAutoPipelining: true,
              lazyConnect: false,
            }),
        },
        RedisHealthIndicator,
        RedisLifecycle,
        RateLimiter,
      ],
      exports: [REDIS, RedisHealthIndicator, RateLimiter],
    };
  }
}
