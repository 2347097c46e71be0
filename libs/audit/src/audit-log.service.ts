import { Injectable } from '@nestjs/common';
import type { AuditRecordPayload } from '@dify/queue-contracts';
import { AuditLogBatcher } from './audit-log-batcher.service';
import { AuditLogRepository } from './audit-log.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
const PURGE_BATCH_SIZE = 1_000;

/** The consumer side of audit: what the worker does with `audit.record` and the audit purge. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly auditLogs: AuditLogRepository,
    private readonly batcher: AuditLogBatcher,
  ) {}

  /**
   * How many `write` calls the worker runs at once, so a batch that holds all of them is written
   * without waiting for more.
   */
  expectConcurrentWrites(concurrency: number): void {
    this.batcher.expectConcurrency(concurrency);
  }

  /**
   * One row per event id; a redelivered event finds the row and writes nothing. Concurrent writes
   * share one INSERT, and each resolves only once that INSERT has committed.
   */
  async write(event: AuditRecordPayload): Promise<{ inserted: boolean }> {
    const inserted = await this.batcher.add({
      id: event.eventId,
      event: event.event,
      occurredAt: new Date(event.occurredAt),
      service: event.service,
      subjectType: event.subjectType ?? null,
      subjectEmail: event.subjectEmail ?? null,
      subjectIssuer: event.subjectIssuer ?? null,
      accountId: event.accountId ?? null,
      actorAccountId: event.actorAccountId ?? null,
      ip: event.ip ?? null,
      requestId: event.requestId ?? null,
      payload: event.payload,
    });
    return { inserted };
  }

  /** Deletes events older than `retentionDays` before `now`, in batches so no lock is held long. */
  async purge(now: Date, retentionDays: number): Promise<{ cutoff: string; deleted: number }> {
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const batch = await this.auditLogs.deleteOccurredBefore(cutoff, PURGE_BATCH_SIZE);
      deleted += batch;
      if (batch < PURGE_BATCH_SIZE) break;
    }
    return { cutoff: cutoff.toISOString(), deleted };
  }
}
