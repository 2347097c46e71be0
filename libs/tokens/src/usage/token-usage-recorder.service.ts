import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { REDIS } from '@dify/platform';
import { enqueue, JOBS, QUEUES, type TokenTouchPayload } from '@dify/queue-contracts';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { TOKEN_KEYS, TOUCH_INTERVAL_SECONDS } from '../token-keys.constants';
import { TokenTouchMemo } from './token-touch.memo';

// Enough for every token a busy gateway sees in a minute; beyond it the Redis key still dedupes.
const MEMO_CAPACITY = 10_000;

/**
 * The gateway's side of `last_used_at` (docs/tokens.md, "Usage tracking"): at most once a minute
 * per token, first by an in-process memo, then by `SET auth:touch:<id> NX EX 60` across gateways,
 * and only the winner enqueues `token.touch`. Usage tracking must never fail a request, so nothing
 * here throws.
 */
@Injectable()
export class TokenUsageRecorder {
  private readonly logger = new Logger(TokenUsageRecorder.name);
  private readonly memo = new TokenTouchMemo(TOUCH_INTERVAL_SECONDS * 1_000, MEMO_CAPACITY);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectQueue(QUEUES.tokenUsage) private readonly queue: Queue,
  ) {}

  async noteUse(tokenId: string, usedAt: Date = new Date()): Promise<void> {
    if (!this.memo.claim(tokenId, usedAt.getTime())) return;
    try {
      const won = await this.redis.set(
        TOKEN_KEYS.touch(tokenId),
        '1',
        'EX',
        TOUCH_INTERVAL_SECONDS,
        'NX',
      );
      if (won !== 'OK') return;
      const payload: TokenTouchPayload = { tokenId, usedAt: usedAt.toISOString() };
      await enqueue(this.queue, JOBS.tokenTouch, payload);
    } catch (error) {
      // A lost touch leaves last_used_at a minute stale; the next use after the interval tries
      // again.
      this.logger.warn({ err: error, token_id: tokenId }, 'token touch could not be recorded');
    }
  }
}
