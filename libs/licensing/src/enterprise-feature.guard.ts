import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LicenseStatusReader } from './license-status.reader';

/**
 * Hides enterprise-only routes (the SSO branch) unless the licence is `active` or `expiring`
 * (docs/licensing.md, "Gates"): the answer is a bare 404 with an empty body, so a community
 * deployment looks as if the routes did not exist. List it first in `@UseGuards`, so that no
 * rate-limit bucket is touched for a hidden route.
 *
 * It writes the 404 itself because every error path would render an error envelope. Nest then
 * raises its usual ForbiddenException for the refused guard; the exception filter of the app must
 * leave a reply that was already sent alone (the platform's ErrorEnvelopeFilter does).
 */
@Injectable()
export class EnterpriseFeatureGuard implements CanActivate {
  constructor(private readonly license: LicenseStatusReader) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (await this.license.allowsEnterpriseFeatures()) return true;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.code(404).header('cache-control', 'no-store').send();
    return false;
  }
}
