import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AccountStatus } from '../entities/account.entity';
import { queryRows } from './returning-query';

/** The account columns a console request needs once its session is known to be live. */
export interface SessionAccount {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly status: AccountStatus;
}

export interface RefreshTokenState {
  readonly sessionId: string;
  readonly accountId: string;
  readonly rotated: boolean;
  readonly revoked: boolean;
  readonly expired: boolean;
}

/** Refresh tokens of console sessions. Hot paths are single statements. */
@Injectable()
export class ConsoleSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertRefreshToken(token: {
    id: string;
    sessionId: string;
    accountId: string;
    tokenHash: string;
    expiresAt: Date;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO console_refresh_tokens (id, session_id, account_id, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [token.id, token.sessionId, token.accountId, token.tokenHash, token.expiresAt],
    );
  }

  /**
   * Marks a live token as used and stores its successor, in one statement: two concurrent uses
   * cannot both succeed, and the successor exists the moment the use does, so a reuse detected
   * right after (which revokes the whole session) revokes the successor too. Answers the
   * session, or null when the token is not live (unknown, used, revoked, expired).
   */
  async rotate(
    tokenHash: string,
    successor: { id: string; tokenHash: string; expiresAt: Date },
  ): Promise<{ sessionId: string; accountId: string } | null> {
    const rows = await queryRows<{ session_id: string; account_id: string }>(
      this.dataSource,
      `WITH used AS (
         UPDATE console_refresh_tokens SET rotated_at = now()
          WHERE token_hash = $1 AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          RETURNING session_id, account_id
       )
       INSERT INTO console_refresh_tokens (id, session_id, account_id, token_hash, expires_at)
       SELECT $2, session_id, account_id, $3, $4 FROM used
       RETURNING session_id, account_id`,
      [tokenHash, successor.id, successor.tokenHash, successor.expiresAt],
    );
    const row = rows[0];
    return row ? { sessionId: row.session_id, accountId: row.account_id } : null;
  }

  async find(tokenHash: string): Promise<RefreshTokenState | null> {
    const rows: {
      session_id: string;
      account_id: string;
      rotated: boolean;
      revoked: boolean;
      expired: boolean;
    }[] = await this.dataSource.query(
      `SELECT session_id, account_id, rotated_at IS NOT NULL AS rotated,
              revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
         FROM console_refresh_tokens WHERE token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    return row
      ? {
          sessionId: row.session_id,
          accountId: row.account_id,
          rotated: row.rotated,
          revoked: row.revoked,
          expired: row.expired,
        }
      : null;
  }

  /**
   * The account a live session belongs to, or null when there is no such account or the session
   * was not issued to it or has ended (no token of it unrevoked). One plain statement, one snapshot:
   * every console request asks it, and the account row read through the entity manager (every
   * column, the password hash too, through TypeORM's query builder) and the liveness read beside
   * it cost two statements and far more CPU for the same answer. The caller judges the status.
   */
  async accountOfLiveSession(sessionId: string, accountId: string): Promise<SessionAccount | null> {
    const rows: SessionAccount[] = await this.dataSource.query(
      `SELECT a.id, a.email, a.name, a.status
         FROM accounts a
        WHERE a.id = $2
          AND EXISTS (SELECT 1 FROM console_refresh_tokens t
                       WHERE t.session_id = $1 AND t.account_id = a.id AND t.revoked_at IS NULL)`,
      [sessionId, accountId],
    );
    const row = rows[0];
    return row ? { id: row.id, email: row.email, name: row.name, status: row.status } : null;
  }

  /** Revokes every token of every session of the account; answers how many were still live. */
  async revokeAccount(manager: EntityManager, accountId: string): Promise<number> {
    const rows = await queryRows(
      manager,
      `UPDATE console_refresh_tokens SET revoked_at = now()
        WHERE account_id = $1 AND revoked_at IS NULL
        RETURNING id`,
      [accountId],
    );
    return rows.length;
  }

  /** Revokes every token of the session; answers how many were still live. */
  async revokeSession(sessionId: string): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE console_refresh_tokens SET revoked_at = now()
        WHERE session_id = $1 AND revoked_at IS NULL
        RETURNING id`,
      [sessionId],
    );
    return rows.length;
  }
}
