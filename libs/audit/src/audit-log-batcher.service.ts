import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import { type AuditLogRow, AuditLogRepository } from './audit-log.repository';

export interface AuditBatchLimits {
  /** A batch is written as soon as it holds this many rows. */
  readonly maxSize: number;
  /** …or this long after its first row arrived, whichever comes first. */
  readonly maxWaitMs: number;
}

/**
 * Up to 100 rows or 5 ms (docs/audit.md, "How an event travels"). The wait only matters when
 * fewer jobs run than the worker's concurrency; under load a batch is written as soon as every
 * job is waiting on it.
 */
export const DEFAULT_AUDIT_BATCH_LIMITS: AuditBatchLimits = Object.freeze({
  maxSize: 100,
  maxWaitMs: 5,
});

/** Injection token to override the limits (tests, or a deployment that measured otherwise). */
export const AUDIT_BATCH_LIMITS = Symbol('AUDIT_BATCH_LIMITS');

interface Waiting {
  readonly row: AuditLogRow;
  readonly resolve: (inserted: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the rows of concurrent `audit.record` jobs into one INSERT per batch. Each `add` settles
 * only once the statement holding its row has committed, so a job completes when its row is
 * durable, and a failed write fails exactly the jobs whose rows it held, which BullMQ retries.
 *
 * One row Postgres refuses (a payload string jsonb cannot hold, say) fails the whole statement, so
 * a failed batch is written again one row per statement: the refused row fails its own callers
 * only. The same event twice in one batch is written once; the later caller hears `false`, as it
 * would had it come second on its own.
 *
 * A consumer running C jobs at once can never hand over more than C rows; once all C wait here
 * nothing else can arrive, so the batch is written at once. `expectConcurrency` tells the batcher C.
 */
@Injectable()
export class AuditLogBatcher implements BeforeApplicationShutdown {
  private pending: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Rows handed to `add` whose promise has not settled: pending plus being written. */
  private unsettled = 0;
  private concurrency = Number.POSITIVE_INFINITY;
  private readonly writes = new Set<Promise<void>>();
  private readonly limits: AuditBatchLimits;

  constructor(
    private readonly auditLogs: AuditLogRepository,
    @Optional() @Inject(AUDIT_BATCH_LIMITS) limits?: AuditBatchLimits,
  ) {
    this.limits = limits ?? DEFAULT_AUDIT_BATCH_LIMITS;
  }

  /** How many `add` calls the consumer can have waiting at once (its job concurrency). */
  expectConcurrency(concurrency: number): void {
    this.concurrency = Math.max(1, concurrency);
  }

  /**
   * Resolves once the row is in the table: `true` if this call wrote it, `false` if a row with its
   * id was there already. Rejects if the row could not be written.
   */
  add(row: AuditLogRow): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
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

  /** Runs before the pools close, so rows already taken are not lost on a deploy. */
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
    const events = new Map<string, EventCallers>();
    for (const waiting of batch) {
      const event = events.get(waiting.row.id);
      if (event) event.callers.push(waiting);
      else events.set(waiting.row.id, { row: waiting.row, callers: [waiting] });
    }
    try {
      const written = await this.auditLogs.insertManyOnce([...events.values()].map((e) => e.row));
      for (const event of events.values()) settle(event, written);
    } catch {
      await Promise.all([...events.values()].map((event) => this.writeAlone(event)));
    } finally {
      this.unsettled -= batch.length;
    }
  }

  /** One event's row in a statement of its own: its failure is its callers' alone. */
  private async writeAlone(event: EventCallers): Promise<void> {
    try {
      settle(event, await this.auditLogs.insertManyOnce([event.row]));
    } catch (error) {
      for (const waiting of event.callers) waiting.reject(error);
    }
  }
}

/** The callers in one batch of one event id, first come first. */
interface EventCallers {
  readonly row: AuditLogRow;
  readonly callers: Waiting[];
}

/** The first caller of an event hears whether the statement wrote it; any later one, `false`. */
function settle(event: EventCallers, written: ReadonlySet<string>): void {
  event.callers.forEach((waiting, index) =>
    waiting.resolve(index === 0 && written.has(event.row.id)),
  );
}
