import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { isTokenShaped } from '@dify/domain';
import { ApiError, ReqContext } from '@dify/http-edge';
import { RateLimiter, type RequestContext } from '@dify/platform';
import { TOKEN_RATE_LIMIT_WINDOW_SECONDS, TokenRevoker, tokenRateLimitKey } from '@dify/tokens';
import type { FastifyRequest } from 'fastify';
import { AUTH_CONFIG } from '../app/auth-config.token';
import type { AuthConfig } from '../app/auth.env';
import { DeviceRequestBody } from './device-request-body';

/**
 * Revocations per client IP per minute. A CLI revokes once when it signs out, so this is far
 * above honest use (a whole office behind one address included) while it bounds the database
 * work one address can cause through an endpoint that needs no credential.
 */
export const REVOCATIONS_PER_IP_PER_MINUTE = 60;

const invalidClient = (): ApiError => new ApiError(400, 'invalid_client', 'unknown client');

/**
 * RFC 7009 revocation. Possession of the token is the credential; the answer is `{}` whether a
 * token was revoked or was unknown or already dead, so it reveals nothing (RFC 7009 §2.2).
 */
@Controller()
export class RevocationController {
  private readonly knownClients: ReadonlySet<string>;

  constructor(
    private readonly revoker: TokenRevoker,
    private readonly rateLimiter: RateLimiter,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.knownClients = new Set(config.OPENAPI_KNOWN_CLIENT_IDS);
  }

  @Post('openapi/v1/oauth/revoke')
  @HttpCode(200)
  async revoke(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @ReqContext() context: RequestContext,
  ): Promise<Record<string, never>> {
    await this.rateLimiter.enforce(
      tokenRateLimitKey.revocation(context.ip),
      REVOCATIONS_PER_IP_PER_MINUTE,
      TOKEN_RATE_LIMIT_WINDOW_SECONDS.revocation,
    );
    const fields = DeviceRequestBody.read(request.headers['content-type'], body);
    const token = fields.requiredString('token');
    // token_type_hint is only a hint: any value is accepted and access tokens are always searched.
    fields.optionalString('token_type_hint');
    const clientId = fields.optionalString('client_id');
    if (clientId !== undefined && !this.knownClients.has(clientId)) throw invalidClient();
    // A value that is not exactly a token can match no stored hash: answer without a query.
    if (!isTokenShaped(token)) return {};
    const outcome = await this.revoker.revokePresented(
      token,
      clientId,
      'revocation_endpoint',
      context,
    );
    if (outcome === 'client_mismatch') throw invalidClient();
    return {};
  }
}
