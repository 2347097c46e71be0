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
   * Inserts each event unless a row with its id exists, in one statement whatever the number of
   * rows. Delivery is at least once, so a second delivery of an event must be a no-op. The
   * statement takes one array per column, so its text, and its twelve parameters, stay the same
   * for any batch size. Answers the ids that were written.
   */
  async insertManyOnce(rows: readonly AuditLogRow[]): Promise<ReadonlySet<string>> {
    const inserted = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO audit_logs (id, event, occurred_at, service, subject_type, subject_email,
                               subject_issuer, account_id, actor_account_id, ip, request_id, payload)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::timestamptz[], $4::varchar[],
                            $5::varchar[], $6::varchar[], $7::varchar[], $8::uuid[], $9::uuid[],
                            $10::varchar[], $11::varchar[], $12::jsonb[])
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.event),
        rows.map((row) => row.occurredAt.toISOString()),
        rows.map((row) => row.service),
        rows.map((row) => row.subjectType),
        rows.map((row) => row.subjectEmail),
        rows.map((row) => row.subjectIssuer),
        rows.map((row) => row.accountId),
        rows.map((row) => row.actorAccountId),
        rows.map((row) => row.ip),
        rows.map((row) => row.requestId),
        rows.map((row) => JSON.stringify(row.payload)),
      ],
    );
    return new Set(inserted.map((row) => row.id));
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
