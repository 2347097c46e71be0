import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import type { ConsoleIdentity } from '../sessions/console-identity';
import { ConsoleSessionService } from '../sessions/console-session.service';
import { csrfTokensMatch, CsrfTokens } from '../sessions/csrf-tokens';
import { ConsoleCookies } from './console-cookies';

export const CSRF_HEADER = 'x-csrf-token';

/**
 * CSRF double-submit, bound to the session: every state-changing console call must echo the
 * CSRF cookie in the `X-CSRF-Token` header (a page on another origin cannot read it), and
 * the value must be the one of the session the call acts on. Behind the session guard that is
 * the authenticated session; on refresh and sign-out, which work with an expired access cookie,
 * it is the session the refresh token (or the signed access token) names.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly csrf: CsrfTokens,
    private readonly cookies: ConsoleCookies,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<FastifyRequest & { user?: ConsoleIdentity }>();
    const cookie = this.cookies.read(request, 'csrf');
    const header = request.headers[CSRF_HEADER];
    // Checked first and without a lookup: most refusals are a missing or mismatched header.
    if (csrfTokensMatch(cookie, header)) {
      const sessionId =
        request.user?.sessionId ??
        (
          await this.sessions.sessionOf({
            refreshToken: this.cookies.read(request, 'refresh'),
            accessToken: this.cookies.read(request, 'access'),
          })
        )?.sessionId;
      if (sessionId && this.csrf.matches(sessionId, cookie, header)) return true;
    }
    throw new IdentityError(IDENTITY_ERROR_CODES.csrfMismatch, 'CSRF token missing or invalid');
  }
}
