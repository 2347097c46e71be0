import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import { hasScope, type Scope, TOKEN_PREFIX } from '@dify/domain';
import { LicenseStatusReader } from '@dify/licensing';
import { requestContextOf } from '@dify/http-edge';
import type { ResolvedBearer } from '@dify/tokens';
import type { FastifyRequest } from 'fastify';
import type { AccountBearer } from './account-caller.decorator';
import { BEARER_ERROR_CODES, bearerApiError } from './bearer-api.errors';
import { REQUIRED_SCOPE } from './required-scope';

/**
 * The route requirements (docs/bearer-api.md, "Route requirements"), in their order: the subject is
 * an account (`dfoa_`), the licence allows the bearer API, and the token holds the route's scope.
 * The order is observable (an SSO token on an unlicensed deployment is told about its token type
 * first), so it is kept exactly.
 */
@Injectable()
export class BearerAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly license: LicenseStatusReader,
    private readonly audit: AuditSink,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const bearer = request.bearer;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    // Both come from the route declaration; without them the route is miswired: fail closed.
    if (!bearer || !scope) throw new Error('bearer route declared without @BearerRoute(scope)');
    await this.admit(request, bearer, scope);
    return true;
  }

  /**
   * Checks the requirements for `scope` in their order, throwing the first one's 403, and answers
   * the bearer as the account bearer it then is. Also called by the account route, a plain Fastify
   * route (see `account.route.ts`).
   */
  async admit(
    request: FastifyRequest,
    bearer: ResolvedBearer,
    scope: Scope,
  ): Promise<AccountBearer> {
    if (bearer.prefix !== TOKEN_PREFIX.account || bearer.accountId === null) {
      await this.recordWrongSurface(bearer, request);
      throw bearerApiError(BEARER_ERROR_CODES.unsupportedTokenType);
    }
    if (!(await this.license.allowsBearerApi())) {
      throw bearerApiError(BEARER_ERROR_CODES.licenseInvalid);
    }
    if (!hasScope(bearer.scopes, scope)) {
      throw bearerApiError(BEARER_ERROR_CODES.insufficientScope);
    }
    return bearer as AccountBearer;
  }

  /** The refusal stands whether or not the audit queue takes the event; a failure is logged. */
  private async recordWrongSurface(bearer: ResolvedBearer, request: FastifyRequest): Promise<void> {
    const caller = requestContextOf(request);
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.wrongSurfaceDenied,
      requestId: caller.requestId,
      ip: caller.ip,
      subjectType: bearer.subjectType,
      subjectEmail: bearer.subjectEmail,
      subjectIssuer: bearer.subjectIssuer,
      payload: {
        subject_type: bearer.subjectType,
        // The path only: a query string is the caller's text and may carry anything.
        attempted_path: request.url.split('?')[0],
        client_id: bearer.clientId,
        token_id: bearer.tokenId,
      },
    });
  }
}
