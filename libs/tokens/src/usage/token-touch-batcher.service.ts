import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import type { TokenUse } from '@dify/db';
import { TokenUsageWriter } from './token-usage-writer.service';

export interface TouchBatchLimits {
  /** A batch is written as soon as it holds this many touches. */
  readonly maxSize: number;
  /** …or this long after its first touch arrived, whichever comes first. */
  readonly maxWaitMs: number;
}

/** Up to 500 touches or 1 s (docs/tokens.md, "Usage tracking"). */
export const DEFAULT_TOUCH_BATCH_LIMITS: TouchBatchLimits = Object.freeze({
  maxSize: 500,
  maxWaitMs: 1_000,
});

/** Injection token to override the limits (tests, or a deployment that measured otherwise). */
export const TOUCH_BATCH_LIMITS = Symbol('TOUCH_BATCH_LIMITS');

interface Waiting {
  readonly touch: TokenUse;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers `token.touch` jobs into one UPDATE per batch. Each `add` settles only once the batch
 * holding its touch has been written (or has failed), so a job completes when its touch is in
 * the table and a failed write is retried by BullMQ like any other job.
 *
 * Because every job waits here, a consumer running C jobs at once can never hand over more than C
 * touches; once all C are waiting nothing else can arrive, so the batch is written at once
 * instead of idling until the deadline. `expectConcurrency` tells the batcher C.
 */
@Injectable()
export class TokenTouchBatcher implements BeforeApplicationShutdown {
  private pending: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Touches handed to `add` whose promise has not settled: pending plus being written. */
  private unsettled = 0;
  private concurrency = Number.POSITIVE_INFINITY;
  private readonly writes = new Set<Promise<void>>();
  private readonly limits: TouchBatchLimits;

  constructor(
    private readonly writer: TokenUsageWriter,
    @Optional() @Inject(TOUCH_BATCH_LIMITS) limits?: TouchBatchLimits,
  ) {
    this.limits = limits ?? DEFAULT_TOUCH_BATCH_LIMITS;
  }

  /** How many `add` calls the consumer can have waiting at once (its job concurrency). */
  expectConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, concurrency);
  }

  /** Resolves once the batch holding this touch has been written; rejects if that write failed. */
  add(touch: TokenUse): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ touch, resolve, reject });
      this.unsettled += 1;
      if (this.pending.length >= this.limits.maxSize || this.unsettled >= this.concurrency) {
        this.flush();
      } else {
        this.timer ??= setTimeout(() => this.flush(), this.limits.maxWaitMs);
      }
    });
  }

  /** Writes whatever is pending now and waits for every write in flight. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.writes]);
  }

  /** Runs before the pools close, so touches already taken are not lost on a deploy. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.limits.maxSize);
      const write = this.write(batch);
      this.writes.add(write);
      void write.finally(() => this.writes.delete(write));
    }
  }

  private async write(batch: readonly Waiting[]): Promise<void> {
    try {
      await this.writer.write(batch.map((waiting) => waiting.touch));
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.unsettled -= batch.length;
    }
  }
}
