import { Module } from '@nestjs/common';
import { BearerCacheStore } from './bearer-cache.store';

/**
 * The bearer cache store, shared by every module that reads or invalidates `auth:token:*`.
 * Needs the global RedisModule.
 */
@Module({
  providers: [BearerCacheStore],
  exports: [BearerCacheStore],
})
export class BearerCacheModule {}
