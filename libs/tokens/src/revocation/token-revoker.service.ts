import { Injectable, Logger } from '@nestjs/common';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import { type LockedToken, OAuthAccessTokenRepository } from '@dify/db';
import { hashToken, isUuid, tokenPrefixOf } from '@dify/domain';
import type { RequestContext } from '@dify/platform';
import { DataSource } from 'typeorm';
import { BearerCacheStore } from '../resolution/bearer-cache.store';

/** How a revocation was asked for; the `via` field of `oauth.token_revoked` (wire-stable). */
export type RevocationVia = 'self' | 'session' | 'revocation_endpoint';

export type OwnedRevocation = 'revoked' | 'not_found';
export type PresentedRevocation = 'revoked' | 'noop' | 'client_mismatch';

/** A row this call revoked, remembered for the work that follows the commit. */
interface Revoked {
  readonly row: LockedToken;
  readonly tokenHash: string;
}

/**
 * Revocation (docs/tokens.md, "Revocation and expiry"): in one transaction lock the row, remember
 * its hash, clear it and set `revoked_at`; after the commit mark the bearer cache entry dead and
 * record `oauth.token_revoked`. A row that is already dead makes no Redis call and records nothing.
 */
@Injectable()
export class TokenRevoker {
  private readonly logger = new Logger(TokenRevoker.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: OAuthAccessTokenRepository,
    private readonly cache: BearerCacheStore,
    private readonly audit: AuditSink,
  ) {}

  /**
   * Revokes one of the account's own tokens by id (`sessions/self`, `sessions/{id}`). A non-UUID,
   * a missing row and another account's row are all `not_found`, so ids cannot be enumerated;
   * a row the caller owns is `revoked` whether this call or an earlier one revoked it.
   */
  async revokeOwned(
    tokenId: string,
    accountId: string,
    via: 'self' | 'session',
    context?: RequestContext,
  ): Promise<OwnedRevocation> {
    if (!isUuid(tokenId) || !isUuid(accountId)) return 'not_found';
    const outcome = await this.dataSource.transaction(
      async (manager): Promise<OwnedRevocation | Revoked> => {
        const row = await this.tokens.lockOwned(manager, tokenId, accountId);
        if (!row) return 'not_found';
        if (row.revoked || row.tokenHash === null) return 'revoked';
        await this.tokens.revokeLocked(manager, row.id);
        return { row, tokenHash: row.tokenHash };
      },
    );
    if (typeof outcome === 'string') return outcome;
    await this.afterCommit(outcome, via, context);
    return 'revoked';
  }

  /**
   * RFC 7009 revocation of a presented token. A value without a token prefix, or whose hash
   * matches no live row, is a `noop`. When `clientId` is given it must be the token's client,
   * else `client_mismatch` and the token stays live.
   */
  async revokePresented(
    token: string,
    clientId: string | undefined,
    via: 'revocation_endpoint',
    context?: RequestContext,
  ): Promise<PresentedRevocation> {
    if (tokenPrefixOf(token) === null) return 'noop';
    const tokenHash = hashToken(token);
    const outcome = await this.dataSource.transaction(
      async (manager): Promise<PresentedRevocation | Revoked> => {
        const row = await this.tokens.lockLiveByHash(manager, tokenHash);
        if (!row) return 'noop';
        if (clientId !== undefined && clientId !== row.clientId) return 'client_mismatch';
        await this.tokens.revokeLocked(manager, row.id);
        return { row, tokenHash };
      },
    );
    if (typeof outcome === 'string') return outcome;
    await this.afterCommit(outcome, via, context);
    return 'revoked';
  }

  private async afterCommit(
    { row, tokenHash }: Revoked,
    via: RevocationVia,
    context: RequestContext | undefined,
  ): Promise<void> {
    try {
      // A tombstone rather than a delete: a resolution that looked the row up before the commit
      // must not be able to cache the token as valid again afterwards.
      await this.cache.tombstone(tokenHash);
    } catch (error) {
      // The revocation has committed and a retry would find no live row, so failing the call
      // would only mislead the client into thinking the token still works. A cached positive
      // entry can outlive the revocation by at most the positive cache TTL (60 s).
      this.logger.error(
        { err: error, token_id: row.id },
        'revoked token could not be evicted from the bearer cache',
      );
    }
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.tokenRevoked,
      ...(row.accountId ? { accountId: row.accountId } : {}),
      ...(context ? { ip: context.ip, requestId: context.requestId } : {}),
      payload: {
        token_id: row.id,
        account_id: row.accountId,
        client_id: row.clientId,
        via,
      },
    });
  }
}
