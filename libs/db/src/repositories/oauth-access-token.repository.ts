import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from './returning-query';

/** A row to insert, or the values that replace the live row of the same device identity. */
export interface DeviceTokenIssue {
  /** Used only when a new row is inserted; a rotation keeps the existing id. */
  readonly id: string;
  readonly subjectEmail: string;
  readonly subjectIssuer: string;
  readonly accountId: string | null;
  readonly clientId: string;
  readonly deviceLabel: string;
  readonly prefix: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** What a rotation replaced, read under the row lock; compensation puts it back. */
export interface TokenPreImage {
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

export interface DeviceTokenIssueOutcome {
  readonly id: string;
  /** Null when the statement inserted a new row. */
  readonly previous: TokenPreImage | null;
}

/** A row held under `FOR UPDATE` by a revocation. */
export interface LockedToken {
  readonly id: string;
  readonly accountId: string | null;
  readonly clientId: string;
  /** Null once the row is revoked or hard-expired. */
  readonly tokenHash: string | null;
  readonly revoked: boolean;
}

/** A live row found by its hash, with its account's status for the binding check. */
export interface LiveTokenLookup {
  readonly id: string;
  readonly subjectEmail: string;
  readonly subjectIssuer: string;
  readonly accountId: string | null;
  readonly clientId: string;
  readonly prefix: string;
  readonly expiresAt: Date;
  /** Null when the token has no account or the account row is gone. */
  readonly accountStatus: string | null;
}

export interface TokenUse {
  readonly tokenId: string;
  readonly usedAt: Date;
}

interface UpsertRow {
  id: string;
  previous_hash: string | null;
  previous_expires_at: Date | null;
  previous_created_at: Date | null;
  previous_last_used_at: Date | null;
}

interface LockedRow {
  id: string;
  account_id: string | null;
  client_id: string;
  token_hash: string | null;
  revoked: boolean;
}

const LOCKED_COLUMNS = `id, account_id, client_id, token_hash, revoked_at IS NOT NULL AS revoked`;

/**
 * SQL over `oauth_access_tokens`. Only the tokens library calls it: that library is the
 * single writer of the table (docs/tokens.md).
 */
@Injectable()
export class OAuthAccessTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Rotate-in-place (docs/tokens.md, "Issue and rotate in place") as one statement. `previous`
   * locks the live row of the device identity and reads its pre-image; the upsert replaces that
   * row, or inserts when there is none.
   *
   * The `DO UPDATE … WHERE` guard is what makes the pre-image trustworthy: a live row committed by
   * a concurrent issue after this statement's snapshot is invisible to `previous` but still
   * conflicts, and updating it would lose the hash whose cache entry must be deleted. The guard
   * then matches nothing, the statement returns no row, and the caller runs it again with a fresh
   * snapshot. No caller ever sees a unique violation: ON CONFLICT waits for the other insert.
   *
   * Reading `previous` in the VALUES list makes Postgres take its lock and pre-image before the
   * insert is attempted; were it read only after the update, FOR UPDATE would skip the row this
   * very statement had just rewritten.
   *
   * Answers null when the statement must be run again.
   */
  async upsertForDevice(issue: DeviceTokenIssue): Promise<DeviceTokenIssueOutcome | null> {
    const rows = await queryRows<UpsertRow>(
      this.dataSource,
      `WITH previous AS (
         SELECT id, token_hash, expires_at, created_at, last_used_at
           FROM oauth_access_tokens
          WHERE subject_email = $2 AND subject_issuer = $3 AND client_id = $5
            AND device_label = $6 AND revoked_at IS NULL
            FOR UPDATE
       ), upserted AS (
         INSERT INTO oauth_access_tokens AS live
                (id, subject_email, subject_issuer, account_id, client_id, device_label, prefix,
                 token_hash, created_at, last_used_at, expires_at)
         VALUES (coalesce((SELECT id FROM previous), $1), $2, $3, $4, $5, $6, $7, $8, $9, NULL,
                 $10)
         ON CONFLICT (subject_email, subject_issuer, client_id, device_label)
            WHERE revoked_at IS NULL
         DO UPDATE SET token_hash = EXCLUDED.token_hash,
                       prefix = EXCLUDED.prefix,
                       account_id = EXCLUDED.account_id,
                       expires_at = EXCLUDED.expires_at,
                       created_at = EXCLUDED.created_at,
                       last_used_at = NULL
                 WHERE live.token_hash = (SELECT token_hash FROM previous)
         RETURNING live.id
       )
       SELECT upserted.id,
              previous.token_hash AS previous_hash,
              previous.expires_at AS previous_expires_at,
              previous.created_at AS previous_created_at,
              previous.last_used_at AS previous_last_used_at
         FROM upserted
         LEFT JOIN previous ON previous.id = upserted.id`,
      [
        issue.id,
        issue.subjectEmail,
        issue.subjectIssuer,
        issue.accountId,
        issue.clientId,
        issue.deviceLabel,
        issue.prefix,
        issue.tokenHash,
        issue.createdAt,
        issue.expiresAt,
      ],
    );
    const row = rows[0];
    if (!row) return null;
    // A live row always has a hash (ck_oauth_live_has_hash), so a pre-image without one means
    // the statement inserted.
    const previous =
      row.previous_hash !== null &&
      row.previous_expires_at !== null &&
      row.previous_created_at !== null
        ? {
            tokenHash: row.previous_hash,
            expiresAt: row.previous_expires_at,
            createdAt: row.previous_created_at,
            lastUsedAt: row.previous_last_used_at,
          }
        : null;
    return { id: row.id, previous };
  }

  /**
   * Compensation of an insert (docs/tokens.md, "Compensation"): only while the row still carries
   * the hash we issued.
   */
  async deleteIssued(id: string, tokenHash: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM oauth_access_tokens WHERE id = $1 AND token_hash = $2 RETURNING id`,
      [id, tokenHash],
    );
    return rows.length > 0;
  }

  /**
   * Compensation of a rotation (docs/tokens.md, "Compensation"): puts the pre-image back, only
   * while the row is live and still carries the hash we issued. A later rotation or a revocation
   * wins over us.
   */
  async restorePrevious(id: string, issuedHash: string, previous: TokenPreImage): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE oauth_access_tokens
          SET token_hash = $3, expires_at = $4, created_at = $5, last_used_at = $6
        WHERE id = $1 AND token_hash = $2 AND revoked_at IS NULL
        RETURNING id`,
      [
        id,
        issuedHash,
        previous.tokenHash,
        previous.expiresAt,
        previous.createdAt,
        previous.lastUsedAt,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Locks an account's row by id, live or not: ownership decides before liveness
   * (docs/bearer-api.md, "Sessions").
   */
  async lockOwned(
    manager: EntityManager,
    id: string,
    accountId: string,
  ): Promise<LockedToken | null> {
    const rows = await queryRows<LockedRow>(
      manager,
      `SELECT ${LOCKED_COLUMNS} FROM oauth_access_tokens
        WHERE id = $1 AND account_id = $2
          FOR UPDATE`,
      [id, accountId],
    );
    return rows[0] ? lockedToken(rows[0]) : null;
  }

  /** Locks the live row holding this hash; uses `uq_oauth_token_hash`. */
  async lockLiveByHash(manager: EntityManager, tokenHash: string): Promise<LockedToken | null> {
    const rows = await queryRows<LockedRow>(
      manager,
      `SELECT ${LOCKED_COLUMNS} FROM oauth_access_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL
          FOR UPDATE`,
      [tokenHash],
    );
    return rows[0] ? lockedToken(rows[0]) : null;
  }

  /**
   * Revokes every live token of the account in one statement (rows locked as they are updated)
   * and answers the hashes they held, for the caller to evict from the bearer cache.
   */
  async revokeAllOfAccount(
    manager: EntityManager,
    accountId: string,
  ): Promise<{ id: string; tokenHash: string }[]> {
    const rows = await queryRows<{ id: string; token_hash: string }>(
      manager,
      `WITH live AS (
         SELECT id, token_hash FROM oauth_access_tokens
          WHERE account_id = $1 AND revoked_at IS NULL AND token_hash IS NOT NULL
            FOR UPDATE
       )
       UPDATE oauth_access_tokens t SET revoked_at = now(), token_hash = NULL
         FROM live WHERE t.id = live.id
       RETURNING t.id, live.token_hash`,
      [accountId],
    );
    return rows.map((row) => ({ id: row.id, tokenHash: row.token_hash }));
  }

  /** Revokes a row the caller has locked; the hash goes so the token can never match again. */
  async revokeLocked(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `UPDATE oauth_access_tokens SET revoked_at = now(), token_hash = NULL
        WHERE id = $1 AND revoked_at IS NULL
        RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  /**
   * The bearer lookup of a cache miss (docs/tokens.md, "Bearer resolution"): one indexed read
   * joined with the account.
   */
  async findLiveByHash(tokenHash: string): Promise<LiveTokenLookup | null> {
    const rows = await queryRows<{
      id: string;
      subject_email: string;
      subject_issuer: string;
      account_id: string | null;
      client_id: string;
      prefix: string;
      expires_at: Date;
      account_status: string | null;
    }>(
      this.dataSource,
      `SELECT t.id, t.subject_email, t.subject_issuer, t.account_id, t.client_id, t.prefix,
              t.expires_at, a.status AS account_status
         FROM oauth_access_tokens t
         LEFT JOIN accounts a ON a.id = t.account_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      subjectEmail: row.subject_email,
      subjectIssuer: row.subject_issuer,
      accountId: row.account_id,
      clientId: row.client_id,
      prefix: row.prefix,
      expiresAt: row.expires_at,
      accountStatus: row.account_status,
    };
  }

  /**
   * Lazy hard expiry (docs/tokens.md, "Revocation and expiry"). The hash condition narrows the
   * documented `WHERE id = ? AND revoked_at IS NULL`: a rotation that landed since the lookup gave
   * the row a new token and a new expiry, and that token must not be killed for the old one's age.
   * Answers whether a row changed, which is when `oauth.token_expired` is due.
   */
  async hardExpire(id: string, tokenHash: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE oauth_access_tokens SET revoked_at = now(), token_hash = NULL
        WHERE id = $1 AND token_hash = $2 AND revoked_at IS NULL
        RETURNING id`,
      [id, tokenHash],
    );
    return rows.length > 0;
  }

  /**
   * Folds a batch of touches into `last_used_at` in one statement
   * (docs/tokens.md, "Usage tracking"). Several touches of one token collapse to the latest first,
   * since an UPDATE … FROM joins each target row once with an arbitrary match. `last_used_at` never
   * moves backwards, revoked rows are left alone, and a touch older than the row's `created_at`
   * belongs to the token a rotation replaced. Rows whose value would not change are not rewritten.
   * Answers how many rows changed.
   */
  async recordUses(uses: readonly TokenUse[]): Promise<number> {
    if (uses.length === 0) return 0;
    const rows = await queryRows(
      this.dataSource,
      `UPDATE oauth_access_tokens t
          SET last_used_at = greatest(coalesce(t.last_used_at, u.used_at), u.used_at)
         FROM (SELECT id, max(used_at) AS used_at
                 FROM unnest($1::uuid[], $2::timestamptz[]) AS touch (id, used_at)
                GROUP BY id) u
        WHERE t.id = u.id
          AND t.revoked_at IS NULL
          AND u.used_at >= t.created_at
          AND (t.last_used_at IS NULL OR t.last_used_at < u.used_at)
        RETURNING t.id`,
      [uses.map((use) => use.tokenId), uses.map((use) => use.usedAt)],
    );
    return rows.length;
  }

  /**
   * Deletes up to `limit` rows that are past retention: revoked before the cutoff, or never
   * revoked but expired before it. Live unexpired rows and recently revoked rows stay.
   */
  async deleteRetiredBefore(cutoff: Date, limit: number): Promise<number> {
    const deleted = await queryRows(
      this.dataSource,
      `DELETE FROM oauth_access_tokens
        WHERE id IN (
          SELECT id FROM oauth_access_tokens
           WHERE revoked_at < $1 OR (revoked_at IS NULL AND expires_at < $1)
           LIMIT $2)
       RETURNING id`,
      [cutoff, limit],
    );
    return deleted.length;
  }
}

function lockedToken(row: LockedRow): LockedToken {
  return {
    id: row.id,
    accountId: row.account_id,
    clientId: row.client_id,
    tokenHash: row.token_hash,
    revoked: row.revoked,
  };
}
