import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import { AccountRepository, ConsoleSessionRepository } from '@dify/db';
import { generateUuidV7, isUuid, normalizeEmail } from '@dify/domain';
import type { RequestContext } from '@dify/platform';
import { PasswordHasher } from '../accounts/password-hasher.service';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';
import type { ConsoleAccessClaims, ConsoleIdentity } from './console-identity';
import { CsrfTokens } from './csrf-tokens';
import { LoginThrottle } from './login-throttle.service';
import { SessionRevocationStore } from './session-revocation.store';

/** The three secrets a browser holds for one console session. */
export interface IssuedSession {
  readonly accountId: string;
  readonly sessionId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly csrfToken: string;
}

/** A live session of an active account, with the account's own columns (no secrets). */
export interface SignedInAccount {
  readonly identity: ConsoleIdentity;
  readonly account: { readonly id: string; readonly email: string; readonly name: string };
}

const DAY_MS = 86_400_000;

/**
 * The claims of a verified access token, or null when they are not ones this service issues: an
 * account and a session id, and an expiry (the verifier only enforces `exp` when present, and a
 * token without one would never stop working).
 */
export function accessClaimsOf(claims: Partial<ConsoleAccessClaims>): ConsoleAccessClaims | null {
  if (!isUuid(claims.sub) || !isUuid(claims.sid)) return null;
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return null;
  return { sub: claims.sub, sid: claims.sid };
}

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const randomSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Console sessions: password sign-in with lockout, a short-lived JWT, a refresh token that
 * rotates on every use (a reused one revokes its whole session), and sign-out.
 */
@Injectable()
export class ConsoleSessionService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly sessions: ConsoleSessionRepository,
    private readonly passwords: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly revocations: SessionRevocationStore,
    private readonly jwt: JwtService,
    private readonly csrf: CsrfTokens,
    private readonly audit: AuditSink,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  async login(rawEmail: string, password: string, context: RequestContext): Promise<IssuedSession> {
    const email = normalizeEmail(rawEmail);
    const attempt = await this.throttle.begin(email, context.ip);
    let account: Awaited<ReturnType<AccountRepository['findByEmail']>>;
    let passwordMatches: boolean;
    try {
      account = await this.accounts.findByEmail(email);
      passwordMatches = await this.passwords.verify(account?.passwordHash ?? null, password);
    } catch (error) {
      await this.throttle.withdraw(attempt);
      throw error;
    }
    if (!account || !passwordMatches || account.status !== 'active') {
      await recordQuietly(this.audit, {
        event: AUDIT_EVENTS.accountLoginFailed,
        subjectType: 'account',
        subjectEmail: email,
        ...(account ? { accountId: account.id } : {}),
        ip: context.ip,
        requestId: context.requestId,
        payload: { reason: !account || !passwordMatches ? 'invalid_credentials' : account.status },
      });
      throw new IdentityError(IDENTITY_ERROR_CODES.invalidCredentials, 'Invalid email or password');
    }
    await this.throttle.forgive(attempt);
    const session = await this.issue(account.id, generateUuidV7());
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.accountLoginSucceeded,
      subjectType: 'account',
      subjectEmail: email,
      accountId: account.id,
      actorAccountId: account.id,
      ip: context.ip,
      requestId: context.requestId,
      payload: { session_id: session.sessionId },
    });
    return session;
  }

  /** Trades a refresh token for a new set; presenting a used one ends the whole session. */
  async refresh(refreshToken: string, context: RequestContext): Promise<IssuedSession> {
    const tokenHash = sha256(refreshToken);
    const successor = randomSecret();
    const rotated = await this.sessions.rotate(tokenHash, {
      id: generateUuidV7(),
      tokenHash: sha256(successor),
      expiresAt: this.refreshExpiry(),
    });
    if (!rotated) {
      const state = await this.sessions.find(tokenHash);
      if (state?.rotated && !state.revoked) await this.endReusedSession(state, context);
      throw this.invalidRefreshToken();
    }
    const account = await this.accounts.findById(rotated.accountId);
    if (account?.status !== 'active') {
      await this.endSession(rotated.sessionId);
      throw this.invalidRefreshToken();
    }
    return this.signedSession(account.id, rotated.sessionId, successor);
  }

  /** Ends the session a refresh token or a (possibly expired) access token belongs to. */
  async logout(
    credentials: { refreshToken?: string; accessToken?: string },
    context: RequestContext,
  ): Promise<void> {
    const session = await this.sessionOf(credentials);
    if (!session) return;
    await this.endSession(session.sessionId);
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.accountLogout,
      subjectType: 'account',
      accountId: session.accountId,
      actorAccountId: session.accountId,
      ip: context.ip,
      requestId: context.requestId,
      payload: { session_id: session.sessionId },
    });
  }

  /**
   * Whether verified access-token claims still stand for a live session of an active account.
   * Used by the passport strategy on every console call.
   */
  async authenticate(claims: ConsoleAccessClaims): Promise<ConsoleIdentity | null> {
    const signedIn = await this.signedInAccount(claims);
    return signedIn ? { accountId: signedIn.account.id, sessionId: claims.sid } : null;
  }

  /**
   * As `authenticate`, and the account row it checked: a caller that goes on to need the
   * account (the device approval does) does not read it a second time.
   */
  async signedInAccount(claims: ConsoleAccessClaims): Promise<SignedInAccount | null> {
    // The session must have been issued to this account and not ended: a JWT naming any other
    // sid, even correctly signed, stands for nothing. The row is asked for while Redis answers
    // (one round trip per console request instead of two); a revoked session still answers
    // null whatever the database says, as when they were asked one after the other.
    const row = this.sessions.accountOfLiveSession(claims.sid, claims.sub);
    row.catch(() => undefined);
    if (await this.revocations.isRevoked(claims.sid)) return null;
    const account = await row;
    if (account?.status !== 'active') return null;
    return {
      identity: { accountId: account.id, sessionId: claims.sid },
      account: { id: account.id, email: account.email, name: account.name },
    };
  }

  /**
   * The claims of a console access token whose signature and expiry hold, or null. Touches no
   * database: it lets a route throttle a caller before paying for `authenticate`, which still has
   * to run before the caller is trusted (the session may have been revoked, the account closed).
   */
  async claimsOf(accessToken: string | undefined): Promise<ConsoleAccessClaims | null> {
    if (!accessToken) return null;
    try {
      return accessClaimsOf(await this.jwt.verifyAsync<Partial<ConsoleAccessClaims>>(accessToken));
    } catch {
      return null;
    }
  }

  private async issue(accountId: string, sessionId: string): Promise<IssuedSession> {
    const refreshToken = randomSecret();
    await this.sessions.insertRefreshToken({
      id: generateUuidV7(),
      sessionId,
      accountId,
      tokenHash: sha256(refreshToken),
      expiresAt: this.refreshExpiry(),
    });
    return this.signedSession(accountId, sessionId, refreshToken);
  }

  private async signedSession(
    accountId: string,
    sessionId: string,
    refreshToken: string,
  ): Promise<IssuedSession> {
    const claims: ConsoleAccessClaims = { sub: accountId, sid: sessionId };
    // A fresh jti keeps every issued access token distinct, even two within one second.
    const accessToken = await this.jwt.signAsync({ ...claims }, { jwtid: generateUuidV7() });
    return {
      accountId,
      sessionId,
      accessToken,
      refreshToken,
      csrfToken: this.csrf.forSession(sessionId),
    };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.settings.refreshTokenDays * DAY_MS);
  }

  private async endSession(sessionId: string): Promise<void> {
    await this.sessions.revokeSession(sessionId);
    await this.revocations.revoke(sessionId);
  }

  private async endReusedSession(
    state: { sessionId: string; accountId: string },
    context: RequestContext,
  ): Promise<void> {
    await this.endSession(state.sessionId);
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.accountRefreshReused,
      subjectType: 'account',
      accountId: state.accountId,
      ip: context.ip,
      requestId: context.requestId,
      payload: { session_id: state.sessionId },
    });
  }

  /** The session a refresh token or a signed (possibly expired) access token belongs to. */
  async sessionOf(credentials: {
    refreshToken?: string;
    accessToken?: string;
  }): Promise<{ sessionId: string; accountId: string } | null> {
    if (credentials.refreshToken) {
      const state = await this.sessions.find(sha256(credentials.refreshToken));
      if (state) return state;
    }
    if (credentials.accessToken) {
      try {
        // Signing out must work after the access token expired; its signature still has to hold.
        const claims = await this.jwt.verifyAsync<ConsoleAccessClaims>(credentials.accessToken, {
          ignoreExpiration: true,
        });
        return { sessionId: claims.sid, accountId: claims.sub };
      } catch {
        return null;
      }
    }
    return null;
  }

  private invalidRefreshToken(): IdentityError {
    return new IdentityError(
      IDENTITY_ERROR_CODES.invalidRefreshToken,
      'The refresh token is invalid or expired; sign in again',
    );
  }
}
