import {
  type ConsoleAccessClaims,
  type ConsoleSessionService,
  CSRF_HEADER,
  csrfTokensMatch,
  type CsrfTokens,
  type ConsoleCookies,
  IDENTITY_ERROR_CODES,
  IdentityError,
  type SignedInAccount,
} from '@dify/identity';
import { isDependencyOutage } from '@dify/platform';
import type { FastifyRequest } from 'fastify';

/**
 * The signed-in console user behind a decision, checked as the console's session and CSRF guards
 * check it (docs/device-flow.md, "Approval"), but from claims the request's hook has verified
 * already, so the JWT is verified once per request, not twice.
 */
export class ConsoleCaller {
  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly cookies: ConsoleCookies,
    private readonly csrf: CsrfTokens,
  ) {}

  /**
   * The session, then CSRF double-submit bound to it. Missing, tampered, expired and revoked
   * sessions all answer the same 401 `no_session`; a session that cannot be checked because
   * Postgres or Redis is down is not a missing one, so that error goes on to the envelope (503).
   * A CSRF header that is missing or not the session's answers 403 `csrf_mismatch`. Answers the
   * identity with the account row the session check read, which the approval goes on to use.
   */
  async identify(
    request: FastifyRequest,
    verifiedClaims: ConsoleAccessClaims | null | undefined,
  ): Promise<SignedInAccount> {
    const claims =
      verifiedClaims === undefined
        ? await this.sessions.claimsOf(this.cookies.read(request, 'access'))
        : verifiedClaims;
    const signedIn = claims ? await this.authenticate(claims) : null;
    if (!signedIn) {
      throw new IdentityError(IDENTITY_ERROR_CODES.noSession, 'Sign in to continue');
    }
    const cookie = this.cookies.read(request, 'csrf');
    const header = request.headers[CSRF_HEADER];
    // The cheap comparison first: most refusals are a missing or mismatched header.
    if (
      !csrfTokensMatch(cookie, header) ||
      !this.csrf.matches(signedIn.identity.sessionId, cookie, header)
    ) {
      throw new IdentityError(IDENTITY_ERROR_CODES.csrfMismatch, 'CSRF token missing or invalid');
    }
    return signedIn;
  }

  private async authenticate(claims: ConsoleAccessClaims): Promise<SignedInAccount | null> {
    try {
      return await this.sessions.signedInAccount(claims);
    } catch (error) {
      if (error instanceof Error && isDependencyOutage(error)) throw error;
      return null;
    }
  }
}
