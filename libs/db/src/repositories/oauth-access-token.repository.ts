import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from './returning-query';

/**
 * SQL over `oauth_access_tokens`. Only the token-minting library calls it: that library is the
 * single writer of the table (DESIGN.md).
 */
@Injectable()
export class OAuthAccessTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

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
