import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditSink, hasScope, type Scope, TOKEN_PREFIX } from '@dify/domain';
import { LicenseStatusReader } from '@dify/licensing';
import { requestContextOf } from '@dify/platform';
import type { ResolvedBearer } from '@dify/tokens';
import type { FastifyRequest } from 'fastify';
import { BEARER_ERROR_CODES, bearerApiError } from './bearer-api.errors';
import { REQUIRED_SCOPE } from './required-scope';

/** Audit event of a bearer presented on a surface its subject type may not use (wire name). */
export const WRONG_SURFACE_DENIED_EVENT = 'openapi.wrong_surface_denied';

/**
 * The route requirements of contract §9.2, in the contract's order: the subject is an account
 * (`dfoa_`), the licence allows the bearer API, and the token holds the route's scope. The order
 * is observable (an SSO token on an unlicensed deployment is told about its token type first),
 * so it is kept exactly.
 */
@Injectable()
export class BearerAccessGuard implements CanActivate {
  private readonly logger = new Logger(BearerAccessGuard.name);

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
    return true;
  }

  /** The refusal stands whether or not the audit queue takes the event; a failure is logged. */
  private async recordWrongSurface(bearer: ResolvedBearer, request: FastifyRequest): Promise<void> {
    const caller = requestContextOf(request);
    try {
      await this.audit.record({
        event: WRONG_SURFACE_DENIED_EVENT,
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
    } catch (error) {
      this.logger.error({ err: error, event: WRONG_SURFACE_DENIED_EVENT }, 'audit event lost');
    }
  }
}
