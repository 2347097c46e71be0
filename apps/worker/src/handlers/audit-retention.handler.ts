import { Inject, Injectable } from '@nestjs/common';
import { AuditLogRepository } from '@dify/db';
import { WORKER_CONFIG } from '../app/worker-config.token';
import type { WorkerConfig } from '../app/worker.env';

const DAY_MS = 24 * 60 * 60 * 1000;
const PURGE_BATCH_SIZE = 1_000;

/** `audit.purge-retention`: deletes audit rows older than AUDIT_LOG_RETENTION_DAYS, in batches. */
@Injectable()
export class AuditRetentionHandler {
  constructor(
    private readonly auditLogs: AuditLogRepository,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async handle(now: Date = new Date()): Promise<{ cutoff: string; deleted: number }> {
    const cutoff = new Date(now.getTime() - this.config.AUDIT_LOG_RETENTION_DAYS * DAY_MS);
    let deleted = 0;
    for (;;) {
      const batch = await this.auditLogs.deleteOccurredBefore(cutoff, PURGE_BATCH_SIZE);
      deleted += batch;
      if (batch < PURGE_BATCH_SIZE) break;
    }
    return { cutoff: cutoff.toISOString(), deleted };
  }
}
