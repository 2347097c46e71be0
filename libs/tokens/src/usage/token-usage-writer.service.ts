import { Injectable } from '@nestjs/common';
import { OAuthAccessTokenRepository, type TokenUse } from '@dify/db';

/**
 * The worker's side of `last_used_at` (docs/tokens.md, "Usage tracking"): a batch of touches in one
 * statement.
 */
@Injectable()
export class TokenUsageWriter {
  constructor(private readonly tokens: OAuthAccessTokenRepository) {}

  /** Answers how many rows moved forward; `last_used_at` never moves backwards. */
  write(touches: readonly TokenUse[]): Promise<number> {
    return this.tokens.recordUses(touches);
  }
}
