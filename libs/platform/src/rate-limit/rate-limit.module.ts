import { Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter.service';

/**
 * The sliding-window rate limiter, for the modules that spend buckets. It runs on the shared
 * Redis client, so the importing app supplies the global RedisModule (PlatformModule does).
 */
@Module({
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitModule {}
