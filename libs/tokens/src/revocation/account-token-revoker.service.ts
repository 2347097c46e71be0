import { Injectable } from '@nestjs/common';
import { OAuthAccessTokenRepository } from '@dify/db';
import { DataSource } from 'typeorm';
import { BearerCacheStore } from '../resolution/bearer-cache.store';

/**
 * Revokes every device token of an account at once (a ban): one statement revokes the rows, then
 * each token's bearer cache entry is overwritten with the `invalid` marker, so no cached answer
 * keeps a token working for the rest of its cache lifetime. Cache failures propagate: a ban that
 * could not evict must be retried, and a retry finds nothing left to revoke in the database but
 * the resolution already refuses the account (it is no longer active).
 */
@Injectable()
export class AccountTokenRevoker {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: OAuthAccessTokenRepository,
    private readonly cache: BearerCacheStore,
  ) {}

  /** Answers the ids of the tokens this call revoked. */
  async revokeAll(accountId: string): Promise<string[]> {
    const revoked = await this.dataSource.transaction((manager) =>
      this.tokens.revokeAllOfAccount(manager, accountId),
    );
    await Promise.all(revoked.map((token) => this.cache.tombstone(token.tokenHash)));
    return revoked.map((token) => token.id);
  }
}
