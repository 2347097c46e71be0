import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One of an account's signed-in devices: a live `oauth_access_tokens` row, without its hash. */
export interface AccountSession {
  readonly id: string;
  readonly prefix: string;
  readonly clientId: string;
  readonly deviceLabel: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date;
}

export interface AccountSessionPage {
  /** Every live session of the account, not only those on the page. */
  readonly total: number;
  readonly sessions: readonly AccountSession[];
}

interface SessionPageRow {
  total: number;
  id: string | null;
  prefix: string;
  client_id: string;
  device_label: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date;
}

/**
 * Read side of `oauth_access_tokens` for the account's own "devices" list
 * (docs/bearer-api.md, "Sessions"). It never writes: the tokens library is the table's only writer.
 */
@Injectable()
export class AccountSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page of the account's live sessions, newest first, and their total. Ownership is
   * `account_id` alone, so rows survive an email change. Expiry is judged by the database clock,
   * the same one that stamped `created_at`.
   *
   * One statement, so the total and the page come from one snapshot, and a page past the end
   * still reports the total (the LEFT JOIN keeps one row with a NULL id). Served by
   * `idx_oauth_account` (account_id WHERE revoked_at IS NULL AND account_id IS NOT NULL).
   *
   * `offset` is a decimal string because page × limit can pass 2^53.
   */
  async livePage(accountId: string, offset: string, limit: number): Promise<AccountSessionPage> {
    const rows: SessionPageRow[] = await this.dataSource.query(
      `WITH live AS (
         SELECT id, prefix, client_id, device_label, created_at, last_used_at, expires_at
           FROM oauth_access_tokens
          WHERE account_id = $1
            AND revoked_at IS NULL
            AND token_hash IS NOT NULL
            AND expires_at > now())
       SELECT counted.total, page.*
         FROM (SELECT count(*)::int AS total FROM live) AS counted
         LEFT JOIN LATERAL (
           SELECT * FROM live ORDER BY created_at DESC, id DESC OFFSET $2::bigint LIMIT $3
         ) AS page ON true`,
      [accountId, offset, limit],
    );
    return {
      total: rows[0]?.total ?? 0,
      sessions: rows.flatMap((row) =>
        row.id === null
          ? []
          : [
              {
                id: row.id,
                prefix: row.prefix,
                clientId: row.client_id,
                deviceLabel: row.device_label,
                createdAt: row.created_at,
                lastUsedAt: row.last_used_at,
                expiresAt: row.expires_at,
              },
            ],
      ),
    };
  }
}
