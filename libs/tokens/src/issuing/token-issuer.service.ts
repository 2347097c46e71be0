import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import { type DeviceTokenIssueOutcome, OAuthAccessTokenRepository } from '@dify/db';
import {
  enforceMintPolicy,
  generateToken,
  generateUuidV7,
  hashToken,
  normalizeEmail,
  TOKEN_KINDS,
  type TokenPrefix,
} from '@dify/domain';
import type { RequestContext } from '@dify/platform';
import { BearerCacheStore } from '../resolution/bearer-cache.store';
import { TOKEN_ISSUANCE_ERROR_CODES, TokenIssuanceError } from './token-issuance.errors';
import type { TokenIssuanceSettings } from './token-issuance.env';
import { TOKEN_ISSUANCE_SETTINGS } from './token-issuance.tokens';

/** What to mint for one device identity (email, issuer, client, device label). */
export interface MintRequest {
  readonly prefix: 'dfoa_' | 'dfoe_';
  readonly subjectEmail: string;
  /** `dfoa_`: absent (stored as the `dify:account` sentinel). `dfoe_`: the IdP issuer. */
  readonly subjectIssuer?: string;
  /** Required for `dfoa_`, absent for `dfoe_`. */
  readonly accountId?: string;
  readonly clientId: string;
  readonly deviceLabel: string;
}

/** The pre-image of a rotated row: what compensation puts back. */
export interface PreviousToken {
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/** The device identity a token was minted for, as stored. */
export interface IssuedIdentity {
  readonly subjectType: string;
  readonly subjectEmail: string;
  readonly subjectIssuer: string;
  readonly accountId: string | null;
  readonly clientId: string;
  readonly deviceLabel: string;
}

/** A minted token. `token` is the only copy of the plaintext: hand it to the client once. */
export interface IssuedToken {
  readonly token: string;
  readonly tokenId: string;
  readonly tokenHash: string;
  readonly expiresAt: Date;
  readonly rotated: boolean;
  readonly previous: PreviousToken | null;
  readonly identity: IssuedIdentity;
}

const DAY_MS = 86_400_000;
// A retry is needed only when the live row of the identity was replaced by a new row between a
// statement's snapshot and its lock (a revoke and re-issue racing us); losing that race five times
// in a row means something is looping, and the caller gets a 500 rather than an endless wait.
const UPSERT_ATTEMPTS = 5;

/**
 * Issue and rotate-in-place (docs/tokens.md, "Issue and rotate in place"), and its compensation
 * (docs/tokens.md, "Compensation").
 */
@Injectable()
export class TokenIssuer {
  private readonly logger = new Logger(TokenIssuer.name);

  constructor(
    private readonly tokens: OAuthAccessTokenRepository,
    private readonly cache: BearerCacheStore,
    private readonly audit: AuditSink,
    @Inject(TOKEN_ISSUANCE_SETTINGS) private readonly settings: TokenIssuanceSettings,
  ) {}

  /**
   * Mints a token for the device identity, replacing its live token if there is one. Throws
   * `MintPolicyViolation` before anything is written when the request breaks the prefix rules,
   * and `TokenIssuanceError` (after undoing the rotation) when the replaced token could not be
   * evicted from the bearer cache.
   *
   * A rotation is not audited here: the caller may still undo it (`compensate`) when handing the
   * token out fails, so it calls `recordRotation` once the issue has stuck.
   */
  async issue(request: MintRequest): Promise<IssuedToken> {
    const kind = kindOf(request.prefix);
    // Subject type and scopes follow from the prefix; the policy still checks them so that a
    // prefix outside the type (from an untyped caller) is refused with the same error.
    const permit = enforceMintPolicy({
      prefix: request.prefix,
      subjectType: kind?.subjectType ?? '',
      subjectIssuer: request.subjectIssuer,
      accountId: request.accountId,
      scopes: kind?.scopes ?? [],
    });
    const subjectEmail = normalizeEmail(request.subjectEmail);
    const { plaintext, hash } = generateToken(permit.prefix);
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + this.settings.ttlDays * DAY_MS);

    let outcome: DeviceTokenIssueOutcome | null = null;
    for (let attempt = 1; outcome === null && attempt <= UPSERT_ATTEMPTS; attempt += 1) {
      outcome = await this.tokens.upsertForDevice({
        id: generateUuidV7(),
        subjectEmail,
        subjectIssuer: permit.subjectIssuer,
        accountId: permit.accountId,
        clientId: request.clientId,
        deviceLabel: request.deviceLabel,
        prefix: permit.prefix,
        tokenHash: hash,
        createdAt,
        expiresAt,
      });
    }
    if (outcome === null) {
      throw new TokenIssuanceError(
        TOKEN_ISSUANCE_ERROR_CODES.issueContended,
        `the device identity changed under ${UPSERT_ATTEMPTS} issue attempts`,
      );
    }

    const issued: IssuedToken = {
      token: plaintext,
      tokenId: outcome.id,
      tokenHash: hash,
      expiresAt,
      rotated: outcome.previous !== null,
      previous: outcome.previous,
      identity: {
        subjectType: permit.subjectType,
        subjectEmail,
        subjectIssuer: permit.subjectIssuer,
        accountId: permit.accountId ?? null,
        clientId: request.clientId,
        deviceLabel: request.deviceLabel,
      },
    };
    if (!issued.previous) return issued;

    try {
      // A tombstone, so a resolution of the replaced token that is still in flight cannot cache
      // it as valid after this point.
      await this.cache.tombstone(issued.previous.tokenHash);
    } catch (error) {
      // A replaced token must never stay cached as valid: undo the rotation so the old token and
      // its cache entry agree again, and fail the approval.
      this.logger.error(
        {
          err: error,
          token_id: issued.tokenId,
          reason: TOKEN_ISSUANCE_ERROR_CODES.cacheEvictionFailed,
        },
        'could not evict the replaced token from the bearer cache; undoing the rotation',
      );
      await this.compensate(issued);
      throw new TokenIssuanceError(
        TOKEN_ISSUANCE_ERROR_CODES.cacheEvictionFailed,
        'the replaced token could not be evicted from the bearer cache',
        { token_id: issued.tokenId },
      );
    }

    return issued;
  }

  /**
   * Whether `token` is still the live token of row `tokenId`: false once a later issue rotated the
   * row to another token, or the row was revoked or hard-expired. Asked before a token that was
   * minted earlier is handed out, so nobody receives a token that is already dead.
   */
  async isCurrent(token: string, tokenId: string): Promise<boolean> {
    const row = await this.tokens.findLiveByHash(hashToken(token));
    return row !== null && row.id === tokenId;
  }

  /**
   * `oauth.token_rotated`, for an issue that replaced a live row and has stuck (the caller handed
   * the token out). Nothing for a fresh row. Never throws: the audit must not fail the caller.
   */
  async recordRotation(issued: IssuedToken, context?: RequestContext): Promise<void> {
    if (!issued.previous) return;
    const { identity } = issued;
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.tokenRotated,
      subjectType: identity.subjectType,
      subjectEmail: identity.subjectEmail,
      subjectIssuer: identity.subjectIssuer,
      ...(identity.accountId ? { accountId: identity.accountId } : {}),
      ...(context ? { ip: context.ip, requestId: context.requestId } : {}),
      payload: {
        token_id: issued.tokenId,
        subject_type: identity.subjectType,
        subject_email: identity.subjectEmail,
        subject_issuer: identity.subjectIssuer,
        account_id: identity.accountId,
        client_id: identity.clientId,
        device_label: identity.deviceLabel,
        previous_expires_at: issued.previous.expiresAt.toISOString(),
        expires_at: issued.expiresAt.toISOString(),
      },
    });
  }

  /**
   * Undoes an issue whose publish failed for certain (docs/tokens.md, "Compensation"): deletes an
   * inserted row, or puts a rotated row's pre-image back, only while the row still carries the hash
   * this issue wrote. It never throws: it runs on a path that is already failing, and the original
   * error matters.
   */
  async compensate(issued: IssuedToken): Promise<void> {
    let undone = false;
    try {
      undone = issued.previous
        ? await this.tokens.restorePrevious(issued.tokenId, issued.tokenHash, issued.previous)
        : await this.tokens.deleteIssued(issued.tokenId, issued.tokenHash);
      if (!undone) {
        this.logger.warn(
          { token_id: issued.tokenId, rotated: issued.rotated },
          'nothing to compensate: a later issue or a revocation superseded this token',
        );
      }
    } catch (error) {
      this.logger.error(
        { err: error, token_id: issued.tokenId, rotated: issued.rotated },
        'token compensation failed',
      );
    }
    try {
      // Best effort: nothing should have cached the new token yet, but a client that raced the
      // failure may have presented it.
      await this.cache.tombstone(issued.tokenHash);
      // The restored token works again at once, not once its rotation's tombstone expires.
      if (undone && issued.previous) await this.cache.forget(issued.previous.tokenHash);
    } catch (error) {
      this.logger.warn(
        { err: error, token_id: issued.tokenId },
        'could not update the bearer cache after a compensation',
      );
    }
  }
}

/** The prefix's kind, or undefined for a value outside the type passed by an untyped caller. */
function kindOf(prefix: string): (typeof TOKEN_KINDS)[TokenPrefix] | undefined {
  return Object.hasOwn(TOKEN_KINDS, prefix) ? TOKEN_KINDS[prefix as TokenPrefix] : undefined;
}
