import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@dify/queue-contracts';
import { TokenRevocationModule } from '../revocation/token-revocation.module';
import { TokenUsageRecorder } from '../usage/token-usage-recorder.service';
import { BearerCacheModule } from './bearer-cache.module';
import { BearerResolver } from './bearer-resolver.service';

/**
 * What the gateway (api) does with tokens: resolve a presented bearer (BearerResolver), record
 * its use (TokenUsageRecorder, the `token-usage` producer registered here) and revoke the
 * account's own tokens (TokenRevoker, re-exported from TokenRevocationModule). It never mints,
 * so it takes no settings.
 *
 * Needs, from the importing app: the global DbModule and RedisModule, BullMQ's root connection
 * (PlatformModule) and an `AuditSink` from a global module.
 */
@Module({
  imports: [
    BullModule.registerQueue({ name: QUEUES.tokenUsage }),
    BearerCacheModule,
    TokenRevocationModule,
  ],
  providers: [BearerResolver, TokenUsageRecorder],
  exports: [BearerResolver, TokenUsageRecorder, TokenRevocationModule],
})
export class BearerResolutionModule {}
