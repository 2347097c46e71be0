import { type BeforeApplicationShutdown, Inject, Injectable, Optional } from '@nestjs/common';
import { type BatchedItem, type BatchLimits, WriteBatcher } from '@dify/platform';
import { type AuditLogRow, AuditLogRepository } from './audit-log.repository';

export type AuditBatchLimits = BatchLimits;

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

type Waiting = BatchedItem<AuditLogRow, boolean>;

/**
 * Gathers the rows of concurrent `audit.record` jobs into one INSERT per batch (the batching
 * itself: WriteBatcher). Each `add` settles only once the statement holding its row has
 * committed, so a job completes when its row is durable, and a failed write fails exactly the
 * jobs whose rows it held, which BullMQ retries.
 *
 * One row Postgres refuses (a payload string jsonb cannot hold, say) fails the whole statement, so
 * a failed batch is written again one row per statement: the refused row fails its own callers
 * only. The same event twice in one batch is written once; the later caller hears `false`, as it
 * would had it come second on its own.
 */
@Injectable()
export class AuditLogBatcher
  extends WriteBatcher<AuditLogRow, boolean>
  implements BeforeApplicationShutdown
{
  constructor(
    private readonly auditLogs: AuditLogRepository,
    @Optional() @Inject(AUDIT_BATCH_LIMITS) limits?: AuditBatchLimits,
  ) {
    super(limits ?? DEFAULT_AUDIT_BATCH_LIMITS);
  }

  /**
   * Resolves once the row is in the table: `true` if this call wrote it, `false` if a row with its
   * id was there already. Rejects if the row could not be written.
   */
  add(row: AuditLogRow): Promise<boolean> {
    return this.enqueue(row);
  }

  /** Runs before the pools close, so rows already taken are not lost on a deploy. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  protected async writeBatch(batch: readonly Waiting[]): Promise<void> {
    const events = new Map<string, EventCallers>();
    for (const waiting of batch) {
      const event = events.get(waiting.item.id);
      if (event) event.callers.push(waiting);
      else events.set(waiting.item.id, { row: waiting.item, callers: [waiting] });
    }
    try {
      const written = await this.auditLogs.insertManyOnce([...events.values()].map((e) => e.row));
      for (const event of events.values()) settle(event, written);
    } catch {
      await Promise.all([...events.values()].map((event) => this.writeAlone(event)));
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
