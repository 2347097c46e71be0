export interface BatchLimits {
  /** A batch is written as soon as it holds this many items. */
  readonly maxSize: number;
  /** …or this long after its first item arrived, whichever comes first. */
  readonly maxWaitMs: number;
}

/** One caller's item in a batch, with the settlement of the promise `enqueue` handed it. */
export interface BatchedItem<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the items of concurrent queue jobs into one write per batch. Each `enqueue` settles only
 * once the write holding its item has (the subclass settles it in `writeBatch`), so a job
 * completes when its item is stored, and a failed write fails exactly the jobs it held, which
 * BullMQ retries.
 *
 * Because every job waits here, a consumer running C jobs at once can never hand over more than C
 * items; once all C are waiting nothing else can arrive, so the batch is written at once instead
 * of idling until the deadline. `expectConcurrency` tells the batcher C.
 */
export abstract class WriteBatcher<Item, Result> {
  private pending: BatchedItem<Item, Result>[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Items handed to `enqueue` whose promise has not settled: pending plus being written. */
  private unsettled = 0;
  private concurrency = Number.POSITIVE_INFINITY;
  private readonly writes = new Set<Promise<void>>();

  protected constructor(private readonly limits: BatchLimits) {}

  /** Writes one batch and settles every item of it, resolved or rejected; never throws. */
  protected abstract writeBatch(batch: readonly BatchedItem<Item, Result>[]): Promise<void>;

  /** How many `enqueue` calls the consumer can have waiting at once (its job concurrency). */
  expectConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, concurrency);
  }

  /** Writes whatever is pending now and waits for every write in flight. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.writes]);
  }

  protected enqueue(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.unsettled += 1;
      if (this.pending.length >= this.limits.maxSize || this.unsettled >= this.concurrency) {
        this.flush();
      } else {
        this.timer ??= setTimeout(() => this.flush(), this.limits.maxWaitMs);
      }
    });
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

  private async write(batch: readonly BatchedItem<Item, Result>[]): Promise<void> {
    try {
      await this.writeBatch(batch);
    } catch (error) {
      // writeBatch settles its items; this only keeps a broken subclass from hanging its callers.
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.unsettled -= batch.length;
    }
  }
}
