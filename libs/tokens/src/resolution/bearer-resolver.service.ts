import { Injectable, Logger } from '@nestjs/common';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import { type LiveTokenLookup, OAuthAccessTokenRepository } from '@dify/db';
import {
  isTokenShaped,
  TOKEN_KINDS,
  TOKEN_PREFIX,
  tokenPrefixOf,
  type TokenPrefix,
} from '@dify/domain';
import { BEARER_CACHE_INVALID, BEARER_CACHE_SECONDS } from '../token-keys.constants';
import { decodeBearerEntry, encodeBearerEntry } from './bearer-cache.codec';
import { BearerCacheStore, MAX_RESOLUTION_AGE_MS } from './bearer-cache.store';
import { DecodedEntryMemo } from './decoded-entry.memo';
import type { PresentedBearer } from './presented-bearer';
import type { ResolvedBearer } from './resolved-bearer';

/** Logged when storage holds what the minting code never writes; an alert keys on it. */
const INTERNAL_STATE_INVARIANT = 'internal_state_invariant';

// Tokens a busy gateway sees within a cache entry's life; beyond it an entry is only decoded again.
const DECODED_ENTRIES = 10_000;

/**
 * Bearer resolution (docs/tokens.md, "Bearer resolution" steps 4–6): answers the token's context,
 * or null for every kind of rejection (unknown prefix, no row, revoked, expired, broken binding) so
 * that the edge renders them all as the same 401. A cache hit answers without any SQL query.
 *
 * The HTTP guard owns header parsing, the kill switch, rate limiting and the touch. It hashes the
 * token once (`presentBearer`) and hands over both, so the hash that named its rate-limit bucket
 * also keys the cache entry and the row lookup here.
 */
@Injectable()
export class BearerResolver {
  private readonly logger = new Logger(BearerResolver.name);
  private readonly decoded = new DecodedEntryMemo(DECODED_ENTRIES);

  constructor(
    private readonly tokens: OAuthAccessTokenRepository,
    private readonly cache: BearerCacheStore,
    private readonly audit: AuditSink,
  ) {}

  async resolve(
    { token, tokenHash }: PresentedBearer,
    now: Date = new Date(),
  ): Promise<ResolvedBearer | null> {
    const prefix = tokenPrefixOf(token);
    if (prefix === null) return null;
    // Every stored token has the exact wire shape, so anything else cannot match a row; refusing
    // it here keeps junk from costing a cache write and a query.
    if (!isTokenShaped(token)) return null;
    const readAt = Date.now();

    const cached = await this.cache.read(tokenHash);
    if (cached === BEARER_CACHE_INVALID) {
      this.decoded.forget(tokenHash);
      return null;
    }
    if (cached !== null) {
      const entry = this.decode(cached, prefix, tokenHash);
      if (entry) {
        if (entry.expiresAt.getTime() > now.getTime()) return entry;
        // Expired while cached: reject without SQL; the next miss hard-expires the row. Only this
        // very entry goes: a tombstone written since the read must stay.
        this.decoded.forget(tokenHash);
        await this.cache.drop(tokenHash, cached);
        return null;
      }
      // A malformed entry is a miss; the write below replaces it.
    }

    const row = await this.tokens.findLiveByHash(tokenHash);
    if (!row) {
      await this.remember(tokenHash, readAt, BEARER_CACHE_INVALID, BEARER_CACHE_SECONDS.negative);
      return null;
    }
    if (row.expiresAt.getTime() <= now.getTime()) {
      await this.hardExpire(row, tokenHash);
      await this.remember(tokenHash, readAt, BEARER_CACHE_INVALID, BEARER_CACHE_SECONDS.negative);
      return null;
    }
    if (!this.bindingHolds(row, prefix)) return null;

    const kind = TOKEN_KINDS[prefix];
    const resolved: ResolvedBearer = {
      tokenId: row.id,
      tokenHash,
      prefix,
      subjectType: kind.subjectType,
      subjectEmail: row.subjectEmail,
      subjectIssuer: row.subjectIssuer,
      accountId: row.accountId,
      clientId: row.clientId,
      scopes: kind.scopes,
      tokenType: kind.tokenType,
      expiresAt: row.expiresAt,
    };
    await this.remember(
      tokenHash,
      readAt,
      encodeBearerEntry(resolved),
      BEARER_CACHE_SECONDS.positive,
    );
    return resolved;
  }

  /** The cached entry's bearer, decoded once per distinct entry text (see DecodedEntryMemo). */
  private decode(text: string, prefix: TokenPrefix, tokenHash: string): ResolvedBearer | null {
    const known = this.decoded.get(tokenHash, text);
    if (known) return known;
    const entry = decodeBearerEntry(text, prefix, tokenHash);
    if (entry) this.decoded.remember(tokenHash, text, entry);
    return entry;
  }

  /**
   * docs/tokens.md, "Bearer resolution": `dfoa_` needs an account that is `active` (its id turns
   * NULL when the account is deleted); `dfoe_` must have no account; the stored prefix must be the
   * presented one. The last two are never written by minting, so breaking them is an invariant
   * violation worth an alert.
   */
  private bindingHolds(row: LiveTokenLookup, presented: TokenPrefix): boolean {
    if (row.prefix !== presented) {
      this.logger.error(
        {
          reason: INTERNAL_STATE_INVARIANT,
          token_id: row.id,
          stored_prefix: row.prefix,
          presented,
        },
        'stored token prefix differs from the presented one',
      );
      return false;
    }
    if (presented === TOKEN_PREFIX.externalSso) {
      if (row.accountId === null) return true;
      this.logger.error(
        { reason: INTERNAL_STATE_INVARIANT, token_id: row.id },
        'external SSO token is bound to an account',
      );
      return false;
    }
    return row.accountId !== null && row.accountStatus === 'active';
  }

  private async hardExpire(row: LiveTokenLookup, tokenHash: string): Promise<void> {
    const changed = await this.tokens.hardExpire(row.id, tokenHash);
    if (!changed) return;
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.tokenExpired,
      ...(row.accountId ? { accountId: row.accountId } : {}),
      payload: { token_id: row.id },
    });
  }

  /**
   * Writes a cache entry, unless a revocation or rotation marked the token dead since it was
   * looked up (the store refuses to write over that mark), or this resolution is so old that the
   * mark may have expired already. The answer was decided by SQL and stays right without the
   * entry, so a skipped or failed write costs only a later query and never fails the request.
   */
  private async remember(
    tokenHash: string,
    readAt: number,
    value: string,
    ttlSeconds: number,
  ): Promise<void> {
    if (Date.now() - readAt >= MAX_RESOLUTION_AGE_MS) return;
    try {
      await this.cache.put(tokenHash, value, ttlSeconds);
    } catch (error) {
      this.logger.warn({ err: error }, 'bearer cache write failed');
    }
  }
}
