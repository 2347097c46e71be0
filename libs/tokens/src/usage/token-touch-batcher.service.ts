import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import type { TokenUse } from '@dify/db';
import { type BatchedItem, type BatchLimits, WriteBatcher } from '@dify/platform';
import { TokenUsageWriter } from './token-usage-writer.service';

export type TouchBatchLimits = BatchLimits;

/** Up to 500 touches or 1 s (docs/tokens.md, "Usage tracking"). */
export const DEFAULT_TOUCH_BATCH_LIMITS: TouchBatchLimits = Object.freeze({
  maxSize: 500,
  maxWaitMs: 1_000,
});

/** Injection token to override the limits (tests, or a deployment that measured otherwise). */
export const TOUCH_BATCH_LIMITS = Symbol('TOUCH_BATCH_LIMITS');

/**
 * Gathers `token.touch` jobs into one UPDATE per batch; each job completes when its touch is in
 * the table (the batching itself: WriteBatcher).
 */
@Injectable()
export class TokenTouchBatcher
  extends WriteBatcher<TokenUse, void>
  implements BeforeApplicationShutdown
{
  constructor(
    private readonly writer: TokenUsageWriter,
    @Optional() @Inject(TOUCH_BATCH_LIMITS) limits?: TouchBatchLimits,
  ) {
    super(limits ?? DEFAULT_TOUCH_BATCH_LIMITS);
  }

  /** Resolves once the batch holding this touch has been written; rejects if that write failed. */
  add(touch: TokenUse): Promise<void> {
    return this.enqueue(touch);
  }

  /** Runs before the pools close, so touches already taken are not lost on a deploy. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  protected async writeBatch(batch: readonly BatchedItem<TokenUse, void>[]): Promise<void> {
    try {
      await this.writer.write(batch.map((waiting) => waiting.item));
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
