import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { type AccountSession, AccountSessionRepository } from '@dify/db';
import { isUuid, SCOPE } from '@dify/domain';
import { ReqContext } from '@dify/http-edge';
import type { RequestContext } from '@dify/platform';
import { TokenRevoker } from '@dify/tokens';
import type { AccountSessionItem, RevokedResponse } from './account-session.response';
import { BEARER_ERROR_CODES, bearerApiError } from './bearer-api.errors';
import { type AccountBearer, AccountCaller } from './account-caller.decorator';
import { BearerRoute } from './bearer-route.decorator';
import {
  type PageEnvelope,
  pageEnvelope,
  pageOffset,
  type PageQuery,
  PageQueryParam,
} from './page-query';

const item = (session: AccountSession): AccountSessionItem => ({
  id: session.id,
  prefix: session.prefix,
  client_id: session.clientId,
  device_label: session.deviceLabel,
  created_at: session.createdAt.toISOString(),
  last_used_at: session.lastUsedAt?.toISOString() ?? null,
  expires_at: session.expiresAt.toISOString(),
});

const REVOKED: RevokedResponse = Object.freeze({ status: 'revoked' });

/**
 * The account's signed-in devices: the CLI's `devices` and `logout`
 * (docs/bearer-api.md, "Sessions").
 */
@Controller()
@BearerRoute(SCOPE.full)
export class AccountSessionsController {
  constructor(
    private readonly sessions: AccountSessionRepository,
    private readonly revoker: TokenRevoker,
  ) {}

  @Get('openapi/v1/account/sessions')
  async list(
    @AccountCaller() caller: AccountBearer,
    @PageQueryParam() query: PageQuery,
  ): Promise<PageEnvelope<AccountSessionItem>> {
    const page = await this.sessions.livePage(caller.accountId, pageOffset(query), query.limit);
    return pageEnvelope(query, page.total, page.sessions.map(item));
  }

  // Static segments win over `:session_id` in Fastify's router, whatever the declaration order.
  @Delete(['openapi/v1/account/sessions/self', 'v1/oauth/authorizations/self'])
  @HttpCode(200)
  async revokeSelf(
    @AccountCaller() caller: AccountBearer,
    @ReqContext() context: RequestContext,
  ): Promise<RevokedResponse> {
    return this.revoke(caller.tokenId, caller, 'self', context);
  }

  @Delete('openapi/v1/account/sessions/:session_id')
  @HttpCode(200)
  async revokeById(
    @AccountCaller() caller: AccountBearer,
    @Param('session_id') sessionId: string,
    @ReqContext() context: RequestContext,
  ): Promise<RevokedResponse> {
    return this.revoke(sessionId, caller, 'session', context);
  }

  /**
   * Ownership is checked before anything else (docs/bearer-api.md, "Route requirements"): a
   * malformed id, an unknown one and another account's all get the same 404, so ids cannot be
   * probed. An own row is `revoked` whether this call or an earlier one revoked it.
   */
  private async revoke(
    sessionId: string,
    caller: AccountBearer,
    via: 'self' | 'session',
    context: RequestContext,
  ): Promise<RevokedResponse> {
    if (!isUuid(sessionId)) throw bearerApiError(BEARER_ERROR_CODES.sessionNotFound);
    const outcome = await this.revoker.revokeOwned(sessionId, caller.accountId, via, context);
    if (outcome !== 'revoked') throw bearerApiError(BEARER_ERROR_CODES.sessionNotFound);
    return REVOKED;
  }
}
