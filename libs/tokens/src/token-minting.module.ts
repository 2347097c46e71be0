import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { QUEUES } from '@dify/queue-contracts';
import { TokenIssuer } from './issuing/token-issuer.service';
import { BearerCacheStore } from './resolution/bearer-cache.store';
import { BearerResolver } from './resolution/bearer-resolver.service';
import { AccountTokenRevoker } from './revocation/account-token-revoker.service';
import { TokenRevoker } from './revocation/token-revoker.service';
import { DEFAULT_TOKEN_MINTING_SETTINGS, type TokenMintingSettings } from './token-minting.env';
import { TOKEN_MINTING_SETTINGS } from './token-minting.tokens';
import { TokenRetentionService } from './token-retention.service';
import { TokenTouchBatcher } from './usage/token-touch-batcher.service';
import { TokenUsageRecorder } from './usage/token-usage-recorder.service';
import { TokenUsageWriter } from './usage/token-usage-writer.service';

const SERVICES = [
  AccountTokenRevoker,
  BearerCacheStore,
  BearerResolver,
  TokenIssuer,
  TokenRevoker,
  TokenTouchBatcher,
  TokenUsageRecorder,
  TokenUsageWriter,
];

/**
 * The token lifecycle: mint and rotate, resolve, revoke, touch, purge; the only code that writes
 * `oauth_access_tokens`.
 *
 * `forRoot` needs, from the importing app: the global DbModule and RedisModule, BullMQ's root
 * connection (PlatformModule), and an `AuditSink` provider visible to this module (a global
 * module that exports it). It registers the `token-usage` queue itself for the touch producer.
 *
 * The plain class import is kept for processes that only purge (it provides just the retention
 * service and needs only the DbModule).
 */
@Module({
  providers: [TokenRetentionService],
  exports: [TokenRetentionService],
})
export class TokenMintingModule {
  static forRoot(settings: TokenMintingSettings = DEFAULT_TOKEN_MINTING_SETTINGS): DynamicModule {
    return {
      module: TokenMintingModule,
      imports: [BullModule.registerQueue({ name: QUEUES.tokenUsage })],
      providers: [
        { provide: TOKEN_MINTING_SETTINGS, useValue: Object.freeze({ ...settings }) },
        ...SERVICES,
      ],
      exports: SERVICES,
    };
  }
}
