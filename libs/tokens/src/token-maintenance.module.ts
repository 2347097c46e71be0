import { Module } from '@nestjs/common';
import { TokenRetentionService } from './token-retention.service';
import { TokenTouchBatcher } from './usage/token-touch-batcher.service';
import { TokenUsageWriter } from './usage/token-usage-writer.service';

/**
 * What the worker does to `oauth_access_tokens`: write `last_used_at` in batches
 * (TokenTouchBatcher over TokenUsageWriter, for the `token-usage` queue) and purge retired rows
 * (TokenRetentionService, for `tokens.purge-retention`). Needs only the global DbModule: no
 * Redis, no settings, no audit.
 */
@Module({
  providers: [TokenRetentionService, TokenTouchBatcher, TokenUsageWriter],
  exports: [TokenRetentionService, TokenTouchBatcher],
})
export class TokenMaintenanceModule {}
