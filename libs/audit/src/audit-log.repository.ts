import { Injectable } from '@nestjs/common';
import { queryRows } from '@dify/db';
import { DataSource } from 'typeorm';

export interface AuditLogRow {
  readonly id: string;
  readonly event: string;
  readonly occurredAt: Date;
  readonly service: string;
  readonly subjectType: string | null;
  readonly subjectEmail: string | null;
  readonly subjectIssuer: string | null;
  readonly accountId: string | null;
  readonly actorAccountId: string | null;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
}

@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts the event unless a row with its id exists. Delivery is at least once, so a second
   * delivery of the same event must be a no-op. Answers whether a row was written.
   */
  async insertOnce(row: AuditLogRow): Promise<boolean> {
    const inserted = await queryRows(
      this.dataSource,
      `INSERT INTO audit_logs (id, event, occurred_at, service, subject_type, subject_email,
                               subject_issuer, account_id, actor_account_id, ip, request_id, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        row.id,
        row.event,
        row.occurredAt,
        row.service,
        row.subjectType,
        row.subjectEmail,
        row.subjectIssuer,
        row.accountId,
        row.actorAccountId,
        row.ip,
        row.requestId,
        JSON.stringify(row.payload),
      ],
    );
    return inserted.length === 1;
  }

  /** Deletes up to `limit` events older than the cutoff; answers how many went. */
  async deleteOccurredBefore(cutoff: Date, limit: number): Promise<number> {
    const deleted = await queryRows(
      this.dataSource,
      `DELETE FROM audit_logs
        WHERE id IN (SELECT id FROM audit_logs WHERE occurred_at < $1 LIMIT $2)
       RETURNING id`,
      [cutoff, limit],
    );
    return deleted.length;
  }
}
