import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { RateLimiter } from '@dify/platform';
import {
  BearerResolver,
  presentBearer,
  type ResolvedBearer,
  TOKEN_RATE_LIMIT_WINDOW_SECONDS,
  tokenRateLimitKey,
  TokenUsageRecorder,
} from '@dify/tokens';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerTokenOf } from './authorization-header';
import { BEARER_ERROR_CODES, bearerApiError } from './bearer-api.errors';
import { BEARER_API_SETTINGS, type BearerApiSettings } from './bearer-api.settings';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The accepted bearer (docs/tokens.md, "Bearer resolution"), set by BearerAuthGuard. It lives
     * on the request object, so it is gone with the request and never leaks into another one.
     */
    bearer?: ResolvedBearer;
  }
}

/**
 * Bearer authentication (docs/tokens.md, "Bearer resolution" steps 1–3 and 7–8; the tokens
 * library's resolver does 4–6). Unknown prefixes, unknown, revoked and expired tokens all get one identical
 * 401, so a caller learns nothing about which of them it holds.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(BEARER_API_SETTINGS) private readonly settings: BearerApiSettings,
    private readonly limiter: RateLimiter,
    private readonly resolver: BearerResolver,
    private readonly usage: TokenUsageRecorder,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await this.authenticate(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
    return true;
  }

  /**
   * Accepts the request's bearer and sets `request.bearer`, or throws the route's 401/503. Also
   * called by the account route, a plain Fastify route (see `account.route.ts`).
   */
  async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<ResolvedBearer> {
    if (!this.settings.enabled) throw bearerApiError(BEARER_ERROR_CODES.bearerAuthDisabled);

    const token = bearerTokenOf(request.headers.authorization);
    if (token === null) {
      void reply.header('www-authenticate', 'Bearer');
      throw bearerApiError(BEARER_ERROR_CODES.bearerRequired);
    }

    // Counted before the token is classified or looked up, so guessing with unknown or revoked
    // tokens spends the bucket too. Keyed on the hash: a plaintext token never names a Redis key.
    // Awaited before resolution starts: a throttled request must cost no cache read, no query and
    // no audit event (a hard expiry), or a flood of requests would load what the bucket protects.
    // Hashed once here; the resolver keys the cache and the row lookup on the same hash.
    const presented = presentBearer(token);
    if (this.settings.perTokenPerMinute > 0) {
      await this.limiter.enforce(
        tokenRateLimitKey.bearer(presented.tokenHash),
        this.settings.perTokenPerMinute,
        TOKEN_RATE_LIMIT_WINDOW_SECONDS.bearer,
      );
    }
    const bearer = await this.resolver.resolve(presented);
    if (bearer === null) {
      void reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw bearerApiError(BEARER_ERROR_CODES.invalidBearer);
    }
    request.bearer = bearer;
    await this.usage.noteUse(bearer.tokenId);
    return bearer;
  }
}
